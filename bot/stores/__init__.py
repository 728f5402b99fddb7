"""Custom Rasa stores. Rasa loads them by module path from the endpoints file
(``stores.locks.AtomicRedisLockStore``), with bot/ on PYTHONPATH (see actions/processes/launcher.py)."""
