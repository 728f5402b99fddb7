"""Curated answers: the JSON API (``/api/admin/answers``) and the pages (``/admin/svar``) to list,
write, check, try, publish and archive them. Publishing and archiving need a process lead; the
permission is checked before the body is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from actions.core.citations import Citations, document_link
from actions.core.engine import AnsweringCore
from actions.core.question import Question
from actions.core.trial import TrialExplanation, explain
from actions.web.admin_auth import Caller
from actions.web.deps import CoreDep, Editor, Publisher, Reader, SettingsDep, TitlesDep, WorkspaceDep
from actions.web.pages import Form, FormEditor, PageEditor, PageReader, allowed, render
from actions.web.workspace import (
    CONFLICTS_FOUND,
    AnswerIn,
    AnswerUpdate,
    PublishIn,
    VersionIn,
    Workspace,
    refusal,
)
from knowledge.accounts import Permission
from knowledge.answer import SourceRef as CitedSource
from knowledge.curated import (
    REGIONS,
    STATUS_LABELS,
    Conflict,
    Content,
    CuratedError,
    NotFound,
    SourceRef,
    Version,
)
from knowledge.curated_diff import VersionDiff, against_published, between
from knowledge.registry.designations import parse_date

REGION_LABELS = {"all": "Alla regioner", "stockholm": "Stockholms län", "skane": "Skåne"}
CHANGED_SINCE = "Svaret har ändrats sedan du började. Ladda om sidan."
CONFLICTS_ON_PAGE = "Kontrollen hittade konflikter. Ändra formuleringarna eller publicera ändå."

api = APIRouter()
pages = APIRouter()


# The JSON API.


@api.get("/answers", summary="Kurerade svar")
def list_answers(_: Reader, w: WorkspaceDep, status: str | None = None) -> list[dict[str, Any]]:
    return [a.to_record() for a in w.curated.list() if status in (None, a.status.value)]


@api.post("/answers", status_code=201, summary="Skriv ett nytt kurerat svar (utkast)")
def create_answer(who: Editor, w: WorkspaceDep, body: AnswerIn) -> dict[str, Any]:
    try:
        return w.curated.create(body.content(), by=who.name).to_record()
    except CuratedError as error:
        raise refusal(error) from None


@api.get("/answers/{answer_id}", summary="Ett kurerat svar med historik och diff")
def get_answer(_: Reader, w: WorkspaceDep, answer_id: int) -> dict[str, Any]:
    try:
        answer = w.curated.get(answer_id)
        history = w.curated.history(answer_id)
    except NotFound as error:
        raise refusal(error) from None
    return {
        **answer.to_record(),
        "history": [
            {"version": v.number, "by": v.by, "at": v.at.isoformat(), "note": v.note, **v.content.to_record()}
            for v in history
        ],
        "diff": diff_record(against_published(answer)),
    }


@api.put("/answers/{answer_id}", summary="Ändra ett kurerat svar (ange versionen du utgick från)")
def update_answer(who: Editor, w: WorkspaceDep, answer_id: int, body: AnswerUpdate) -> dict[str, Any]:
    try:
        return w.curated.update(answer_id, body.version, body.content(), by=who.name).to_record()
    except (CuratedError, NotFound) as error:
        raise refusal(error) from None


@api.post("/answers/{answer_id}/check", summary="Kontrollen före publicering")
def check_answer(_: Editor, w: WorkspaceDep, answer_id: int) -> dict[str, Any]:
    try:
        return w.matcher.check(w.curated.get(answer_id)).to_record()
    except NotFound as error:
        raise refusal(error) from None


@api.post("/answers/{answer_id}/publish", summary="Publicera (gäller i boten inom sekunder)")
def publish_answer(who: Publisher, w: WorkspaceDep, answer_id: int, body: PublishIn) -> JSONResponse:
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
        raise refusal(error) from None
    return JSONResponse({**published.to_record(), "check": check.to_record()})


@api.post("/answers/{answer_id}/archive", summary="Arkivera (boten slutar använda svaret)")
def archive_answer(who: Publisher, w: WorkspaceDep, answer_id: int, body: VersionIn) -> dict[str, Any]:
    try:
        archived = w.curated.archive(answer_id, body.version, by=who.name)
    except (CuratedError, NotFound) as error:
        raise refusal(error) from None
    w.matcher.changed()
    return archived.to_record()


# The pages.


def diff_record(diff: VersionDiff | None) -> dict[str, Any] | None:
    """Two versions side by side for the API: each field's older and newer side as segments
    (``equal``, ``removed``, ``added``); None when nothing unpublished differs."""
    if diff is None:
        return None
    return {
        "left": diff.left_title,
        "right": diff.right_title,
        "rows": [
            {
                "field": row.field,
                "label": row.label,
                "changed": row.changed,
                "left": [{"kind": s.kind.value, "text": s.text} for s in row.left],
                "right": [{"kind": s.kind.value, "text": s.text} for s in row.right],
            }
            for row in diff.rows
        ],
    }


def section_link(citations: Citations, doc: str, section: str) -> str:
    """The source viewer at the first passage of ``doc``'s ``section`` (a curated answer's source
    names a section, not an excerpt); the document's page when no passage has that section."""
    return citations.link(CitedSource(doc, "", section, "")) or document_link(doc)


