"""Designation files: CSV or YAML by suffix, one designation per row, so nothing depends on one database.

Only the file format lives here: rows in and out as plain records. Checking the values is the
store's job (``knowledge.registry.designations``), which reports the row of a bad value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml

FIELDS = (
    "area_id",
    "role",
    "name",
    "unit",
    "contact",
    "valid_from",
    "recorded_by",
    "recorded_at",
    "note",
    "source",
)
REQUIRED = ("area_id", "role", "name")
SUFFIXES = (".csv", ".yaml", ".yml")


class DesignationFileError(ValueError):
    """A designation file that cannot be read or holds a bad row (``row`` is its number, if any)."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def file_format(path: Path) -> str:
    """``"csv"`` or ``"yaml"`` from the suffix; raise ``DesignationFileError`` for any other."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DesignationFileError(
            f"{path.name}: okänt filformat {suffix or '(inget)'!r}; använd .csv eller .yaml."
        )
    return "csv" if suffix == ".csv" else "yaml"


def row_label(fmt: str, number: int) -> str:
    """How a row is named in messages: CSV rows by line as in a spreadsheet (the header is rad 1),
    YAML entries by position (post 1 is the first)."""
    return f"rad {number}" if fmt == "csv" else f"post {number}"


def write_records(path: Path, records: list[dict[str, Any]]) -> None:
    """Write records (values: str, None, date or datetime) as CSV or YAML, columns in ``FIELDS`` order."""
    fmt = file_format(path)
    rows = [{field: _text(record.get(field)) for field in FIELDS} for record in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: v or "" for k, v in row.items()} for row in rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        entries = [{k: v for k, v in row.items() if v is not None} for row in rows]
        text = yaml.safe_dump({"designations": entries}, allow_unicode=True, sort_keys=False, width=1000)
        path.write_text(_YAML_HEADER + text, encoding="utf-8")


def read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows as (row number, record) pairs; raise ``DesignationFileError`` if the file
    cannot be read, is not valid CSV/YAML, or a row has unknown or missing columns."""
    fmt = file_format(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DesignationFileError(f"Filen {path} finns inte.") from None
    except UnicodeDecodeError:
        raise DesignationFileError(f"{path.name}: filen är inte UTF-8-kodad.") from None
    except OSError as error:
        raise DesignationFileError(f"Kan inte läsa {path}: {error.strerror or error}") from None
    rows = parse_csv(text, path.name) if fmt == "csv" else _yaml_rows(text, path)
    for number, record in rows:
        where = f"{path.name}, {row_label(fmt, number)}"
        if unknown := sorted(set(record) - set(FIELDS)):
            raise DesignationFileError(
                f"{where}: okänd kolumn {', '.join(unknown)} (kända: {', '.join(FIELDS)}).", number
            )
        if missing := [f for f in REQUIRED if record.get(f) in (None, "")]:
            raise DesignationFileError(f"{where}: {', '.join(missing)} saknas.", number)
    return rows


_YAML_HEADER = (
    "# Designations (GSA/KSA) exported from the knowledge database: python -m knowledge designation export\n"
)


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def parse_csv(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of CSV ``text`` (from the file ``name``) as (line number, record) pairs; raise
    ``DesignationFileError`` for a missing header or invalid CSV. Values are not checked here."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise DesignationFileError(f"{name}: filen saknar rubrikrad ({', '.join(FIELDS)}).")
    # Spreadsheets in Swedish locales write semicolons.
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = [h.strip() for h in reader.fieldnames or []]
    if missing := [f for f in REQUIRED if f not in header]:
        raise DesignationFileError(f"{name}: rubrikraden saknar {', '.join(missing)}.", 1)
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for record in reader:
            number = reader.line_num
            if None in record:
                raise DesignationFileError(f"{name}, rad {number}: fler värden än kolumner.", number)
            if all(not (v or "").strip() for v in record.values()):
                continue  # a blank line
            rows.append((number, {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}))
    except csv.Error as error:
        raise DesignationFileError(
            f"{name}, rad {reader.line_num}: ogiltig CSV ({error}).", reader.line_num
        ) from None
    return rows


def _yaml_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    # BaseLoader reads every value as text: YAML 1.1 would turn the phone number 0701234567 into the
    # octal number 117782903, and "no" into False. Dates are parsed by the store.
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (rad {mark.line + 1})" if mark is not None else ""
        raise DesignationFileError(f"{path.name}: ogiltig YAML{where}.") from None
    if data in (None, ""):
        return []
    entries = data.get("designations") if isinstance(data, dict) else data
    if entries in (None, ""):
        return []
    if not isinstance(entries, list):
        raise DesignationFileError(f"{path.name}: väntade en lista 'designations'.")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise DesignationFileError(f"{path.name}, post {number}: väntade fält som namn: värde.", number)
        rows.append((number, {str(k): None if v in _YAML_NULLS else v for k, v in entry.items()}))
    return rows


_YAML_NULLS = ("", "~", "null", "Null", "NULL")
