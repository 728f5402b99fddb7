"""Users' ratings of the answers: given in the widget (``POST /api/feedback``), read in the
workspace (``/api/admin/feedback``, the page ``/admin/betyg``)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from actions.core import templates
from actions.web.chat import CONVERSATION_ID, is_json, swedish_error, well_formed
from actions.web.deps import LimitsDep, Reader, SettingsDep, WorkspaceDep
from actions.web.pages import PageReader, render
from knowledge.answer import AnswerKind
from knowledge.feedback import MAX_COMMENT_CHARS, FeedbackSource, Rating
from knowledge.statistics import REVIEW_EXPLANATION, rated_answers

log = logging.getLogger(__name__)
MAX_FEEDBACK_SOURCES = 20

Text = Annotated[str, AfterValidator(well_formed)]
ConversationId = Annotated[str, Field(min_length=1, max_length=128, pattern=CONVERSATION_ID)]


class FeedbackSourceIn(BaseModel):
    doc: Text
    title: Text = ""
    section: Text = ""  # other keys of the answer payload's sources (excerpt) are ignored


class FeedbackIn(BaseModel):
    conversation: ConversationId
    question: Text
    answer: Text
    kind: AnswerKind
    sources: list[FeedbackSourceIn] = []
    rating: Rating
    comment: Text | None = None


router = APIRouter()
api = APIRouter()
pages = APIRouter()


def _invalid_feedback(exc: ValidationError) -> JSONResponse:
    """A Swedish explanation naming the fields that are wrong."""
    fields = dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e["loc"])
    named = [templates.FEEDBACK_FIELDS[f] for f in fields if f in templates.FEEDBACK_FIELDS]
    if not named:
        return swedish_error(422, templates.FEEDBACK_NOT_AN_OBJECT)
    return swedish_error(422, templates.FEEDBACK_INVALID.format(fields=", ".join(named)))


def _oversized_feedback(feedback: FeedbackIn, limit: int) -> JSONResponse | None:
    """413 when a text or the list of sources is beyond its limit, else None."""
    if len(feedback.sources) > MAX_FEEDBACK_SOURCES:
        return swedish_error(413, templates.FEEDBACK_TOO_MANY_SOURCES.format(limit=MAX_FEEDBACK_SOURCES))
    texts = {
        "question": [feedback.question],
        "answer": [feedback.answer],
        "comment": [feedback.comment or ""],
        "sources": [t for s in feedback.sources for t in (s.doc, s.title, s.section)],
    }
    for field, values in texts.items():
        most = min(limit, MAX_COMMENT_CHARS) if field == "comment" else limit
        if any(len(v) > most for v in values):
            return swedish_error(413, templates.FEEDBACK_TOO_LONG[field].format(limit=most))
    return None


@router.post("/api/feedback", status_code=201)
async def api_feedback(
    request: Request, settings: SettingsDep, limits: LimitsDep, w: WorkspaceDep
) -> JSONResponse:
    if limited := limits.check_address(request):
        return limited
    if not is_json(request.headers.get("content-type", "")):
        return swedish_error(415, templates.FEEDBACK_NOT_JSON)
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError):  # not JSON, not text at all, or nested beyond reason
        return swedish_error(400, templates.BAD_REQUEST)
    try:
        feedback = FeedbackIn.model_validate(body)
    except ValidationError as exc:
        return _invalid_feedback(exc)
    if oversized := _oversized_feedback(feedback, settings.max_feedback_chars):
        return oversized
    try:
        item = await asyncio.to_thread(
            w.feedback.add,
            conversation=feedback.conversation,
            question=feedback.question,
            answer=feedback.answer,
            kind=feedback.kind,
            sources=[FeedbackSource(s.doc, s.title, s.section) for s in feedback.sources],
            rating=feedback.rating,
            comment=feedback.comment,
        )
    except SQLAlchemyError as exc:
        log.error("feedback not stored: %s", exc)
        return swedish_error(503, templates.FEEDBACK_UNAVAILABLE)
    return JSONResponse(status_code=201, content={"id": item.id, "status": templates.FEEDBACK_SAVED})


@api.get("/feedback", summary="Användarnas betyg på svaren")
def feedback(
    _: Reader, w: WorkspaceDep, limit: Annotated[int, Query(ge=1, le=5000)] = 200
) -> list[dict[str, Any]]:
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


@pages.get("/betyg")
async def ratings_page(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    return render(
        "betyg.html",
        request,
        caller,
        rated=rated_answers(w.feedback.list(5000)),
        review_explanation=REVIEW_EXPLANATION,
    )
