"""The knowledge service's log lines hold no personal identity number, however it was written."""

from __future__ import annotations

import logging

from actions.processes.logs import RedactingFormatter, WithoutQueryStrings


def _line(message: str, *args: object, name: str = "test") -> str:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)
    WithoutQueryStrings().filter(record)
    return RedactingFormatter("%(message)s").format(record)


def test_numbers_are_redacted_plain_and_percent_encoded():
    assert _line("fråga om %s", "19850709-9805") == "fråga om [personnummer borttaget]"
    assert "1212" not in _line('"GET /x?q=samverkan+19121212%2B1212 HTTP/1.1"')
    assert _line("ordinary %d%% share, id %s", 50, "a+b") == "ordinary 50% share, id a+b"


def test_the_access_log_has_no_query_strings():
    line = _line('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/api/search?q=vem+ar+gsa", "1.1", 200)
    assert line == '127.0.0.1:5 - "GET /api/search HTTP/1.1" 200'
