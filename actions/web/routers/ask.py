"""Asking without a conversation: ``POST /api/answer`` (the answering core's answer with its
payload) and ``GET /api/search`` (the passages the index finds, with their scores)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import AfterValidator, BaseModel

from actions.core import templates
from actions.core.question import Question as CoreQuestion
from actions.web.chat import well_formed
from actions.web.deps import CoreDep, EngineDep, LimitsDep, SettingsDep

Text = Annotated[str, AfterValidator(well_formed)]


class Question(BaseModel):
    question: Text


router = APIRouter()


@router.post("/api/answer")
async def api_answer(q: Question, request: Request, limits: LimitsDep, core: CoreDep) -> Any:
    if limited := limits.check_address(request):
        return limited
    if not q.question.strip():
        raise HTTPException(422, templates.EMPTY_MESSAGE)
    answer = await asyncio.to_thread(core.answer, CoreQuestion(q.question))
    return {"text": answer.text, **answer.payload()}


@router.get("/api/search")
async def api_search(
    request: Request, limits: LimitsDep, engine: EngineDep, settings: SettingsDep, q: str, k: int = 5
) -> Any:
    if limited := limits.check_address(request):
        return limited
    q = well_formed(q)
    if not q.strip():
        raise HTTPException(422, templates.EMPTY_MESSAGE)
    result = await asyncio.to_thread(engine.search, q[: settings.max_query_chars], max(1, min(k, 20)))
    return {
        "query": result.query,
        "terms": list(result.terms),
        "coverage": round(result.coverage, 3),
        "hits": [
            {
                "rank": h.rank,
                "doc": h.chunk.doc_id,
                "title": h.chunk.title,
                "section": h.chunk.section,
                "text": h.chunk.text,
                "score": round(h.score, 5),
                "bm25": round(h.bm25, 3),
                "dense": round(h.dense, 4),
            }
            for h in result.hits
        ],
    }
