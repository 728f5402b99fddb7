"""The sources in the workspace (``/admin/kallor``): each document's sentences with the questions
that lead to them, how often users' questions were answered from each, and the inbox groups that
come close; a process lead adds and removes a sentence's questions there (plain forms, audited by
the store, live in the question index of every process within seconds)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from actions.core.source_questions import COUNTED_DAYS
from actions.web.admin_auth import Caller
from actions.web.deps import DocumentsDep, WorkspaceDep
from actions.web.pages import Form, FormPublisher, PageReader, render
from actions.web.workspace import Workspace
from knowledge.documents import Document
from knowledge.questions.edits import MAX_QUESTION_CHARS, QuestionEditError

NO_SUCH_DOCUMENT = "Det finns inget källdokument med det namnet."
ADDED = "Frågan är tillagd. Den gäller i botens svar inom några sekunder."
REMOVED = "Frågan är borttagen. Du kan lägga till den igen när som helst."

pages = APIRouter()


@pages.get("/kallor")
def sources_page(request: Request, caller: PageReader, w: WorkspaceDep, documents: DocumentsDep) -> Response:
    listed = sorted(documents.values(), key=lambda d: d.title)
    summaries = {s.doc_id: s for s in w.sources.summaries([d.id for d in listed])}
    return render("kallor.html", request, caller, documents=listed, summaries=summaries)


def document_view(
    request: Request,
    caller: Caller,
    w: Workspace,
    document: Document,
    status: int = 200,
    error: str = "",
    error_unit: str = "",
    message: str = "",
) -> Response:
    units = w.sources.document(document.id)
    if not any(v.unit.id == error_unit for v in units):
        error_unit = ""  # shown at the top of the page
    return render(
        "kalla.html", request, caller, status, document=document, units=units, days=COUNTED_DAYS,
        error=error, error_unit=error_unit, message=message, max_chars=MAX_QUESTION_CHARS,
    )  # fmt: skip


@pages.get("/kallor/{doc_id}")
def source_page(
    request: Request,
    caller: PageReader,
    w: WorkspaceDep,
    documents: DocumentsDep,
    doc_id: str,
    klart: str = "",
) -> Response:
    document = documents.get(doc_id)
    if document is None:
        return render("fel.html", request, caller, 404, message=NO_SUCH_DOCUMENT)
    message = {"tillagd": ADDED, "borttagen": REMOVED}.get(klart, "")
    return document_view(request, caller, w, document, message=message)


@pages.post("/kallor/{doc_id}/{unit_id}")
def change_questions(
    request: Request,
    caller: FormPublisher,  # it changes the bot's answers at once, as publishing does
    w: WorkspaceDep,
    documents: DocumentsDep,
    form: Form,
    doc_id: str,
    unit_id: str,
) -> Response:
    document = documents.get(doc_id)
    if document is None:
        return render("fel.html", request, caller, 404, message=NO_SUCH_DOCUMENT)
    question = str(form.get("question", ""))
    try:
        if form.get("action") == "remove":
            w.sources.remove(doc_id, unit_id, question, by=caller.name)
            done = "borttagen"
        else:
            w.sources.add(doc_id, unit_id, question, by=caller.name)
            done = "tillagd"
    except QuestionEditError as error:
        return document_view(request, caller, w, document, 422, error=str(error), error_unit=unit_id)
    target = f"/admin/kallor/{quote(doc_id)}?klart={done}#enhet-{quote(unit_id)}"
    return RedirectResponse(target, status_code=303)
