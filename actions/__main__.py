"""Run the knowledge service: ``python -m actions``."""

from __future__ import annotations

import logging
import sys

import uvicorn

from actions.processes.logs import configure_logging
from actions.web.app import create_app
from knowledge.db import Database, DatabaseError
from knowledge.secrets import MissingSecretError, ServiceSecrets
from knowledge.settings import get_settings


def main() -> None:
    configure_logging(logging.INFO)
    settings = get_settings()
    try:
        ServiceSecrets.from_key(settings.secret_key.get_secret_value())
        Database(settings.database_url).check()
    except (DatabaseError, MissingSecretError) as error:
        print(f"Kunskapstjänsten startar inte. {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    # log_config=None: uvicorn keeps the redacting handler configured above.
    uvicorn.run(
        create_app(settings),
        host=settings.knowledge_host,
        port=settings.knowledge_port,
        log_config=None,
        log_level="info",
    )


if __name__ == "__main__":
    main()
