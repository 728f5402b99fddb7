"""The workspace's first page, ``/admin/``: the answers by status, the inbox, the questions per
day, the ratings and the register's stale entries at a glance."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from actions.core.inbox_query import InboxQuery
from actions.web.deps import WorkspaceDep
from actions.web.pages import PageReader, render
from actions.web.workspace import STALE_AFTER
from knowledge.curated import STATUS_LABELS, Status
from knowledge.statistics import REVIEW_EXPLANATION, per_day, rated_answers

OVERVIEW_DAYS = 14
LARGEST_GROUPS = 5

pages = APIRouter()


@pages.get("/")
def overview(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    answers = w.curated.list()
    counts = {s: sum(1 for a in answers if a.status is s) for s in Status}
    feedback = w.feedback.list(5000)
    now = dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=OVERVIEW_DAYS)
    days = per_day(w.questions.list(since=since), w.inbox.list(), feedback, now.date(), OVERVIEW_DAYS)
    designations = w.designations.list()
    open_groups = [s.summary for s in w.inbox_search.summaries() if s.summary.answered_by is None]
    largest = w.inbox_search.page(InboxQuery(page_size=LARGEST_GROUPS)).groups
    rated = rated_answers(feedback)
    return render(
        "oversikt.html", request, caller,
        answers={STATUS_LABELS[s]: n for s, n in counts.items()},
        inbox=sum(g.count for g in open_groups), groups=largest, days=days,
        widest=max([d.questions for d in days] + [1]),
        thumbs_up=sum(1 for f in feedback if f.rating.value == "up"),
        thumbs_down=sum(1 for f in feedback if f.rating.value == "down"),
        flagged=[r for r in rated if r.flagged], review_explanation=REVIEW_EXPLANATION,
        designations=len(designations),
        stale=sum(1 for d in designations if now - d.recorded_at > STALE_AFTER),
    )  # fmt: skip
