"""The whole curated state as files, and back: ``python -m knowledge export DIR`` / ``import DIR``.

What is written: every curated answer with its full history of versions (``answers.json``), the
register's designations (``designations.csv``, the format of ``designation export``), the
questions the process lead added to or removed from a source sentence, withdrawn ones included
(``question_edits.json``), and the workspace's users without any secret (``users.json``: name,
role, active). Imported into a fresh
database, the assistant gives the same answers; imported users must be given a password
(``user reset-password``) before they can sign in. Nothing is merged into a database that
already holds curated answers, designations or users.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from knowledge.accounts import Role, UserRow
from knowledge.curated import AnswerRow, Status, VersionRow
from knowledge.db import as_utc, engine_for
from knowledge.questions.edits import EditAction, QuestionEditRow
from knowledge.registry.designations import DesignationRow, DesignationStore

FORMAT = 1
ANSWERS = "answers.json"
DESIGNATIONS = "designations.csv"
USERS = "users.json"
QUESTION_EDITS = "question_edits.json"  # absent in exports made before there were any
MANIFEST = "manifest.json"


class BackupError(ValueError):
    """The export cannot be read or the database cannot take it (Swedish message)."""


@dataclass(frozen=True)
class Counts:
    answers: int
    versions: int
    designations: int
    users: int
    question_edits: int = 0

    def describe(self) -> str:
        return (
            f"{self.answers} kurerade svar ({self.versions} versioner), {self.designations} "
            f"registeruppgifter, {self.question_edits} ändringar av frågor till källornas meningar, "
            f"{self.users} användare"
        )


def _iso(value: dt.datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def _time(value: Any) -> dt.datetime | None:
    return as_utc(dt.datetime.fromisoformat(value)) if value else None


def export(url: str, directory: Path) -> Counts:
    directory.mkdir(parents=True, exist_ok=True)
    with Session(engine_for(url)) as session:
        answers = []
        versions = 0
        for row in session.scalars(select(AnswerRow).order_by(AnswerRow.id)):
            history = session.scalars(
                select(VersionRow).where(VersionRow.answer_id == row.id).order_by(VersionRow.number)
            ).all()
            versions += len(history)
            answers.append({
                "id": row.id, "status": row.status, "version": row.version,
                "published_version": row.published_version, "published_by": row.published_by,
                "published_at": _iso(row.published_at), "updated_by": row.updated_by,
                "updated_at": _iso(row.updated_at),
                "versions": [{
                    "number": v.number, "questions": v.questions, "answer": v.answer, "sources": v.sources,
                    "region": v.region, "review_by": v.review_by.isoformat() if v.review_by else None,
                    "by": v.by, "at": _iso(v.at), "note": v.note,
                } for v in history],
            })  # fmt: skip
        users = [
            {"name": u.name, "role": u.role, "active": u.active, "created_at": _iso(u.created_at)}
            for u in session.scalars(select(UserRow).order_by(UserRow.name))
        ]
        edits = [
            {"action": e.action, "doc": e.doc, "unit": e.unit, "question": e.question, "by": e.by,
             "at": _iso(e.at), "withdrawn_by": e.withdrawn_by, "withdrawn_at": _iso(e.withdrawn_at)}
            for e in session.scalars(select(QuestionEditRow).order_by(QuestionEditRow.id))
        ]  # fmt: skip
    designations = DesignationStore(url).export(directory / DESIGNATIONS)
    _write(directory / ANSWERS, answers)
    _write(directory / USERS, users)
    _write(directory / QUESTION_EDITS, edits)
    counts = Counts(len(answers), versions, designations, len(users), len(edits))
    manifest = {"format": FORMAT, "exported_at": dt.datetime.now(dt.UTC).isoformat(), **counts.__dict__}
    _write(directory / MANIFEST, manifest)
    return counts


def import_(url: str, directory: Path, by: str) -> Counts:
    manifest = _read(directory / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{directory} är ingen export från HÖK-assistenten (manifest.json saknas eller är fel)."
        )
    answers, users = _read(directory / ANSWERS), _read(directory / USERS)
    if not isinstance(answers, list) or not isinstance(users, list):
        raise BackupError("answers.json och users.json ska vara listor.")
    edits = _read(directory / QUESTION_EDITS) if (directory / QUESTION_EDITS).exists() else []
    if not isinstance(edits, list):
        raise BackupError(f"{QUESTION_EDITS} ska vara en lista.")
    engine = engine_for(url)
    with Session(engine) as session:
        held = [
            session.scalar(select(func.count()).select_from(table))
            for table in (AnswerRow, UserRow, DesignationRow, QuestionEditRow)
        ]
    if any(held):
        raise BackupError(
            "Databasen innehåller redan svar, användare, registeruppgifter eller ändrade frågor;"
            " importera till en ny."
        )
    hasher = PasswordHasher()
    versions = 0
    try:
        with Session(engine) as session, session.begin():
            for user in users:
                session.add(UserRow(
                    name=str(user["name"]), role=Role(user["role"]).value, active=bool(user["active"]),
                    created_at=_time(user["created_at"]) or dt.datetime.now(dt.UTC),
                    password_hash=hasher.hash(secrets.token_urlsafe(32)),  # unusable until reset
                    failed_sign_ins=0,
                ))  # fmt: skip
            for answer in answers:
                row = AnswerRow(
                    id=int(answer["id"]), status=Status(answer["status"]).value,
                    version=int(answer["version"]),
                    published_version=answer["published_version"], published_by=answer["published_by"],
                    published_at=_time(answer["published_at"]), updated_by=str(answer["updated_by"]),
                    updated_at=_time(answer["updated_at"]),
                )  # fmt: skip
                session.add(row)
                session.flush()
                for v in answer["versions"]:
                    versions += 1
                    session.add(VersionRow(
                        answer_id=row.id, number=int(v["number"]), questions=list(v["questions"]),
                        answer=str(v["answer"]), sources=list(v["sources"]), region=str(v["region"]),
                        review_by=dt.date.fromisoformat(v["review_by"]) if v["review_by"] else None,
                        by=str(v["by"]), at=_time(v["at"]), note=str(v["note"]),
                    ))  # fmt: skip
            for e in edits:
                session.add(QuestionEditRow(
                    action=EditAction(e["action"]).value, doc=str(e["doc"]), unit=str(e["unit"]),
                    question=str(e["question"]), by=str(e["by"]), at=_time(e["at"]),
                    withdrawn_by=e["withdrawn_by"], withdrawn_at=_time(e["withdrawn_at"]),
                ))  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"Exporten är ofullständig eller har fel värden: {error}") from None
    if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
        with engine.begin() as connection:
            for table in ("curated_answers", "curated_answer_versions", "users", "question_edits"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ))  # fmt: skip
    designations = 0
    if (directory / DESIGNATIONS).exists():
        designations = DesignationStore(url).import_(directory / DESIGNATIONS, by=by)
    return Counts(len(answers), versions, designations, len(users), len(edits))


def _write(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path.name} saknas i {path.parent}.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{path.name} kan inte läsas: {error}") from None