def versions_to_compare(
    history: Sequence[Version], older: int | None, newer: int | None
) -> VersionDiff | None:
    """Two versions of the history side by side (the lower number on the left); None unless both
    are in the history and differ."""
    by_number = {v.number: v for v in history}
    if older is None or newer is None or older == newer or older not in by_number or newer not in by_number:
        return None
    first, second = sorted((older, newer))
    return between(by_number[first], by_number[second])


@dataclass(frozen=True)
class Trial:
    """ "Prova": what the bot answers a question now, and with this answer's latest version
    published (None: the draft would not answer it, the bot answers as now)."""

    question: str
    now: TrialExplanation
    with_draft: TrialExplanation | None


@dataclass(frozen=True)
class AnswerEditor:
    """The editing page of one curated answer (or a new one), with what the bot answers."""

    workspace: Workspace
    core: AnsweringCore
    titles: Mapping[str, str]
    answer_threshold: float

    def page(
        self, request: Request, caller: Caller, *, answer_id: int | None, content: Content | None,
        status: int = 200, message: str = "", error: str = "", search: str = "", check: Any = None,
        trial: Trial | None = None, compare: tuple[int | None, int | None] = (None, None),
    ) -> HTMLResponse:  # fmt: skip
        w = self.workspace
        current = w.curated.get(answer_id) if answer_id is not None else None
        content = content or (current.content if current else None)
        hits = []
        if search.strip():
            result = self.core.passages.engine.search(search[:300], top_k=8)
            hits = [{"doc": h.chunk.doc_id, "title": h.chunk.title, "section": h.chunk.section,
                     "text": h.chunk.text[:300]} for h in result.hits]  # fmt: skip
        chosen = {f"{s.doc}|{s.section}" for s in content.sources} if content else set()
        history = w.curated.history(answer_id) if answer_id is not None else []
        diff = versions_to_compare(history, *compare) or (against_published(current) if current else None)
        citations = self.core.citations
        return render(
            "svar_redigera.html", request, caller, status,
            answer=current, content=content, chosen=chosen, hits=hits, search=search,
            history=history, diff=diff, compare=compare, labels=STATUS_LABELS, regions=REGIONS,
            region_labels=REGION_LABELS, message=message, error=error, check=check, trial=trial,
            titles=self.titles, source_link=lambda doc, section: section_link(citations, doc, section),
        )  # fmt: skip

    def trial(self, question: str, answer_id: int | None, draft: Content | None) -> Trial:
        """What the bot answers now, and what it would answer with the draft published, each
        explained in plain Swedish (:func:`actions.core.trial.explain`)."""
        core = self.core
        question = question.strip()[:500]
        asked = Question(question)
        considered = core.consider(asked)
        curated = core.curated
        match = curated.match(question, core.region_of(asked)) if curated is not None else None
        threshold = curated.matcher().threshold if curated is not None else None
        now = explain(
            question, considered, self.answer_threshold, match=match, match_threshold=threshold,
            answer_date=self._published_at, link=self._link,
        )  # fmt: skip
        with_draft = None
        if draft is not None and curated is not None:
            others = [c for c in curated.candidates() if c.answer_id != answer_id]
            mine = curated.candidate(answer_id or 0, draft)
            best = curated.best(question, [*others, mine], core.region_of(asked))
            if best is not None and best.answer_id == (answer_id or 0):
                with_draft = explain(
                    question, curated.answer(best), self.answer_threshold, match=best,
                    match_threshold=threshold, link=self._link,
                )  # fmt: skip
        return Trial(question, _unique_sources(now), with_draft and _unique_sources(with_draft))

    def _link(self, source: CitedSource) -> str:
        """A cited passage's viewer link by its excerpt; a curated answer's source by its section."""
        return self.core.citations.link(source) or document_link(source.doc)

    def _published_at(self, answer_id: int) -> dt.datetime | None:
        try:
            return self.workspace.curated.get(answer_id).published_at
        except NotFound:
            return None


def _unique_sources(trial: TrialExplanation) -> TrialExplanation:
    """The explanation with each source listed once (an answer may cite one passage twice)."""
    return replace(trial, sources=tuple(dict.fromkeys(trial.sources)))


def answer_editor(w: WorkspaceDep, core: CoreDep, titles: TitlesDep, settings: SettingsDep) -> AnswerEditor:
    return AnswerEditor(w, core, titles, settings.answer_threshold)


EditorPage = Annotated[AnswerEditor, Depends(answer_editor)]


