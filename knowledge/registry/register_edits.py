"""What the process lead changes in the register from the workspace, each change also written to
the workspace's audit log: one role of one area at a time, a removal that can be undone right
after ("Ångra"), and a CSV import shown as a preview of what it will change before it is applied.

The removal's confirmation step is the page's (a form that asks first); what it asks is
:func:`removal_question`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from knowledge.audit import AuditLog
from knowledge.db import utc_now
from knowledge.registry.designation_files import FIELDS, REQUIRED, DesignationFileError, parse_csv
from knowledge.registry.designations import (
    ROLE_LABELS,
    Designation,
    DesignationConflict,
    DesignationStore,
    Unchecked,
)

# The fields a preview compares and shows, with their Swedish names.
SHOWN_FIELDS = {
    "name": "Namn",
    "unit": "Enhet",
    "contact": "Kontakt",
    "valid_from": "Giltig från",
    "note": "Anteckning",
    "source": "Källa",
}


def removal_question(area_name: str, designation: Designation) -> str:
    """What the confirmation step asks before a removal."""
    role = ROLE_LABELS[designation.role]
    return f"Vill du ta bort {role} för {area_name} ({designation.name})? Du kan ångra direkt efteråt."


@dataclass(frozen=True)
class Removal:
    """A removal done: what was removed, and what "Ångra" hands back to :meth:`RegisterEdits.undo`."""

    designation: Designation
    undo_id: int  # the removal's entry in the designation audit


class LineStatus(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


LINE_STATUS_LABELS = {
    LineStatus.ADDED: "ny",
    LineStatus.CHANGED: "ändras",
    LineStatus.UNCHANGED: "oförändrad",
    LineStatus.ERROR: "fel",
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PreviewLine:
    line: int  # the CSV line, as a spreadsheet numbers it (the header is line 1)
    status: LineStatus
    area_id: str
    role: str
    before: Designation | None  # what is registered now
    after: Designation | None  # what the import registers (None for an error)
    changes: tuple[FieldChange, ...]
    message: str  # the error, in Swedish ("" when none)


@dataclass(frozen=True)
class ImportPreview:
    lines: tuple[PreviewLine, ...]
    error: str = ""  # what is wrong with the file as a whole ("" when nothing)

    @property
    def ok(self) -> bool:
        return not self.error and not any(line.status is LineStatus.ERROR for line in self.lines)

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status is status)

    @property
    def digest(self) -> str:
        """A fingerprint of what the preview shows (not when or by whom it is recorded): the page
        sends it back with the file, makes the preview again from the file and applies it only
        when the fingerprint is the same (what is applied is what was shown, across requests)."""
        shown = [
            (line.line, line.status.value, line.area_id, line.role, _record(line.before),
             [_text(getattr(line.after, f)) for f in SHOWN_FIELDS] if line.after else None, line.message)
            for line in self.lines
        ]  # fmt: skip
        text = json.dumps([self.error, shown], ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class RegisterEdits:
    def __init__(self, store: DesignationStore, audit: AuditLog) -> None:
        self.store = store
        self.audit = audit

    def set(self, area_id: str, role: str, by: str, expected: int | None, **fields: Any) -> Designation:
        """Record one role of one area (``fields``: name, unit, contact, valid_from, note,
        source); audited as "designation.set" with before and after."""
        before = self.store.get(area_id, role)
        made = self.store.set(area_id, role, by=by, expected=expected, **fields)
        self.audit.record(by, "designation.set", _target(area_id, role), _record(before), _record(made))
        return made

    def verify(self, area_id: str, role: str, by: str, expected: int | None) -> Designation:
        verified = self.store.verify(area_id, role, by=by, expected=expected)
        self.audit.record(by, "designation.verify", _target(area_id, role), None, _record(verified))
        return verified

    def remove(self, area_id: str, role: str, by: str, expected: int | Unchecked | None) -> Removal:
        """Remove one role of one area (asked first by the page); audited as
        "designation.remove". LookupError if none, DesignationConflict if it changed since."""
        removed, undo_id = self.store.remove_undoable(area_id, role, by=by, expected=expected)
        self.audit.record(by, "designation.remove", _target(area_id, role), _record(removed), None)
        return Removal(removed, undo_id)

    def undo(self, undo_id: int, by: str) -> Designation:
        """ "Ångra": the removed designation back exactly as it was; audited as
        "designation.restore". DesignationConflict when the role was registered again since."""
        restored = self.store.restore_removed(undo_id, by=by)
        self.audit.record(
            by, "designation.restore", _target(restored.area_id, restored.role), None, _record(restored)
        )
        return restored

    # Importing a CSV file.

    def preview_import(self, data: bytes, by: str, now: dt.datetime | None = None) -> ImportPreview:
        """What importing the CSV ``data`` would change, line by line, without changing anything.

        A line without ``recorded_by``/``recorded_at`` is recorded as by ``by``, now, unless it
        says what is registered already (then it is unchanged and nothing is recorded)."""
        now = now or utc_now()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ImportPreview((), "Filen är inte UTF-8-kodad. Spara den som CSV (UTF-8) och försök igen.")
        try:
            rows = parse_csv(text, "filen")
        except DesignationFileError as error:
            return ImportPreview((), str(error))
        current = {(d.area_id, d.role): d for d in self.store.list()}
        seen: dict[tuple[str, str], int] = {}
        lines = []
        for number, record in rows:
            lines.append(self._line(number, record, by, now, current, seen))
        return ImportPreview(tuple(lines))

    def apply_import(self, preview: ImportPreview, by: str) -> int:
        """Apply exactly what ``preview`` showed, all or nothing; how many designations changed.
        ValueError (Swedish) for a preview with errors, DesignationConflict when the register
        has changed since the preview was made (make a new preview)."""
        if not preview.ok:
            raise ValueError("Importen har fel: rätta filen och förhandsgranska igen. Inget importerades.")
        current = {(d.area_id, d.role): d for d in self.store.list()}
        for line in preview.lines:
            if current.get((line.area_id, line.role)) != line.before:
                area = self.store.register.get(line.area_id)
                raise DesignationConflict(
                    f"{ROLE_LABELS[line.role]} för {area.name if area else line.area_id} har ändrats sedan "
                    "förhandsgranskningen. Förhandsgranska filen igen. Inget importerades."
                )
        changes = [line.after for line in preview.lines if line.status is not LineStatus.UNCHANGED]
        changed = self.store.import_designations([d for d in changes if d is not None], by=by)
        self.audit.record(
            by, "designation.import", "designations", None,
            {"changed": changed, "added": preview.count(LineStatus.ADDED),
             "unchanged": preview.count(LineStatus.UNCHANGED)},
        )  # fmt: skip
        return changed

    def _line(
        self,
        number: int,
        record: dict[str, Any],
        by: str,
        now: dt.datetime,
        current: dict[tuple[str, str], Designation],
        seen: dict[tuple[str, str], int],
    ) -> PreviewLine:
        area_text = str(record.get("area_id") or "")
        role = str(record.get("role") or "").lower()

        def error(message: str) -> PreviewLine:
            return PreviewLine(number, LineStatus.ERROR, area_text, role, None, None, (), message)

        if unknown := sorted(set(record) - set(FIELDS)):
            return error(f"Okänd kolumn {', '.join(unknown)}.")
        if missing := [f for f in REQUIRED if record.get(f) in (None, "")]:
            return error(f"{', '.join(missing)} saknas.")
        try:
            made = self.store.validate(self.store.from_record(record, by=by, now=now))
        except ValueError as problem:
            return error(str(problem))
        pair = (made.area_id, made.role)
        if pair in seen:
            return error(f"{ROLE_LABELS[made.role]} för {made.area_id} står redan på rad {seen[pair]}.")
        seen[pair] = number
        before = current.get(pair)
        stamped = not record.get("recorded_by") and not record.get("recorded_at")
        if before is not None and stamped and _same(before, made):
            made = replace(made, recorded_by=before.recorded_by, recorded_at=before.recorded_at)
        if before is not None and before == made:
            return PreviewLine(number, LineStatus.UNCHANGED, made.area_id, made.role, before, before, (), "")
        status = LineStatus.ADDED if before is None else LineStatus.CHANGED
        return PreviewLine(number, status, made.area_id, made.role, before, made, _changes(before, made), "")


def _same(a: Designation, b: Designation) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in SHOWN_FIELDS)


def _changes(before: Designation | None, after: Designation) -> tuple[FieldChange, ...]:
    out = []
    recorded = {"recorded_by": "Registrerad av", "recorded_at": "Registrerad"} if before else {}
    for name, label in {**SHOWN_FIELDS, **recorded}.items():
        old = _text(getattr(before, name)) if before else ""
        new = _text(getattr(after, name))
        if old != new:
            out.append(FieldChange(label, old, new))
    return tuple(out)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _target(area_id: str, role: str) -> str:
    return f"designation:{area_id}/{role}"


def _record(designation: Designation | None) -> dict[str, Any] | None:
    return designation.to_record() if designation else None
