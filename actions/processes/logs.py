"""The knowledge service's logging: one handler on the root logger whose formatter redacts
personal identity numbers from every line, URL-encoded ones too; uvicorn's access log through
it, without query strings (they are what users typed)."""

from __future__ import annotations

import logging
import sys

from knowledge.redact import redact_line

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_line(super().format(record))


class WithoutQueryStrings(logging.Filter):
    """uvicorn.access records are (client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # through the root handler only
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").addFilter(WithoutQueryStrings())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per turn forwarded to Rasa: noise
