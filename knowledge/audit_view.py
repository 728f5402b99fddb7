"""The audit log as the process lead reads it: a Swedish sentence per entry, what changed (each
field before and after, from the entry's recorded values), and the workspace page of the object.
Pure: the log page calls :func:`describe` on each event of :meth:`AuditLog.query`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from knowledge.audit import KIND_LABELS, AuditEvent, kind_of

ROLE_NAMES = {"gsa": "GSA", "ksa": "KSA"}
STATUS_NAMES = {"draft": "utkast", "published": "publicerat", "archived": "arkiverat"}
REGION_NAMES = {"all": "alla regioner", "stockholm": "Stockholms län", "skane": "Skåne"}

# Each action code: the sentence ({target} is the object named in Swedish).
SENTENCES = {
    "answer.create": "Skrev ett nytt svar: {target}",
    "answer.edit": "Ändrade {target}",
    "answer.publish": "Publicerade {target}",
    "answer.archive": "Arkiverade {target}",
    "designation.set": "Registrerade {target}",
    "designation.remove": "Tog bort {target}",
    "designation.restore": "Ångrade borttagningen av {target}",
    "designation.verify": "Bekräftade att {target} stämmer",
    "designation.import": "Importerade registret från en fil",
    "designation.export": "Exporterade registret till en fil",
    "inbox.dismiss": "Avfärdade en grupp i inkorgen: {target}",
    "inbox.add_phrasings": "Lade till frågor ur inkorgen som formuleringar: {target}",
    "question.add": "Lade till en fråga som leder till en mening i källan {target}",
    "question.remove": "Tog bort en fråga som ledde till en mening i källan {target}",
    "sign_in": "Loggade in",
    "sign_in.failed": "Misslyckad inloggning som {target}",
    "sign_out": "Loggade ut",
    "user.add": "Skapade kontot {target}",
    "user.disable": "Stängde av kontot {target}",
    "user.set_role": "Ändrade rollen för {target}",
    "user.reset_password": "Bytte lösenord för {target}",
    "token.create": "Skapade en API-nyckel för {target}",
    "export": "Exporterade kunskapsdatabasen",
    "import": "Importerade till kunskapsdatabasen",
    "purge": "Gallrade det som var äldre än {target}",
}

FIELD_NAMES = {
    "questions": "Frågor",
    "answer": "Svarstext",
    "sources": "Källor",
    "region": "Region",
    "review_by": "Granskas senast",
    "status": "Status",
    "version": "Version",
    "name": "Namn",
    "unit": "Enhet",
    "contact": "Kontakt",
    "valid_from": "Giltig från",
    "note": "Anteckning",
    "source": "Källa",
    "recorded_by": "Registrerad av",
    "recorded_at": "Registrerad",
    "role": "Roll",
    "active": "Aktivt",
    "reason": "Skäl",
    "question": "Fråga",
    "phrasings": "Formuleringar",
    "count": "Antal",
    "changed": "Ändrade uppgifter",
    "answer_id": "Svar",
}
# What an entry's recorded values hold that says nothing to a reader.
_HIDDEN = {"id", "area_id", "published", "updated_at", "updated_by", "unpublished_changes",
           "published_version", "published_by", "published_at", "key", "first_seen", "last_seen"}  # fmt: skip


@dataclass(frozen=True)
class FieldChange:
    label: str  # Swedish field name
    before: str  # "" when there was none
    after: str  # "" when there is none


@dataclass(frozen=True)
class AuditLine:
    """One entry of the log, for the page."""

    id: int
    at: str  # "2026-12-02 14:05" (UTC)
    actor: str
    kind: str  # "svar", "register", "inkorg", "konton", "data", "övrigt"
    kind_label: str
    summary: str  # the Swedish sentence
    link: str | None  # the object's page in the workspace
    changes: tuple[FieldChange, ...]


def describe(event: AuditEvent, area_name: Callable[[str], str] = str) -> AuditLine:
    """``event`` in Swedish; ``area_name`` names an area id (the register)."""
    target = _target_text(event, area_name)
    sentence = SENTENCES.get(event.action, f"Okänd händelse ({event.action})")
    kind = kind_of(event.action)
    return AuditLine(
        id=event.id,
        at=f"{event.at:%Y-%m-%d %H:%M}",
        actor=event.actor,
        kind=kind,
        kind_label=KIND_LABELS.get(kind, "Övrigt"),
        summary=sentence.format(target=target),
        link=link(event.target),
        changes=changes(event.before, event.after),
    )


def link(target: str) -> str | None:
    """The workspace page of an entry's object: an answer, an area in the register, the inbox."""
    prefix, _, rest = target.partition(":")
    if prefix == "answer" and rest.isdigit():
        return f"/admin/svar/{rest}"
    if prefix == "designation" and rest:
        area = rest.partition("/")[0]
        return f"/admin/register?omrade={quote(area)}#omrade-{quote(area)}"
    if target == "designations":
        return "/admin/register"
    if prefix == "inbox":
        return "/admin/inkorg"
    if prefix == "unit" and "/" in rest:
        doc, _, unit = rest.partition("/")
        return f"/admin/kallor/{quote(doc)}#enhet-{quote(unit)}"
    return None


def changes(before: Any, after: Any) -> tuple[FieldChange, ...]:
    """Each field whose value differs between the recorded values, in Swedish."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    out = []
    for key in dict.fromkeys([*old, *new]):
        if key in _HIDDEN:
            continue
        a, b = _value(key, old.get(key)), _value(key, new.get(key))
        if a != b:
            out.append(FieldChange(FIELD_NAMES.get(key, key), a, b))
    return tuple(out)


def _target_text(event: AuditEvent, area_name: Callable[[str], str]) -> str:
    prefix, _, rest = event.target.partition(":")
    record = event.after if isinstance(event.after, dict) else event.before
    record = record if isinstance(record, dict) else {}
    if prefix == "answer":
        first = (record.get("questions") or [""])[0]
        return f"svar {rest} ({first})" if first else f"svar {rest}"
    if prefix == "designation":
        area, _, role = rest.partition("/")
        return f"{ROLE_NAMES.get(role, role)} för {area_name(area)}"
    if prefix == "inbox":
        before = event.before if isinstance(event.before, dict) else {}
        question = before.get("question") or record.get("question") or ""
        return f"”{question}”" if question else "en grupp"
    if prefix == "unit":
        doc = rest.partition("/")[0]
        question = record.get("question") or ""
        return f"{doc}: ”{question}”" if question else doc
    if prefix == "user":
        return rest
    if prefix == "days":
        return f"{rest} dagar"
    return event.target


def _value(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if key == "role" and value in ROLE_NAMES:
        return ROLE_NAMES[value]
    if key == "status":
        return STATUS_NAMES.get(str(value), str(value))
    if key == "region":
        return REGION_NAMES.get(str(value), str(value))
    if key == "active":
        return "ja" if value else "nej"
    if key == "sources" and isinstance(value, list):
        return "; ".join(_source(s) for s in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{FIELD_NAMES.get(k, k)}: {v}" for k, v in value.items())
    return str(value)


def _source(value: Any) -> str:
    if isinstance(value, dict):
        doc, section = value.get("doc", ""), value.get("section", "")
        return f"{doc}, {section}" if section else str(doc)
    return str(value)
