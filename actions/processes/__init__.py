"""Running the assistant's processes: the launcher (``make run``: Rasa and the knowledge service,
supervised), the supervisor, the scaled profile with its infrastructure (nginx, PostgreSQL,
Redis) and the logs' redacting formatter. Nothing here is imported by the running service's
routes."""
