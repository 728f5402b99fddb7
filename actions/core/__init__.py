"""The answering core: turns a question into an :class:`knowledge.answer.Answer` (register and
rules, definitions, passages, abstention). It never imports ``rasa_sdk``: the Rasa actions in
``actions/`` and the ``/api/answer`` endpoint are thin adapters over it."""
