"""Command line for the register and the designations (wired into ``python -m knowledge``).

    python -m knowledge areas [--region skane]
    python -m knowledge designation set --area Södermalm --role gsa --name ... --by NAMN
    python -m knowledge designation list|history [--area X]
    python -m knowledge designation remove --area X --role gsa --by NAMN
    python -m knowledge designation export FIL | import FIL --by NAMN

Area arguments accept any name or alias ("Södermalm", "sodermalm", "Söder"). Bad input gives a
Swedish message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge.registry.areas import REGION_LABELS, REGIONS, Area, Register, get_register
from knowledge.registry.designations import (
    ROLE_LABELS,
    ROLES,
    AuditEntry,
    Designation,
    DesignationStore,
    parse_date,
)
from knowledge.text import fold

ACTION_LABELS = {"set": "registrerad", "remove": "borttagen", "import": "importerad"}


class UsageError(ValueError):
    """Bad input on the command line: shown as it is, exit code 2."""


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``areas`` and ``designation`` commands to the parser of ``python -m knowledge``."""
    areas = sub.add_parser(
        "areas", help="lista områdena i registret", description="Lista områdena i registret."
    )
    areas.add_argument("--region", help="bara en region: stockholm eller skane")

    designation = sub.add_parser(
        "designation",
        help="vilken vårdcentral som är GSA och vilken funktion som är KSA",
        description="Registrera, lista, exportera och importera GSA/KSA per område.",
    )
    actions = designation.add_subparsers(dest="designation_command", required=True, metavar="KOMMANDO")

    set_ = actions.add_parser("set", help="registrera (eller ersätt) GSA/KSA för ett område")
    _area_role(set_)
    set_.add_argument("--name", required=True, help="vårdcentralens eller funktionens namn")
    set_.add_argument("--unit", help="enhet eller förvaltning")
    set_.add_argument("--contact", help="kontaktuppgifter")
    set_.add_argument("--valid-from", help="gäller från, ÅÅÅÅ-MM-DD")
    set_.add_argument("--note", help="anteckning")
    set_.add_argument("--source", help="varifrån uppgiften kommer")
    set_.add_argument("--by", required=True, help="vem som registrerar")

    list_ = actions.add_parser("list", help="lista registrerade GSA/KSA")
    list_.add_argument("--area", help="bara ett område (namn eller id)")

    remove = actions.add_parser("remove", help="ta bort GSA/KSA för ett område")
    _area_role(remove)
    remove.add_argument("--by", required=True, help="vem som tar bort")

    export = actions.add_parser("export", help="exportera alla till en fil (.csv eller .yaml)")
    export.add_argument("file", type=Path, metavar="FIL")

    import_ = actions.add_parser("import", help="importera från en fil (.csv eller .yaml), allt eller inget")
    import_.add_argument("file", type=Path, metavar="FIL")
    import_.add_argument("--by", required=True, help="vem som importerar")

    history = actions.add_parser("history", help="visa ändringshistoriken")
    history.add_argument("--area", help="bara ett område (namn eller id)")


def _area_role(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", required=True, help="området (namn eller id)")
    parser.add_argument("--role", required=True, help="gsa eller ksa")


def run(args: argparse.Namespace, database_url: str, register: Register | None = None) -> int:
    """Run ``areas`` or ``designation ...``; raises ``UsageError``/``ValueError`` for bad input."""
    register = register or get_register()
    if args.command == "areas":
        return _areas(register, args.region)
    store = DesignationStore(database_url, register)
    command = args.designation_command
    if command == "set":
        area = area_argument(register, args.area)
        designation = store.set(
            area.id,
            role_argument(args.role),
            args.name,
            by=args.by,
            unit=args.unit,
            contact=args.contact,
            valid_from=parse_date(args.valid_from),
            note=args.note,
            source=args.source,
        )
        print(f"Registrerad: {_describe(register, designation)}")
    elif command == "remove":
        area = area_argument(register, args.area)
        removed = store.remove(area.id, role_argument(args.role), by=args.by)
        print(f"Borttagen: {_describe(register, removed)}")
    elif command == "list":
        only = area_argument(register, args.area) if args.area else None
        designations = store.list(only.id if only else None)
        for d in designations:
            print(_row(register, d))
        where = f" för {only.name}" if only else ""
        print(f"{len(designations)} registrerade GSA/KSA{where}", file=sys.stderr)
    elif command == "history":
        only = area_argument(register, args.area) if args.area else None
        entries = store.history(only.id if only else None)
        for entry in entries:
            print(_history_row(register, entry))
        print(f"{len(entries)} ändringar", file=sys.stderr)
    elif command == "export":
        count = store.export(args.file)
        print(f"{count} registrerade GSA/KSA exporterade till {args.file}", file=sys.stderr)
    elif command == "import":
        changed = store.import_(args.file, by=args.by)
        print(f"{changed} ändrade från {args.file}", file=sys.stderr)
    return 0


def area_argument(register: Register, text: str) -> Area:
    """The area named by ``text`` exactly (id, name or alias); a near miss is suggested, not taken."""
    area = register.lookup(text)
    if area is not None:
        return area
    guess = register.resolve_exact_name(text)
    hint = (
        f" Menade du {guess.area.name} ({guess.area.id})?"
        if guess
        else " Se vilka som finns med: python -m knowledge areas"
    )
    raise UsageError(f"Okänt område {text!r}.{hint}")


def role_argument(text: str) -> str:
    role = fold(text)
    if role not in ROLES:
        raise UsageError(f"Okänd roll {text!r}: välj gsa eller ksa.")
    return role


def _areas(register: Register, region: str | None) -> int:
    if region is not None:
        folded = fold(region)
        if folded not in REGIONS:
            raise UsageError(f"Okänd region {region!r}: välj {' eller '.join(REGIONS)}.")
        areas = register.in_region(folded)
    else:
        areas = register.all()
    for area in areas:
        print("\t".join((area.id, area.name, area.kind_label, area.region, area.parent or "")))
    label = f" i {REGION_LABELS[fold(region)]}" if region else ""
    print(f"{len(areas)} områden{label}", file=sys.stderr)
    return 0


def _area_name(register: Register, area_id: str) -> str:
    area = register.get(area_id)
    return area.name if area else area_id


def _describe(register: Register, d: Designation) -> str:
    return f"{ROLE_LABELS[d.role]} för {_area_name(register, d.area_id)} ({d.area_id}): {d.name}"


def _row(register: Register, d: Designation) -> str:
    return "\t".join(
        (
            d.area_id,
            _area_name(register, d.area_id),
            ROLE_LABELS[d.role],
            d.name,
            d.unit or "",
            d.contact or "",
            d.valid_from.isoformat() if d.valid_from else "",
            d.recorded_by,
            f"{d.recorded_at:%Y-%m-%d %H:%M}",
        )
    )


def _history_row(register: Register, entry: AuditEntry) -> str:
    old = (entry.old or {}).get("name") or "–"
    new = (entry.new or {}).get("name") or "–"
    return "\t".join(
        (
            f"{entry.at:%Y-%m-%d %H:%M}",
            entry.by,
            ACTION_LABELS.get(entry.action, entry.action),
            entry.area_id,
            ROLE_LABELS.get(entry.role, entry.role),
            f"{old} → {new}",
        )
    )