def content_from(form: dict[str, Any]) -> Content:
    questions = tuple(q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip())
    refs = []
    for value in form.get("source", []):
        doc, _, section = str(value).partition("|")
        refs.append(SourceRef(doc, section))
    review = str(form.get("review_by", "")).strip()
    try:
        review_by = parse_date(review) if review else None
    except ValueError as error:
        raise CuratedError(str(error)) from None
    region = str(form.get("region", "all"))
    return Content(questions, str(form.get("answer", "")), tuple(refs), region, review_by)


@pages.get("/svar")
async def answers_page(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    return render("svar.html", request, caller, answers=w.curated.list(), labels=STATUS_LABELS)


@pages.get("/svar/ny")
async def new_answer_page(
    request: Request, caller: PageEditor, editor: EditorPage, fraga: str = ""
) -> Response:
    questions = tuple(q.strip() for q in fraga.split("\n") if q.strip())[:50]
    content = Content(questions, "", (), "all") if questions else None
    return editor.page(request, caller, answer_id=None, content=content)


def _version(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@pages.get("/svar/{answer_id}")
async def answer_page(
    request: Request, caller: PageReader, w: WorkspaceDep, editor: EditorPage, answer_id: int,
    fraga: str = "", fran: str = "", till: str = "",
) -> Response:  # fmt: skip
    """The answer's page; ``fraga`` tried in "Prova", versions ``fran`` and ``till`` compared
    (else the latest version against the published one)."""
    try:
        current = w.curated.get(answer_id)
    except NotFound as error:
        return render("fel.html", request, caller, 404, message=str(error))
    trial = editor.trial(fraga, answer_id, current.content) if fraga.strip() else None
    compare = (_version(fran), _version(till))
    return editor.page(request, caller, answer_id=answer_id, content=None, trial=trial, compare=compare)


@pages.post("/svar")
async def create_answer_form(
    request: Request, caller: FormEditor, w: WorkspaceDep, editor: EditorPage, form: Form
) -> Response:
    try:
        content = content_from(form)
    except CuratedError as error:
        return editor.page(request, caller, answer_id=None, content=None, status=422, error=str(error))
    if form.get("action") == "search":
        return editor.page(request, caller, answer_id=None, content=content, search=str(form.get("sok", "")))
    try:
        made = w.curated.create(content, by=caller.name)
    except CuratedError as error:
        return editor.page(request, caller, answer_id=None, content=content, status=422, error=str(error))
    return RedirectResponse(f"/admin/svar/{made.id}?sparat=1", status_code=303)


def permission_for(action: str) -> Permission:
    """What an action of the editing page needs: publishing and archiving a process lead."""
    if action == "trial":
        return Permission.READ
    return Permission.PUBLISH if action in ("publish", "archive") else Permission.EDIT


@pages.post("/svar/{answer_id}")
async def change_answer_form(
    request: Request,
    w: WorkspaceDep,
    core: CoreDep,
    editor: EditorPage,
    form: Form,
    answer_id: int,
) -> Response:
    action = str(form.get("action", "save"))
    caller = allowed(request, w, permission_for(action), form)  # before anything in the form is read
    try:
        version = int(str(form.get("version", "0")))
        current = w.curated.get(answer_id)
        if action == "publish":
            check = core.curated.check(current) if core.curated else None
            if check is not None and not check.ok and form.get("accept_conflicts") != "1":
                return editor.page(
                    request, caller, answer_id=answer_id, content=None, status=409, check=check,
                    error=CONFLICTS_ON_PAGE,
                )  # fmt: skip
            if current.version != version:
                raise Conflict(CHANGED_SINCE)
            w.curated.publish(answer_id, version, by=caller.name)
            w.matcher.changed()
            return RedirectResponse(f"/admin/svar/{answer_id}?publicerat=1", status_code=303)
        if action == "archive":
            w.curated.archive(answer_id, version, by=caller.name)
            w.matcher.changed()
            return RedirectResponse(f"/admin/svar/{answer_id}", status_code=303)
        if action == "check":
            check = core.curated.check(current) if core.curated else None
            return editor.page(request, caller, answer_id=answer_id, content=None, check=check)
        if action == "trial":
            trial = editor.trial(str(form.get("fraga", "")), answer_id, current.content)
            return editor.page(request, caller, answer_id=answer_id, content=None, trial=trial)
        content = content_from(form)
        if action == "search":
            return editor.page(
                request, caller, answer_id=answer_id, content=content, search=str(form.get("sok", ""))
            )
        w.curated.update(answer_id, version, content, by=caller.name)
    except NotFound as error:
        return render("fel.html", request, caller, 404, message=str(error))
    except Conflict as error:
        return editor.page(request, caller, answer_id=answer_id, content=None, status=409, error=str(error))
    except (CuratedError, ValueError) as error:  # the stored version is shown again, with what was wrong
        return editor.page(request, caller, answer_id=answer_id, content=None, status=422, error=str(error))
    return RedirectResponse(f"/admin/svar/{answer_id}?sparat=1", status_code=303)
