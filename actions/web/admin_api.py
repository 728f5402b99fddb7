"""The process lead's JSON API, ``/api/admin/``: curated answers, the register's designations, the
inbox, feedback and the audit log. Everything the workspace pages do goes through the same
stores; every call needs a bearer token or a signed-in session (``admin_auth``), with the roles
of :mod:`knowledge.accounts`. Errors are Swedish: 401/403 for who, 404 for what, 409 for a
conflict (someone changed it first), 422 for what cannot be stored — nothing is stored then.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from actions.core.curated import CuratedAnswers
from actions.core.inbox_groups import SOURCE_LABELS, Group, InboxGroups
from actions.web.admin_auth import NOT_SIGNED_IN, Authenticator, Caller
from knowledge.accounts import AccountStore, Permission
from knowledge.audit import AuditLog
from knowledge.curated import (
    Conflict,
    Content,
    CuratedAnswer,
    CuratedError,
    CuratedStore,
    NotFound,
    SourceRef,
)
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.registry import Designation, DesignationStore, Register
from knowledge.registry.designations import ROLES, DesignationConflict

STALE_AFTER = dt.timedelta(days=365)
AUDIT_FORBIDDEN = "Bara processledare och administratörer kan se granskningsloggen."
UNKNOWN_AREA = "Okänt område {area!r}: det finns inte i registret över områden."
UNKNOWN_ROLE = "Okänd roll {role!r}: välj gsa eller ksa."
GROUP_GONE = "Gruppen finns inte längre (den kan redan vara hanterad). Ladda om inkorgen."
CONFLICTS_FOUND = (
    "Kontrollen hittade konflikter: publicera ändå med accept_conflicts, eller ändra formuleringarna."
)


@dataclass(frozen=True)
class Workspace:
    """The stores the workspace works on, injected once by the app."""

    accounts: AccountStore
    auth: Authenticator
    curated: CuratedStore
    matcher: CuratedAnswers
    designations: DesignationStore
    register: Register
    inbox: Inbox
    feedback: FeedbackStore
    audit: AuditLog
    questions: QuestionLog
    groups: InboxGroups


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceIn(_Body):
    doc: str = Field(min_length=1, max_length=200)
    section: str = Field(default="", max_length=500)


class AnswerIn(_Body):
    questions: list[Annotated[str, Field(max_length=300)]] = Field(min_length=1, max_length=50)
    answer: str = Field(min_length=1, max_length=4000)
    sources: list[SourceIn] = Field(default_factory=list, max_length=20)
    region: Literal["stockholm", "skane", "all"] = "all"
    review_by: dt.date | None = None

    def content(self) -> Content:
        refs = tuple(SourceRef(s.doc, s.section) for s in self.sources)
        return Content(tuple(self.questions), self.answer, refs, self.region, self.review_by)


class AnswerUpdate(AnswerIn):
    version: int = Field(ge=1)


class VersionIn(_Body):
    version: int = Field(ge=1)


class PublishIn(VersionIn):
    accept_conflicts: bool = False


class DismissIn(_Body):
    reason: str = Field(min_length=1, max_length=1000)


class DesignationIn(_Body):
    name: str = Field(min_length=1, max_length=500)
    contact: str | None = Field(default=None, max_length=500)
    unit: str | None = Field(default=None, max_length=500)
    valid_from: dt.date | None = None
    note: str | None = Field(default=None, max_length=5000)
    source: str | None = Field(default=None, max_length=500)
    # The version the change was made from (``version`` of GET); none: there was none.
    version: int | None = Field(default=None, ge=1)


def diff_against_published(answer: CuratedAnswer) -> str:
    """The latest version against the published one, line by line (empty when the same)."""
    if answer.published is None or not answer.has_unpublished_changes:
        return ""

    def lines(content: Content) -> list[str]:
        record = content.to_record()
        out = [f"fråga: {q}" for q in record["questions"]]
        out += [f"svar: {line}" for line in content.answer.splitlines()]
        out += [f"källa: {s['doc']} / {s['section']}" for s in record["sources"]]
        return [*out, f"region: {content.region}", f"granskas senast: {record['review_by'] or '-'}"]

    diff = difflib.unified_diff(
        lines(answer.published), lines(answer.content), "publicerad", "utkast", lineterm="", n=1
    )
    return "\n".join(diff)


def add_group_to_answer(w: Workspace, key: str, answer_id: int, version: int, by: str) -> CuratedAnswer:
    """The group's wordings added to a curated answer's phrasings (a new version); the group is
    then done. LookupError when the group or the answer is gone, Conflict for a stale version."""
    found = w.groups.group(key)
    if found is None:
        raise LookupError(GROUP_GONE)
    content = w.curated.get(answer_id).content
    questions = (*content.questions, *found.phrasings)
    changed = Content(questions, content.answer, content.sources, content.region, content.review_by)
    updated = w.curated.update(answer_id, version, changed, by=by)
    w.groups.dismiss(key, f"Lagt till som formulering i svar {answer_id}", by=by)
    return updated


def group_record(group: Group) -> dict[str, Any]:
    return {
        "key": group.key,
        "question": group.question,
        "phrasings": list(group.phrasings),
        "count": group.count,
        "first_seen": group.first_seen.isoformat(),
        "last_seen": group.last_seen.isoformat(),
        "sources": {SOURCE_LABELS[s]: n for s, n in group.sources.items()},
        "comments": list(group.comments),
    }


def designation_record(designation: Designation, register: Register, now: dt.datetime) -> dict[str, Any]:
    area = register.get(designation.area_id)
    return {
        **designation.to_record(),
        "area_name": area.name if area else designation.area_id,
        "version": designation.version,
        "stale": now - designation.recorded_at > STALE_AFTER,
    }


def admin_api_router(workspace: Workspace) -> APIRouter:
    w = workspace

    def signed_in(request: Request) -> None:
        """Who asks is settled before the body is read: no token or session, 401 whatever it sent."""
        if w.auth.caller(request) is None:
            raise HTTPException(401, NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})

    router = APIRouter(prefix="/api/admin", tags=["arbetsyta"], dependencies=[Depends(signed_in)])

    def caller(request: Request, permission: Permission) -> Caller:
        return w.auth.require(request, permission)

    def fail(error: Exception) -> HTTPException:
        if isinstance(error, NotFound):
            return HTTPException(404, str(error))
        if isinstance(error, Conflict | DesignationConflict):
            return HTTPException(409, str(error))
        return HTTPException(422, str(error))

    # Curated answers.

    @router.get("/answers", summary="Kurerade svar")
    def list_answers(request: Request, status: str | None = None) -> list[dict[str, Any]]:
        caller(request, Permission.READ)
        return [a.to_record() for a in w.curated.list() if status in (None, a.status.value)]

    @router.post("/answers", status_code=201, summary="Skriv ett nytt kurerat svar (utkast)")
    def create_answer(request: Request, body: AnswerIn) -> dict[str, Any]:
        who = caller(request, Permission.EDIT)
        try:
            return w.curated.create(body.content(), by=who.name).to_record()
        except CuratedError as error:
            raise fail(error) from None

    @router.get("/answers/{answer_id}", summary="Ett kurerat svar med historik och diff")
    def get_answer(request: Request, answer_id: int) -> dict[str, Any]:
        caller(request, Permission.READ)
        try:
            answer = w.curated.get(answer_id)
            history = w.curated.history(answer_id)
        except NotFound as error:
            raise fail(error) from None
        return {
            **answer.to_record(),
            "history": [
                {
                    "version": v.number,
                    "by": v.by,
                    "at": v.at.isoformat(),
                    "note": v.note,
                    **v.content.to_record(),
                }
                for v in history
            ],
            "diff": diff_against_published(answer),
        }

    @router.put("/answers/{answer_id}", summary="Ändra ett kurerat svar (ange versionen du utgick från)")
    def update_answer(request: Request, answer_id: int, body: AnswerUpdate) -> dict[str, Any]:
        who = caller(request, Permission.EDIT)
        try:
            return w.curated.update(answer_id, body.version, body.content(), by=who.name).to_record()
        except (CuratedError, NotFound) as error:
            raise fail(error) from None

    @router.post("/answers/{answer_id}/check", summary="Kontrollen före publicering")
    def check_answer(request: Request, answer_id: int) -> dict[str, Any]:
        caller(request, Permission.EDIT)
        try:
            return w.matcher.check(w.curated.get(answer_id)).to_record()
        except NotFound as error:
            raise fail(error) from None

    @router.post("/answers/{answer_id}/publish", summary="Publicera (gäller i boten inom sekunder)")
    def publish_answer(request: Request, answer_id: int, body: PublishIn) -> JSONResponse:
        who = caller(request, Permission.PUBLISH)
        try:
            answer = w.curated.get(answer_id)
            if answer.version != body.version:
                raise Conflict(
                    f"Svaret har ändrats sedan du började (version {answer.version}, du utgick från "
                    f"version {body.version}). Ladda om och kontrollera igen."
                )
            check = w.matcher.check(answer)
            if not check.ok and not body.accept_conflicts:
                return JSONResponse({"detail": CONFLICTS_FOUND, "check": check.to_record()}, status_code=409)
            published = w.curated.publish(answer_id, body.version, by=who.name)
            w.matcher.changed()
        except (CuratedError, NotFound) as error:
            raise fail(error) from None
        return JSONResponse({**published.to_record(), "check": check.to_record()})

    @router.post("/answers/{answer_id}/archive", summary="Arkivera (boten slutar använda svaret)")
    def archive_answer(request: Request, answer_id: int, body: VersionIn) -> dict[str, Any]:
        who = caller(request, Permission.PUBLISH)
        try:
            archived = w.curated.archive(answer_id, body.version, by=who.name)
        except (CuratedError, NotFound) as error:
            raise fail(error) from None
        w.matcher.changed()
        return archived.to_record()

    # The register.

    def area_role(area_id: str, role: str) -> tuple[str, str]:
        area = w.register.get(area_id) or w.register.lookup(area_id)
        if area is None:
            raise HTTPException(404, UNKNOWN_AREA.format(area=area_id))
        if role not in ROLES:
            raise HTTPException(404, UNKNOWN_ROLE.format(role=role))
        return area.id, role

    @router.get("/designations", summary="Registrets GSA och KSA per område")
    def list_designations(request: Request) -> list[dict[str, Any]]:
        caller(request, Permission.READ)
        now = dt.datetime.now(dt.UTC)
        return [designation_record(d, w.register, now) for d in w.designations.list()]

    @router.put("/designations/{area_id}/{role}", summary="Registrera GSA eller KSA i ett område")
    def set_designation(request: Request, area_id: str, role: str, body: DesignationIn) -> dict[str, Any]:
        who = caller(request, Permission.REGISTER)
        area, role = area_role(area_id, role)
        before = w.designations.get(area, role)
        try:
            made = w.designations.set(
                area, role, body.name, by=who.name, unit=body.unit, contact=body.contact,
                valid_from=body.valid_from, note=body.note, source=body.source, expected=body.version,
            )  # fmt: skip
        except ValueError as error:
            raise fail(error) from None
        w.audit.record(
            who.name, "designation.set", f"designation:{area}/{role}",
            before.to_record() if before else None, made.to_record(),
        )  # fmt: skip
        return designation_record(made, w.register, dt.datetime.now(dt.UTC))

    @router.delete("/designations/{area_id}/{role}", summary="Ta bort GSA eller KSA i ett område")
    def remove_designation(
        request: Request, area_id: str, role: str, version: Annotated[int | None, Query(ge=1)] = None
    ) -> dict[str, Any]:
        who = caller(request, Permission.REGISTER)
        area, role = area_role(area_id, role)
        try:
            removed = w.designations.remove(area, role, by=who.name, expected=version)
        except LookupError as error:
            raise HTTPException(404, str(error)) from None
        except ValueError as error:
            raise fail(error) from None
        w.audit.record(
            who.name, "designation.remove", f"designation:{area}/{role}", removed.to_record(), None
        )
        return {"removed": removed.to_record()}

    # What users asked and said.

    @router.get(
        "/inbox", summary="Obesvarade frågor, 👎 och frågor som skickats vidare, grupperade efter innebörd"
    )
    def inbox(request: Request) -> list[dict[str, Any]]:
        caller(request, Permission.READ)
        return [group_record(g) for g in w.groups.groups()]

    @router.post("/inbox/{key}/dismiss", summary="Avfärda en grupp (den kommer inte tillbaka)")
    def dismiss_group(request: Request, key: str, body: DismissIn) -> dict[str, Any]:
        who = caller(request, Permission.EDIT)
        try:
            found = w.groups.group(key)
            if found is None:
                raise LookupError(GROUP_GONE)
            count = w.groups.dismiss(key, body.reason, by=who.name)
        except LookupError as error:
            raise HTTPException(404, str(error)) from None
        except ValueError as error:
            raise fail(error) from None
        w.audit.record(
            who.name, "inbox.dismiss", f"inbox:{key}", group_record(found), {"reason": body.reason}
        )
        return {"dismissed": count}

    @router.post(
        "/inbox/{key}/add-to/{answer_id}", summary="Lägg gruppens frågor till ett svar som formuleringar"
    )
    def add_phrasings(request: Request, key: str, answer_id: int, body: VersionIn) -> dict[str, Any]:
        who = caller(request, Permission.EDIT)
        try:
            updated = add_group_to_answer(w, key, answer_id, body.version, by=who.name)
        except LookupError as error:
            raise HTTPException(404, str(error)) from None
        except CuratedError as error:
            raise fail(error) from None
        return updated.to_record()

    @router.get("/feedback", summary="Användarnas betyg på svaren")
    def feedback(request: Request, limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[dict[str, Any]]:
        caller(request, Permission.READ)
        return [
            {
                "id": f.id,
                "created_at": f.created_at.isoformat(),
                "question": f.question,
                "answer": f.answer,
                "kind": f.kind.value,
                "rating": f.rating.value,
                "comment": f.comment,
                "sources": [{"doc": s.doc, "section": s.section} for s in f.sources],
            }
            for f in w.feedback.list(limit)
        ]

    @router.get("/audit", summary="Granskningsloggen: vem gjorde vad och när")
    def audit(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200,
        actor: Annotated[str | None, Query(max_length=64)] = None,
        action: Annotated[str | None, Query(max_length=64)] = None,
    ) -> list[dict[str, Any]]:
        who = caller(request, Permission.READ)
        if not (who.user.can(Permission.PUBLISH) or who.user.can(Permission.ACCOUNTS)):
            raise HTTPException(403, AUDIT_FORBIDDEN)
        return [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "before": e.before,
                "after": e.after,
            }
            for e in w.audit.list(limit, actor, action)
        ]

    return router
