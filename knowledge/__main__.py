"""Command line for the process lead: ``python -m knowledge inbox [--status new]``."""

from __future__ import annotations

import argparse
import sys

from knowledge.inbox import Inbox
from knowledge.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    inbox = sub.add_parser("inbox", help="list the questions users passed on")
    inbox.add_argument("--status", default=None)
    args = parser.parse_args(argv)
    if args.command == "inbox":
        items = Inbox(get_settings().database_url).list(args.status)
        for item in items:
            print(f"{item.id}\t{item.asked_at:%Y-%m-%d %H:%M}\t{item.status}\t{item.question}")
        print(f"{len(items)} frågor", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
