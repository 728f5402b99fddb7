"""Command line for the process lead (processledare).

    python -m knowledge inbox [--status new]          questions users passed on
    python -m knowledge feedback [--limit 50]         users' ratings of answers, newest first
    python -m knowledge areas [--region skane]        the register of areas
    python -m knowledge designation set|list|remove|export|import|history ...   GSA/KSA per area
    python -m knowledge db status|init|upgrade        the database: check, create a new one, migrate
    python -m knowledge user add NAME --role ROLE     workspace accounts (password read from stdin)
    python -m knowledge user list|disable|set-role|reset-password ...
    python -m knowledge token create --user NAME      an API token, printed once on the last line
    python -m knowledge export DIR | import DIR --by NAME   the whole curated state as files, and back
    python -m knowledge purge [--days N]              delete what users wrote beyond the retention period

Bad input gives a Swedish message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from knowledge import backup
from knowledge.accounts import ROLE_LABELS, AccountStore
from knowledge.audit import AuditLog
from knowledge.db import Database, DatabaseError
from knowledge.feedback import RATING_LABELS, Feedback, FeedbackStore
from knowledge.inbox import Inbox
from knowledge.registry import cli as registry_cli
from knowledge.registry.areas import RegisterError
from knowledge.retention import purge
from knowledge.settings import get_settings

# argparse's own messages, in Swedish.
_MESSAGES = (
    (r"the following arguments are required: (.*)", r"följande argument saknas: \1"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (
        r"argument (.*): invalid choice: (.*) \(choose from (.*)\)",
        r"argument \1: ogiltigt val \2 (välj bland \3)",
    ),
    (r"argument (.*): expected one argument", r"argument \1: ett värde behövs"),
    (r"argument (.*): invalid (.*) value: (.*)", r"argument \1: ogiltigt värde \3"),
)


class SwedishArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"fel: {message}\n")


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _one_line(text: str, limit: int | None = None) -> str:
    line = " ".join(text.split())
    return line if limit is None or len(line) <= limit else line[: limit - 1] + "…"


def feedback_line(item: Feedback) -> str:
    """One tab-separated line: id, time (UTC), rating, kind, question, answer, sources, comment."""
    return "\t".join(
        (
            str(item.id),
            f"{item.created_at:%Y-%m-%d %H:%M}",
            RATING_LABELS[item.rating],
            item.kind.value,
            _one_line(item.question),
            _one_line(item.answer, 80),
            ",".join(s.doc for s in item.sources) or "-",
            _one_line(item.comment or ""),
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishArgumentParser(prog="python -m knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="kunskapsdatabasen (standard: HOK_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    inbox = sub.add_parser("inbox", help="list the questions users passed on")
    inbox.add_argument("--status", default=None)
    feedback = sub.add_parser("feedback", help="list users' ratings of answers, newest first")
    feedback.add_argument("--limit", type=positive_int, default=50, help="högst så många (standard: 50)")
    db = sub.add_parser("db", help="the knowledge database: status, init (a new one), upgrade (migrate)")
    db.add_argument("action", choices=("status", "init", "upgrade"))
    user = sub.add_parser("user", help="workspace accounts (processledare, redaktor, lasare, admin)")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ÅTGÄRD")
    add = user_sub.add_parser("add", help="add a user; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--role", required=True)
    user_sub.add_parser("list", help="every user with role and state")
    disable = user_sub.add_parser("disable", help="disable a user (ends sessions, revokes tokens)")
    disable.add_argument("name")
    set_role = user_sub.add_parser("set-role", help="change a user's role")
    set_role.add_argument("name")
    set_role.add_argument("role")
    reset = user_sub.add_parser("reset-password", help="set a new password, read from stdin")
    reset.add_argument("name")
    token = sub.add_parser("token", help="API tokens for /api/admin/")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ÅTGÄRD")
    create = token_sub.add_parser("create", help="create a token; printed once, alone on the last line")
    create.add_argument("--user", required=True)
    create.add_argument("--label", default="")
    export = sub.add_parser("export", help="write answers with history, designations and users to DIR")
    export.add_argument("directory")
    purge_parser = sub.add_parser("purge", help="delete questions, ratings and conversations past retention")
    purge_parser.add_argument("--days", type=positive_int, help="the retention in days (default: settings)")
    restore = sub.add_parser("import", help="read an export into a new, empty database")
    restore.add_argument("directory")
    restore.add_argument("--by", required=True, help="vem som gör importen")
    registry_cli.add_commands(sub)
    return parser


def _password_from_stdin() -> str:
    """The password: the first line of stdin (typed, not echoed, on a terminal)."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Lösenord: ")
    return sys.stdin.readline().rstrip("\r\n")


