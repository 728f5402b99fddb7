"""Designations: which health centre is GSA and which function is KSA in an area.

Curated data in the knowledge database (``settings.database_url``), one current designation per
(area, role), every change written to the audit table ``designation_audit``, exportable and
importable as CSV or YAML (format in ``knowledge.registry.designation_files``).

Error messages are Swedish: they reach the process lead through the command line.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.registry.areas import Register, get_register
from knowledge.registry.designation_files import (
    FIELDS,
    DesignationFileError,
    file_format,
    read_records,
    row_label,
    write_records,
)

ROLES = ("gsa", "ksa")
ROLE_LABELS = {"gsa": "GSA", "ksa": "KSA"}
ACTIONS = ("set", "remove", "import", "verify", "restore")
MAX_TEXT = 500


@dataclass(frozen=True)
class Designation:
    """The current GSA health centre or KSA function of one area, as recorded by the process lead."""

    area_id: str
    role: str  # "gsa" | "ksa"
    name: str
    unit: str | None
    contact: str | None
    valid_from: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime  # UTC
    note: str | None
    source: str | None
    # Counts the changes of this area's role; a change names the version it was made from. Not
    # part of what the designation says (an import of the same values changes nothing).
    version: int = field(default=0, compare=False)

    def to_record(self) -> dict[str, Any]:
        """The designation as JSON-ready values (dates as ISO strings)."""
        record = asdict(self)
        record["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        record["recorded_at"] = self.recorded_at.isoformat()
        return record


@dataclass(frozen=True)
class AuditEntry:
    """One change of a designation: who did what when, with the values before and after."""

    id: int
    at: dt.datetime
    by: str
    action: str  # "set" | "remove" | "import"
    area_id: str
    role: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class Unchecked:
    """The default of ``expected``: the change is not checked against a version (the CLI)."""


UNCHECKED = Unchecked()


class DesignationConflict(ValueError):
    """The designation changed since the version a change was made from (Swedish message)."""


class DesignationRow(Base):
    __tablename__ = "designations"
    __table_args__ = (UniqueConstraint("area_id", "role", name="uq_designation_area_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(MAX_TEXT))
    unit: Mapped[str | None] = mapped_column(String(MAX_TEXT), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(MAX_TEXT), nullable=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(String(MAX_TEXT), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class DesignationAuditRow(Base):
    __tablename__ = "designation_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(8))
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON


class DesignationStore:
    """Read and change designations in the knowledge database at ``url``.

    Area ids are checked against ``register`` (default: the register in settings, loaded on first use)."""

    def __init__(
        self,
        url: str,
        register: Register | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.url = url
        self._register = register
        self._clock = clock

    @property
    def register(self) -> Register:
        if self._register is None:
            self._register = get_register()
        return self._register

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    # Reading.

    def get(self, area_id: str, role: str) -> Designation | None:
        """The current designation of ``role`` in the area, or None if none is registered."""
        with Session(self.engine) as session:
            row = self._row(session, area_id, role)
            return _designation(row) if row else None

    def list(self, area_id: str | None = None) -> list[Designation]:
        """Every current designation (of one area), ordered by area id and role."""
        query = select(DesignationRow).order_by(DesignationRow.area_id, DesignationRow.role)
        if area_id is not None:
            query = query.where(DesignationRow.area_id == area_id)
        with Session(self.engine) as session:
            return [_designation(row) for row in session.scalars(query)]

    def history(self, area_id: str | None = None) -> builtins.list[AuditEntry]:
        """Every change (of one area), oldest first."""
        query = select(DesignationAuditRow).order_by(DesignationAuditRow.id)
        if area_id is not None:
            query = query.where(DesignationAuditRow.area_id == area_id)
        with Session(self.engine) as session:
            return [_audit(row) for row in session.scalars(query)]

    # Changing.

    def set(
        self,
        area_id: str,
        role: str,
        name: str,
        *,
        by: str,
        unit: str | None = None,
        contact: str | None = None,
        valid_from: dt.date | None = None,
        note: str | None = None,
        source: str | None = None,
        expected: int | Unchecked | None = UNCHECKED,
    ) -> Designation:
        """Record ``name`` as the area's ``role``, replacing the current designation; raise ValueError
        for an unknown area or role, or an empty name or recorder.

        ``expected``: the version (:attr:`Designation.version`) the change was made from, or None
        for "there was none"; DesignationConflict when the designation has changed since."""
        designation = self.validate(
            Designation(
                area_id=area_id,
                role=role,
                name=name,
                unit=unit,
                contact=contact,
                valid_from=valid_from,
                recorded_by=by,
                recorded_at=self._clock(),
                note=note,
                source=source,
            )
        )
        try:
            with Session(self.engine) as session, session.begin():
                self._claim(session, area_id, role, expected)
                self._put(session, designation, by=designation.recorded_by, action="set")
                session.flush()
                row = self._row(session, area_id, role)
                stored = _designation(row) if row else designation
        except IntegrityError:  # another one was recorded meanwhile (the unique area and role)
            raise DesignationConflict(self._conflict_message(area_id, role)) from None
        return stored

    def remove(
        self, area_id: str, role: str, by: str, expected: int | Unchecked | None = UNCHECKED
    ) -> Designation:
        """Remove the area's current ``role`` designation; raise LookupError if there is none,
        DesignationConflict if it is no longer at version ``expected``."""
        return self.remove_undoable(area_id, role, by, expected)[0]

    def remove_undoable(
        self, area_id: str, role: str, by: str, expected: int | Unchecked | None = UNCHECKED
    ) -> tuple[Designation, int]:
        """As :meth:`remove`, with the id of the removal's audit entry, which
        :meth:`restore_removed` takes to undo it."""
        self._check_area_role(area_id, role)
        by = _required(by, "Vem som gör ändringen (by)")
        with Session(self.engine) as session, session.begin():
            if expected is not None:
                self._claim(session, area_id, role, expected)
            row = self._row(session, area_id, role)
            if row is None:
                area = self.register.get(area_id)
                raise LookupError(
                    f"Det finns ingen registrerad {ROLE_LABELS[role]} för {area.name if area else area_id}."
                )
            old = _designation(row)
            session.delete(row)
            entry = self._audit_row(by, "remove", area_id, role, old, None)
            session.add(entry)
            session.flush()
            return old, entry.id

    def restore_removed(self, removal: int, by: str) -> Designation:
        """Undo the removal whose audit entry is ``removal``: the removed designation comes back
        exactly as it was (every field, who recorded it and when), audited as "restore".
        LookupError when there is no such removal; DesignationConflict when the area's role has
        been given another designation since (nothing is overwritten)."""
        by = _required(by, "Vem som ångrar (by)")
        with Session(self.engine) as session, session.begin():
            entry = session.get(DesignationAuditRow, removal)
            if entry is None or entry.action != "remove" or not entry.old_value:
                raise LookupError("Det finns ingen sådan borttagning att ångra.")
            if self._row(session, entry.area_id, entry.role) is not None:
                raise DesignationConflict(
                    f"{ROLE_LABELS[entry.role]} har registrerats på nytt sedan borttagningen: "
                    "den kan inte ångras. Ladda om registret."
                )
            record = json.loads(entry.old_value)
            removed = self.validate(
                Designation(
                    area_id=entry.area_id,
                    role=entry.role,
                    name=record["name"],
                    unit=record.get("unit"),
                    contact=record.get("contact"),
                    valid_from=parse_date(record.get("valid_from")),
                    recorded_by=record["recorded_by"],
                    recorded_at=dt.datetime.fromisoformat(record["recorded_at"]),
                    note=record.get("note"),
                    source=record.get("source"),
                )
            )
            self._put(session, removed, by=by, action="restore")
            session.flush()
            row = self._row(session, entry.area_id, entry.role)
            return _designation(row) if row else removed

    def verify(
        self, area_id: str, role: str, by: str, expected: int | Unchecked | None = UNCHECKED
    ) -> Designation:
        """Record that the area's ``role`` designation was checked and is still right: it is
        recorded again, now, by ``by``, unchanged (audited as "verify"). LookupError if none."""
        self._check_area_role(area_id, role)
        by = _required(by, "Vem som verifierar (by)")
        with Session(self.engine) as session, session.begin():
            self._claim(session, area_id, role, expected)
            row = self._row(session, area_id, role)
            if row is None:
                raise LookupError(f"Det finns ingen registrerad {ROLE_LABELS[role]} att verifiera.")
            old = _designation(row)
            row.recorded_at, row.recorded_by = self._clock(), by
            row.version = (row.version or 1) + 1
            new = _designation(row)
            session.add(self._audit_row(by, "verify", area_id, role, old, new))
        return new

    def import_designations(self, designations: Iterable[Designation], by: str) -> int:
        """Apply validated designations in one transaction (all or nothing); returns how many changed.

        A designation identical to the current one is left alone and not audited."""
        by = _required(by, "Vem som gör ändringen (by)")
        items = [self.validate(d) for d in designations]
        changed = 0
        with Session(self.engine) as session, session.begin():
            for designation in items:
                changed += self._put(session, designation, by=by, action="import")
        return changed

    def export(self, path: Path | str) -> int:
        """Write every current designation to ``path`` (.csv, .yaml or .yml); returns the count."""
        designations = self.list()
        write_records(Path(path), [d.to_record() for d in designations])
        return len(designations)

    def import_(self, path: Path | str, by: str) -> int:
        """Read ``path`` (.csv, .yaml or .yml), check every row, then apply them all or none.

        Raises ``DesignationFileError`` naming the first bad row. Rows without ``recorded_by`` or
        ``recorded_at`` are recorded as by ``by``, now. Returns how many designations changed."""
        path = Path(path)
        fmt = file_format(path)
        by = _required(by, "Vem som gör importen (by)")
        now = self._clock()
        designations: list[Designation] = []
        seen: dict[tuple[str, str], int] = {}
        for number, record in read_records(path):
            where = f"{path.name}, {row_label(fmt, number)}"
            try:
                designation = self.validate(self.from_record(record, by=by, now=now))
            except ValueError as error:
                raise DesignationFileError(f"{where}: {error}", number) from None
            pair = (designation.area_id, designation.role)
            if pair in seen:
                raise DesignationFileError(
                    f"{where}: {ROLE_LABELS[pair[1]]} för {pair[0]} står redan på "
                    f"{row_label(fmt, seen[pair])}.",
                    number,
                )
            seen[pair] = number
            designations.append(designation)
        return self.import_designations(designations, by)

    def from_record(self, record: dict[str, Any], *, by: str, now: dt.datetime) -> Designation:
        area_text = _scalar_text(record.get("area_id")) or ""
        area = self.register.get(area_text) or self.register.lookup(area_text)
        if area is None:
            raise ValueError(f"Okänt område {area_text!r}: det finns inte i registret över områden.")
        return Designation(
            area_id=area.id,
            role=(_scalar_text(record.get("role")) or "").lower(),
            name=_scalar_text(record.get("name")) or "",
            unit=_scalar_text(record.get("unit")),
            contact=_scalar_text(record.get("contact")),
            valid_from=parse_date(record.get("valid_from")),
            recorded_by=_scalar_text(record.get("recorded_by")) or by,
            recorded_at=_parse_datetime(record.get("recorded_at")) or now,
            note=_scalar_text(record.get("note")),
            source=_scalar_text(record.get("source")),
        )

    # Validation.

    def validate(self, designation: Designation) -> Designation:
        """The designation with its text fields trimmed; raise ValueError if it cannot be stored."""
        self._check_area_role(designation.area_id, designation.role)
        if designation.valid_from is not None and not isinstance(designation.valid_from, dt.date):
            raise ValueError("Giltig från (valid_from) måste vara ett datum, ÅÅÅÅ-MM-DD.")
        if isinstance(designation.valid_from, dt.datetime):
            raise ValueError("Giltig från (valid_from) måste vara ett datum utan klockslag, ÅÅÅÅ-MM-DD.")
        if not isinstance(designation.recorded_at, dt.datetime):
            raise ValueError("Registrerad (recorded_at) måste vara en tidpunkt.")
        return replace(
            designation,
            name=_required(designation.name, "Namn (name)"),
            unit=_optional(designation.unit, "Enhet (unit)"),
            contact=_optional(designation.contact, "Kontakt (contact)"),
            recorded_by=_required(designation.recorded_by, "Registrerad av (recorded_by)"),
            recorded_at=as_utc(designation.recorded_at),
            note=_optional(designation.note, "Anteckning (note)", limit=5000),
            source=_optional(designation.source, "Källa (source)"),
        )

    def _check_area_role(self, area_id: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"Okänd roll {role!r}: välj gsa eller ksa.")
        if not isinstance(area_id, str) or area_id not in self.register:
            raise ValueError(f"Okänt område {area_id!r}: det finns inte i registret över områden.")

    # Rows.

    def _claim(self, session: Session, area_id: str, role: str, expected: int | Unchecked | None) -> None:
        """Lock the designation for a change made from version ``expected`` (a conditional write
        first, so of two concurrent changes the second sees the first); conflict if it moved on."""
        if isinstance(expected, Unchecked):
            return
        if expected is None:  # the change was made seeing none: there must still be none
            if self._row(session, area_id, role) is not None:
                raise DesignationConflict(self._conflict_message(area_id, role))
            return
        claimed = session.execute(  # type: ignore[attr-defined]
            update(DesignationRow)
            .where(DesignationRow.area_id == area_id, DesignationRow.role == role)
            .where(DesignationRow.version == expected)
            .values(version=DesignationRow.version)
        ).rowcount
        if not claimed:
            raise DesignationConflict(self._conflict_message(area_id, role))

    def _conflict_message(self, area_id: str, role: str) -> str:
        area = self.register.get(area_id)
        return (
            f"{ROLE_LABELS[role]} för {area.name if area else area_id} har ändrats av någon annan sedan "
            "du började. Ladda om och gör ändringen igen."
        )

    def _row(self, session: Session, area_id: str, role: str) -> DesignationRow | None:
        query = select(DesignationRow).where(DesignationRow.area_id == area_id, DesignationRow.role == role)
        return session.scalars(query).one_or_none()

    def _put(self, session: Session, designation: Designation, *, by: str, action: str) -> int:
        row = self._row(session, designation.area_id, designation.role)
        old = _designation(row) if row else None
        if old == designation:
            return 0
        if row is None:
            row = DesignationRow(area_id=designation.area_id, role=designation.role, version=1)
            session.add(row)
        else:
            row.version = (row.version or 1) + 1
        for name in FIELDS[2:]:  # every column but the key (area_id, role)
            setattr(row, name, getattr(designation, name))
        stored = replace(designation, version=row.version)
        session.add(self._audit_row(by, action, designation.area_id, designation.role, old, stored))
        return 1

    def _audit_row(
        self,
        by: str,
        action: str,
        area_id: str,
        role: str,
        old: Designation | None,
        new: Designation | None,
    ) -> DesignationAuditRow:
        return DesignationAuditRow(
            at=self._clock(),
            by=by,
            action=action,
            area_id=area_id,
            role=role,
            old_value=_json(old),
            new_value=_json(new),
        )


def _required(value: Any, label: str) -> str:
    text = _optional(value, label)
    if not text:
        raise ValueError(f"{label} saknas.")
    return text


def _optional(value: Any, label: str, limit: int = MAX_TEXT) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{label} måste vara text.")
    text = " ".join(value.split())
    if len(text) > limit:
        raise ValueError(f"{label} är för lång (högst {limit} tecken).")
    return text or None


def parse_date(value: Any) -> dt.date | None:
    """A date from a file or the command line: a date, an ISO string (ÅÅÅÅ-MM-DD) or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"Ogiltigt datum {value.isoformat()!r}: skriv ÅÅÅÅ-MM-DD utan klockslag.")
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Ogiltigt datum {text!r}: skriv ÅÅÅÅ-MM-DD, till exempel 2025-01-31.") from None


