"""Run the knowledge service: ``python -m actions``."""

from __future__ import annotations

import logging

import uvicorn

from actions.app import create_app
from knowledge.settings import get_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    uvicorn.run(
        create_app(settings), host=settings.knowledge_host, port=settings.knowledge_port, log_level="info"
    )


if __name__ == "__main__":
    main()
