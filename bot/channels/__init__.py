"""Custom Rasa input channels. Rasa loads them by module path from the credentials file
(``channels.teams.TeamsInput``), with bot/ on PYTHONPATH (see actions/processes/launcher.py)."""