def _parse_datetime(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return as_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    text = str(value).strip()
    try:
        return as_utc(dt.datetime.fromisoformat(text))
    except ValueError:
        raise ValueError(
            f"Ogiltig tidpunkt {text!r} i recorded_at: skriv ÅÅÅÅ-MM-DDTHH:MM:SS+00:00."
        ) from None


def _scalar_text(value: Any) -> str | None:
    """Text from a file cell; numbers (an unquoted phone number in YAML) become text."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"Värdet {value!r} måste vara text.")
    return str(value).strip() or None


def _designation(row: DesignationRow) -> Designation:
    return Designation(
        area_id=row.area_id,
        role=row.role,
        name=row.name,
        unit=row.unit,
        contact=row.contact,
        valid_from=row.valid_from,
        recorded_by=row.recorded_by,
        recorded_at=as_utc(row.recorded_at),
        note=row.note,
        source=row.source,
        version=row.version or 1,
    )


def _audit(row: DesignationAuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=as_utc(row.at),
        by=row.by,
        action=row.action,
        area_id=row.area_id,
        role=row.role,
        old=json.loads(row.old_value) if row.old_value else None,
        new=json.loads(row.new_value) if row.new_value else None,
    )


def _json(designation: Designation | None) -> str | None:
    if designation is None:
        return None
    return json.dumps(designation.to_record(), ensure_ascii=False, sort_keys=True)
