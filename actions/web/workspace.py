"""The process lead's workspace: the stores it works on, and what its JSON API (``/api/admin/``)
and its pages (``/admin/``) share: adding an inbox group to an answer, the API's request bodies
and the records it returns. The routes are in ``actions/web/routers/``, one module per resource.

Errors are Swedish: 401/403 for who, 404 for what, 409 for a conflict (someone changed it first),
422 for what cannot be stored — nothing is stored then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field

from actions.core.curated import CuratedAnswers
from actions.core.inbox_actions import InboxActions
from actions.core.inbox_groups import SOURCE_LABELS, Group, InboxGroups
from actions.core.inbox_query import InboxSearch
from actions.core.source_questions import SourceQuestions
from actions.web.admin_auth import Authenticator
from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from knowledge.curated import (
    Conflict,
    Content,
    CuratedStore,
    NotFound,
    SourceRef,
)
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.registry import Designation, DesignationStore, Register
from knowledge.registry.designations import DesignationConflict
from knowledge.registry.register_edits import RegisterEdits

STALE_AFTER = dt.timedelta(days=365)
AUDIT_FORBIDDEN = "Bara processledare och administratörer kan se granskningsloggen."
UNKNOWN_AREA = "Okänt område {area!r}: det finns inte i registret över områden."
UNKNOWN_ROLE = "Okänd roll {role!r}: välj gsa eller ksa."
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
    inbox_search: InboxSearch  # the inbox page: search, filters, sorting, paging, answered groups
    inbox_actions: InboxActions  # dismissing a group, adding it to an answer (audited)
    register_edits: RegisterEdits  # designations: set, verify, remove with undo, CSV import (audited)
    sources: SourceQuestions  # each source sentence's questions: shown, added, removed (audited)


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


def refusal(error: Exception) -> HTTPException:
    """The API's answer to a store's refusal: 404 for what is not there, 409 for a conflict,
    422 for what cannot be stored."""
    if isinstance(error, NotFound):
        return HTTPException(404, str(error))
    if isinstance(error, Conflict | DesignationConflict):
        return HTTPException(409, str(error))
    return HTTPException(422, str(error))


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
