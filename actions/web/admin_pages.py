"""The process lead's workspace in the browser, ``/admin/``: server-rendered Swedish pages (Jinja2,
plain HTML forms, no build chain) over the same stores as the JSON API.

Sign-in at ``/admin/login`` opens a session (cookie ``hok_admin``: HttpOnly, SameSite=Strict,
Secure behind HTTPS); every form carries the session's CSRF token, and the sign-in form a
double-submit token of its own. A page asked for without a session redirects to the sign-in
page; a role that may not do something gets a Swedish 403 page.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from actions.core.engine import AnsweringCore
from actions.core.inbox_groups import SOURCE_LABELS
from actions.core.passages import Considered
from actions.core.question import Question
from actions.web.admin_api import (
    GROUP_GONE,
    STALE_AFTER,
    Workspace,
    add_group_to_answer,
    diff_against_published,
)
from actions.web.admin_auth import FORBIDDEN, SESSION_COOKIE, Caller
from knowledge.accounts import ROLE_LABELS, Permission, SignInRefused
from knowledge.curated import (
    REGIONS,
    STATUS_LABELS,
    Conflict,
    Content,
    CuratedError,
    NotFound,
    SourceRef,
    Status,
)
from knowledge.registry.designations import ROLE_LABELS as DESIGNATION_ROLES
from knowledge.registry.designations import ROLES, DesignationConflict, parse_date
from knowledge.settings import Settings
from knowledge.statistics import per_day, rated_answers

TEMPLATES = Path(__file__).parent / "templates" / "admin"
LOGIN_CSRF_COOKIE = "hok_login_csrf"
REGION_LABELS = {"all": "Alla regioner", "stockholm": "Stockholms län", "skane": "Skåne"}
MAX_FORM_FIELD = 5000
MAX_IMPORT_BYTES = 1_000_000
OVERVIEW_DAYS = 14
LOGIN_CSRF_MISSING = "Inloggningen saknar en giltig säkerhetskod. Ladda om inloggningssidan och försök igen."


class PageRefused(Exception):
    """A page the caller may not see or a change they may not make (Swedish message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def admin_pages_router(
    workspace: Workspace, core: AnsweringCore, settings: Settings, titles: dict[str, str]
) -> APIRouter:
    """``titles``: each source document's title by id (for the sources an answer rests on)."""
    w = workspace
    router = APIRouter(prefix="/admin", include_in_schema=False)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
    )

    def secure(request: Request) -> bool:
        if settings.admin_cookie_secure is not None:
            return settings.admin_cookie_secure
        forwarded = request.headers.get("x-forwarded-proto", "")
        return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"

    def render(
        name: str, request: Request, caller: Caller | None, status: int = 200, **values: Any
    ) -> HTMLResponse:
        page = environment.get_template(name)
        html = page.render(
            caller=caller,
            role_label=ROLE_LABELS[caller.user.role] if caller else "",
            csrf=caller.session.csrf if caller and caller.session else "",
            can=(lambda p: caller is not None and caller.user.can(Permission(p))),
            path=request.url.path,
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def signed_in(request: Request) -> Caller | None:
        caller = w.auth.caller(request)
        return caller if caller is not None and caller.session is not None else None

    def to_login(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/admin/login?till={quote(target)}", status_code=303)

    async def form_of(request: Request) -> dict[str, Any]:
        form = await request.form()
        out: dict[str, Any] = {}
        for key in form:
            values = [str(v)[:MAX_FORM_FIELD] for v in form.getlist(key) if isinstance(v, str)]
            out[key] = values if key == "source" else (values[0] if values else "")
        return out

    def allowed(request: Request, permission: Permission, form: dict[str, Any] | None = None) -> Caller:
        """The signed-in caller allowed ``permission`` (a form must carry the CSRF token)."""
        try:
            return w.auth.require(
                request, permission, csrf=None if form is None else str(form.get("csrf", ""))
            )
        except HTTPException as refused:
            raise PageRefused(refused.status_code, str(refused.detail)) from None

    def page_guard(request: Request, permission: Permission = Permission.READ) -> Caller | Response:
        caller = signed_in(request)
        if caller is None:
            return to_login(request)
        if not caller.user.can(permission):
            return render("fel.html", request, caller, 403, message=FORBIDDEN[permission])
        return caller

    def refused(request: Request, error: PageRefused) -> Response:
        if error.status == 401:
            return to_login(request)
        return render("fel.html", request, signed_in(request), error.status, message=error.message)

    # Signing in and out.

    @router.get("/login")
    async def login_page(request: Request, till: str = "/admin/") -> Response:
        token = secrets.token_urlsafe(24)
        response = render("login.html", request, None, login_csrf=token, target=_local(till), error="")
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request),
            path="/admin/login", max_age=3600,
        )  # fmt: skip
        return response

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await form_of(request)
        target = _local(str(form.get("till", "/admin/")))
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        name = str(form.get("name", "")).strip()[:64]
        if not expected or not secrets.compare_digest(expected, str(form.get("csrf", ""))):
            return render("fel.html", request, None, 403, message=LOGIN_CSRF_MISSING)
        try:
            session = w.accounts.sign_in(name, str(form.get("password", "")))
        except SignInRefused as error:
            w.audit.record(name or "?", "sign_in.failed", f"user:{name}")
            return render(
                "login.html", request, None, 401, login_csrf=expected, target=target, error=str(error)
            )
        w.audit.record(session.user.name, "sign_in", f"user:{session.user.name}")
        response = RedirectResponse(target, status_code=303)
        max_age = int((session.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
        response.set_cookie(SESSION_COOKIE, session.session_id, httponly=True, samesite="strict",
                            secure=secure(request), path="/", max_age=max_age)  # fmt: skip
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        form = await form_of(request)
        try:
            caller = allowed(request, Permission.READ, form)
        except PageRefused as error:
            return refused(request, error)
        if caller.session is not None:
            w.accounts.sign_out(caller.session.session_id)
        w.audit.record(caller.name, "sign_out", f"user:{caller.name}")
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # Overview.

    @router.get("/")
    async def overview(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        answers = w.curated.list()
        counts = {s: sum(1 for a in answers if a.status is s) for s in Status}
        feedback = w.feedback.list(5000)
        now = dt.datetime.now(dt.UTC)
        since = now - dt.timedelta(days=OVERVIEW_DAYS)
        days = per_day(w.questions.list(since=since), w.inbox.list(), feedback, now.date(), OVERVIEW_DAYS)
        designations = w.designations.list()
        groups = w.groups.groups()
        rated = rated_answers(feedback)
        return render(
            "oversikt.html", request, caller,
            answers={STATUS_LABELS[s]: n for s, n in counts.items()},
            inbox=sum(g.count for g in groups), groups=groups[:5], days=days,
            widest=max([d.questions for d in days] + [1]),
            thumbs_up=sum(1 for f in feedback if f.rating.value == "up"),
            thumbs_down=sum(1 for f in feedback if f.rating.value == "down"),
            flagged=[r for r in rated if r.flagged],
            designations=len(designations),
            stale=sum(1 for d in designations if now - d.recorded_at > STALE_AFTER),
        )  # fmt: skip

    @router.get("/betyg")
    async def ratings(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        return render("betyg.html", request, caller, rated=rated_answers(w.feedback.list(5000)))

    # Curated answers.

    @router.get("/svar")
    async def answers(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        return render("svar.html", request, caller, answers=w.curated.list(), labels=STATUS_LABELS)

    def editor(
        request: Request, caller: Caller, *, answer_id: int | None, content: Content | None,
        status: int = 200, message: str = "", error: str = "", search: str = "", check: Any = None,
        trial: dict[str, Any] | None = None,
    ) -> HTMLResponse:  # fmt: skip
        current = w.curated.get(answer_id) if answer_id is not None else None
        content = content or (current.content if current else None)
        hits = []
        if search.strip():
            result = core.passages.engine.search(search[:300], top_k=8)
            hits = [{"doc": h.chunk.doc_id, "title": h.chunk.title, "section": h.chunk.section,
                     "text": h.chunk.text[:300]} for h in result.hits]  # fmt: skip
        chosen = {f"{s.doc}|{s.section}" for s in content.sources} if content else set()
        return render(
            "svar_redigera.html", request, caller, status,
            answer=current, content=content, chosen=chosen, hits=hits, search=search,
            history=w.curated.history(answer_id) if answer_id is not None else [],
            diff=diff_against_published(current) if current else "", labels=STATUS_LABELS, regions=REGIONS,
            region_labels=REGION_LABELS, message=message, error=error, check=check, trial=trial,
            titles=titles,
        )  # fmt: skip

    @router.get("/svar/ny")
    async def new_answer(request: Request, fraga: str = "") -> Response:
        caller = page_guard(request, Permission.EDIT)
        if isinstance(caller, Response):
            return caller
        questions = tuple(q.strip() for q in fraga.split("\n") if q.strip())[:50]
        content = Content(questions, "", (), "all") if questions else None
        return editor(request, caller, answer_id=None, content=content)

    @router.get("/svar/{answer_id}")
    async def edit_answer(request: Request, answer_id: int, fraga: str = "") -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        try:
            current = w.curated.get(answer_id)
        except NotFound as error:
            return render("fel.html", request, caller, 404, message=str(error))
        trial = _trial(fraga, answer_id, current.content) if fraga.strip() else None
        return editor(request, caller, answer_id=answer_id, content=None, trial=trial)

    def _trial(question: str, answer_id: int | None, draft: Content | None) -> dict[str, Any]:
        """What the bot answers now, and what it would answer with the draft published."""
        question = question.strip()[:500]
        considered = core.consider(Question(question))
        now = considered.answer if isinstance(considered, Considered) else considered
        signals = asdict(considered.signals) if isinstance(considered, Considered) else {}
        published_match = core.curated.match(question) if core.curated else None
        if published_match is not None:
            signals = {"dense": round(published_match.dense, 3), "lexical": round(published_match.lexical, 3),
                       "phrasing": published_match.phrasing}  # fmt: skip
        with_draft = None
        if draft is not None and core.curated is not None:
            others = [c for c in core.curated.candidates() if c.answer_id != answer_id]
            mine = core.curated.candidate(answer_id or 0, draft)
            match = core.curated.best(question, [*others, mine])
            if match is not None and match.answer_id == (answer_id or 0):
                with_draft = {"text": core.curated.answer(match).text, "dense": round(match.dense, 3),
                              "lexical": round(match.lexical, 3), "phrasing": match.phrasing}  # fmt: skip
        return {"question": question, "now": now, "signals": signals, "with_draft": with_draft}

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

    @router.post("/svar")
    async def create_answer(request: Request) -> Response:
        form = await form_of(request)
        try:
            caller = allowed(request, Permission.EDIT, form)
        except PageRefused as error:
            return refused(request, error)
        try:
            content = content_from(form)
        except CuratedError as error:
            return editor(request, caller, answer_id=None, content=None, status=422, error=str(error))
        if form.get("action") == "search":
            return editor(request, caller, answer_id=None, content=content, search=str(form.get("sok", "")))
        try:
            made = w.curated.create(content, by=caller.name)
        except CuratedError as error:
            return editor(request, caller, answer_id=None, content=content, status=422, error=str(error))
        return RedirectResponse(f"/admin/svar/{made.id}?sparat=1", status_code=303)

    @router.post("/svar/{answer_id}")
    async def change_answer(request: Request, answer_id: int) -> Response:
        form = await form_of(request)
        action = str(form.get("action", "save"))
        needed = Permission.PUBLISH if action in ("publish", "archive") else Permission.EDIT
        if action == "trial":
            needed = Permission.READ
        try:
            caller = allowed(request, needed, form)
        except PageRefused as error:
            return refused(request, error)
        try:
            version = int(str(form.get("version", "0")))
            current = w.curated.get(answer_id)
            if action == "publish":
                check = core.curated.check(current) if core.curated else None
                if check is not None and not check.ok and form.get("accept_conflicts") != "1":
                    return editor(request, caller, answer_id=answer_id, content=None, status=409, check=check,
                                  error="Kontrollen hittade konflikter. Ändra formuleringarna eller "
                                        "publicera ändå.")  # fmt: skip
                if current.version != version:
                    raise Conflict("Svaret har ändrats sedan du började. Ladda om sidan.")
                w.curated.publish(answer_id, version, by=caller.name)
                w.matcher.changed()
                return RedirectResponse(f"/admin/svar/{answer_id}?publicerat=1", status_code=303)
            if action == "archive":
                w.curated.archive(answer_id, version, by=caller.name)
                w.matcher.changed()
                return RedirectResponse(f"/admin/svar/{answer_id}", status_code=303)
            if action == "check":
                check = core.curated.check(current) if core.curated else None
                return editor(request, caller, answer_id=answer_id, content=None, check=check)
            if action == "trial":
                trial = _trial(str(form.get("fraga", "")), answer_id, current.content)
                return editor(request, caller, answer_id=answer_id, content=None, trial=trial)
            content = content_from(form)
            if action == "search":
                return editor(
                    request, caller, answer_id=answer_id, content=content, search=str(form.get("sok", ""))
                )
            w.curated.update(answer_id, version, content, by=caller.name)
        except NotFound as error:
            return render("fel.html", request, caller, 404, message=str(error))
        except Conflict as error:
            return editor(request, caller, answer_id=answer_id, content=None, status=409, error=str(error))
        except (CuratedError, ValueError) as error:
            content = None  # the stored version is shown again, with what was wrong
            return editor(request, caller, answer_id=answer_id, content=content, status=422, error=str(error))
        return RedirectResponse(f"/admin/svar/{answer_id}?sparat=1", status_code=303)

    # The register.

    @router.get("/register")
    async def register_page(request: Request, omrade: str = "") -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        return register_view(request, caller, omrade)

    def register_view(
        request: Request,
        caller: Caller,
        selected: str = "",
        status: int = 200,
        error: str = "",
        message: str = "",
    ) -> HTMLResponse:
        now = dt.datetime.now(dt.UTC)
        current = {(d.area_id, d.role): d for d in w.designations.list()}
        rows = []
        for area in w.register.all():
            for role in ROLES:
                d = current.get((area.id, role))
                rows.append({"area": area, "role": role, "label": DESIGNATION_ROLES[role], "d": d,
                             "stale": d is not None and now - d.recorded_at > STALE_AFTER})  # fmt: skip
        history = w.designations.history(selected) if selected else []
        return render("register.html", request, caller, status, rows=rows, selected=selected,
                      history=history, error=error, message=message)  # fmt: skip

    @router.post("/register/{area_id}/{role}")
    async def change_designation(request: Request, area_id: str, role: str) -> Response:
        form = await form_of(request)
        try:
            caller = allowed(request, Permission.REGISTER, form)
        except PageRefused as error:
            return refused(request, error)
        if w.register.get(area_id) is None or role not in ROLES:
            return render("fel.html", request, caller, 404, message="Okänt område eller okänd roll.")
        version_text = str(form.get("version", "")).strip()
        expected = int(version_text) if version_text.isdigit() else None
        try:
            if form.get("action") == "verify":
                verified = w.designations.verify(area_id, role, by=caller.name, expected=expected)
                w.audit.record(caller.name, "designation.verify", f"designation:{area_id}/{role}",
                               None, verified.to_record())  # fmt: skip
            elif form.get("action") == "remove":
                removed = w.designations.remove(area_id, role, by=caller.name, expected=expected)
                w.audit.record(caller.name, "designation.remove", f"designation:{area_id}/{role}",
                               removed.to_record(), None)  # fmt: skip
            else:
                before = w.designations.get(area_id, role)
                made = w.designations.set(
                    area_id, role, str(form.get("name", "")), by=caller.name,
                    contact=str(form.get("contact", "")) or None,
                    valid_from=parse_date(str(form.get("valid_from", "")).strip() or None),
                    note=str(form.get("note", "")) or None, expected=expected,
                )  # fmt: skip
                w.audit.record(caller.name, "designation.set", f"designation:{area_id}/{role}",
                               before.to_record() if before else None, made.to_record())  # fmt: skip
        except DesignationConflict as error:
            return register_view(request, caller, area_id, 409, error=str(error))
        except (ValueError, LookupError) as error:
            return register_view(request, caller, area_id, 422, error=str(error))
        return RedirectResponse(f"/admin/register?omrade={area_id}#omrade-{area_id}", status_code=303)

    @router.get("/register/export.csv")
    async def export_register(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "registret.csv"
            count = w.designations.export(path)
            body = path.read_bytes()
        w.audit.record(caller.name, "designation.export", "designations", None, {"count": count})
        headers = {"Content-Disposition": 'attachment; filename="registret.csv"', "Cache-Control": "no-store"}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    @router.post("/register/import")
    async def import_register(request: Request) -> Response:
        form = await request.form()
        try:
            caller = allowed(request, Permission.REGISTER, {"csrf": str(form.get("csrf", ""))})
        except PageRefused as error:
            return refused(request, error)
        upload = form.get("fil")
        if upload is None or isinstance(upload, str):
            return register_view(request, caller, status=422, error="Välj en CSV-fil att importera.")
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            return register_view(request, caller, status=413, error="Filen är för stor (högst 1 MB).")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "import.csv"
            path.write_bytes(data)
            try:
                changed = w.designations.import_(path, by=caller.name)
            except (ValueError, UnicodeDecodeError) as error:
                return register_view(request, caller, status=422, error=f"Inget importerades: {error}")
        w.audit.record(caller.name, "designation.import", "designations", None, {"changed": changed})
        return register_view(request, caller, message=f"Importen är klar: {changed} uppgifter ändrades.")

    # What users asked, and the record of changes.

    @router.get("/inkorg")
    async def inbox(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        return inbox_view(request, caller)

    def inbox_view(request: Request, caller: Caller, status: int = 200, error: str = "") -> HTMLResponse:
        answers = [a for a in w.curated.list() if a.status is not Status.ARCHIVED]
        return render("inkorg.html", request, caller, status, groups=w.groups.groups(), answers=answers,
                      sources=SOURCE_LABELS, error=error)  # fmt: skip

    @router.post("/inkorg/{key}")
    async def act_on_group(request: Request, key: str) -> Response:
        form = await form_of(request)
        try:
            caller = allowed(request, Permission.EDIT, form)
        except PageRefused as error:
            return refused(request, error)
        found = w.groups.group(key)
        if found is None:
            return inbox_view(request, caller, 404, error=GROUP_GONE)
        try:
            if form.get("action") == "dismiss":
                w.groups.dismiss(key, str(form.get("reason", "")), by=caller.name)
                w.audit.record(caller.name, "inbox.dismiss", f"inbox:{key}", {"question": found.question},
                               {"reason": str(form.get("reason", ""))})  # fmt: skip
            else:
                answer = w.curated.get(int(str(form.get("answer_id", "0")) or 0))
                add_group_to_answer(w, key, answer.id, answer.version, by=caller.name)
                return RedirectResponse(f"/admin/svar/{answer.id}?sparat=1", status_code=303)
        except (CuratedError, LookupError, ValueError) as error:
            return inbox_view(request, caller, 422, error=str(error))
        return RedirectResponse("/admin/inkorg", status_code=303)

    @router.get("/logg")
    async def audit(request: Request) -> Response:
        caller = page_guard(request)
        if isinstance(caller, Response):
            return caller
        if not (caller.user.can(Permission.PUBLISH) or caller.user.can(Permission.ACCOUNTS)):
            return render("fel.html", request, caller, 403, message="Bara processledare och administratörer "
                          "kan se granskningsloggen.")  # fmt: skip
        return render("logg.html", request, caller, events=w.audit.list(500))

    return router


def _local(target: str) -> str:
    """Only a path of the workspace itself (never another site) to go to after signing in."""
    return target if target.startswith("/admin/") and not target.startswith("//") else "/admin/"
