"""Run the knowledge service: ``python -m actions``."""

from __future__ import annotations

import logging
import sys

import uvicorn

from actions.app import create_app
from knowledge.db import Database, DatabaseError
from knowledge.settings import get_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    try:
        Database(settings.database_url).check()
    except DatabaseError as error:
        print(f"Kunskapstjänsten startar inte. {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    uvicorn.run(
        create_app(settings), host=settings.knowledge_host, port=settings.knowledge_port, log_level="info"
    )


if __name__ == "__main__":
    main()