def user_command(args: argparse.Namespace, database_url: str) -> int:
    accounts = AccountStore(database_url)
    audit = AuditLog(database_url)
    actor = f"cli:{getpass_user()}"
    if args.user_command == "list":
        for u in accounts.list():
            state = "aktiv" if u.active else "avstängd"
            print(f"{u.name}\t{ROLE_LABELS[u.role]}\t{state}\t{u.created_at:%Y-%m-%d}")
        return 0
    if args.user_command == "add":
        made = accounts.add(args.name, args.role, _password_from_stdin())
        audit.record(actor, "user.add", f"user:{made.name}", None, {"role": made.role.value})
        print(f"Användaren {made.name} ({ROLE_LABELS[made.role]}) är skapad.")
    elif args.user_command == "disable":
        made = accounts.disable(args.name)
        audit.record(actor, "user.disable", f"user:{made.name}", {"active": True}, {"active": False})
        print(f"Användaren {made.name} är avstängd; sessioner och nycklar gäller inte längre.")
    elif args.user_command == "set-role":
        before = accounts.get(args.name)
        made = accounts.set_role(args.name, args.role)
        old = {"role": before.role.value} if before else None
        audit.record(actor, "user.set_role", f"user:{made.name}", old, {"role": made.role.value})
        print(f"Användaren {made.name} är nu {ROLE_LABELS[made.role]}.")
    else:
        made = accounts.reset_password(args.name, _password_from_stdin())
        audit.record(actor, "user.reset_password", f"user:{made.name}")
        print(f"Lösenordet för {made.name} är bytt.")
    return 0


def token_command(args: argparse.Namespace, database_url: str) -> int:
    token = AccountStore(database_url).create_token(args.user, args.label)
    AuditLog(database_url).record(f"cli:{getpass_user()}", "token.create", f"user:{args.user}")
    print(f"En API-nyckel för {args.user} (visas bara nu, spara den säkert):")
    print(token)
    return 0


def backup_command(args: argparse.Namespace, database_url: str) -> int:
    directory = Path(args.directory)
    actor = f"cli:{getpass_user()}"
    if args.command == "export":
        counts = backup.export(database_url, directory)
        AuditLog(database_url).record(actor, "export", str(directory)[:200], None, counts.__dict__)
        print(f"Exporterade {counts.describe()} till {directory}.")
    else:
        counts = backup.import_(database_url, directory, by=args.by)
        AuditLog(database_url).record(actor, "import", str(directory)[:200], None, counts.__dict__)
        print(f"Importerade {counts.describe()} från {directory}.")
        if counts.users:
            print("Användarna behöver nya lösenord: python -m knowledge user reset-password NAMN")
    return 0


def getpass_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


def database_command(action: str, database_url: str) -> int:
    database = Database(database_url)
    if action == "status":
        status = database.status()
        if not status.ok:
            print(database.problem(status), file=sys.stderr)
            return 1
        print(f"Kunskapsdatabasen {database.label} är aktuell (version {status.revision}).")
        return 0
    before = database.status()
    after = database.init() if action == "init" else database.upgrade()
    if before.ok:
        print(f"Kunskapsdatabasen {database.label} är redan aktuell (version {after.revision}).")
    elif action == "init":
        print(f"Kunskapsdatabasen {database.label} är skapad (version {after.revision}).")
    else:
        print(f"Kunskapsdatabasen {database.label} är uppgraderad till version {after.revision}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    database_url = args.database_url or get_settings().database_url
    try:
        if args.command != "db":
            Database(database_url).check()
        if args.command == "inbox":
            items = Inbox(database_url).list(args.status)
            for item in items:
                print(f"{item.id}\t{item.asked_at:%Y-%m-%d %H:%M}\t{item.status}\t{item.question}")
            print(f"{len(items)} frågor", file=sys.stderr)
            return 0
        if args.command == "feedback":
            ratings = FeedbackStore(database_url).list(args.limit)
            for rating in ratings:
                print(feedback_line(rating))
            print(f"{len(ratings)} återkopplingar", file=sys.stderr)
            return 0
        if args.command == "db":
            return database_command(args.action, database_url)
        if args.command == "user":
            return user_command(args, database_url)
        if args.command == "token":
            return token_command(args, database_url)
        if args.command in ("export", "import"):
            return backup_command(args, database_url)
        if args.command == "purge":
            settings = get_settings()
            days = args.days or settings.retention_days
            purged = purge(database_url, settings.tracker_store_url, days)
            AuditLog(database_url).record(
                f"cli:{getpass_user()}", "purge", f"days:{days}", None, purged.__dict__
            )
            print(f"Raderade det som var äldre än {days} dagar: {purged.describe()}.")
            return 0
        return registry_cli.run(args, database_url)
    except DatabaseError as error:
        print(f"fel: {error}", file=sys.stderr)
        return 1
    except RegisterError as error:
        print(f"fel i registret över områden: {error}", file=sys.stderr)
        return 2
    except (ValueError, LookupError) as error:
        print(f"fel: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"fel: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"databasfel: {error.__class__.__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
