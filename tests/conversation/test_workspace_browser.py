"""The process lead's workspace in a real browser (Debian's Chromium through Playwright), on the
real servers: sign in; a question that could not be answered is in the inbox; write and publish
a curated answer from it; the widget, asked in other words, gives it with ``kind: curated``
without retraining; a redaktör cannot publish; a post without the CSRF token is refused; sign
out; and axe-core finds no serious or critical violation on any page. Fictitious users and
answers only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge.accounts import AccountStore
from knowledge.curated import Content, CuratedStore
from tests.conversation.widget_support import Widget, axe_violations
from tests.conversation.widget_support import sign_in as sign_in_to_workspace
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

PASSWORD = "ett långt testlösenord"
QUESTION = "Vilken blankett använder vi för att beställa hjälpmedel?"
IN_OTHER_WORDS = "vilken blankett anvander man for att bestalla hjalpmedel"
ANSWER = "Hjälpmedel beställs med blanketten på intranätet under Hjälpmedel (fiktiv testuppgift)."


@pytest.fixture(scope="module")
def users(assistant) -> dict[str, str]:
    accounts = AccountStore(assistant.database_url)
    names = {}
    for role in ("processledare", "redaktor"):
        name = f"{role[:3]}.{fictitious_id(length=6)}"
        accounts.add(name, role, PASSWORD)
        names[role] = name
    return names


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def sign_in(page: Page, assistant, name: str) -> None:
    sign_in_to_workspace(page, assistant.knowledge_url, name, PASSWORD)


def test_from_the_inbox_to_a_published_answer_the_widget_gives(page, assistant, users):
    # A user asks what the sources do not answer (and passes the question on).
    page.goto(assistant.knowledge_url + "/")
    widget = Widget(page)
    widget.open()
    widget.ask(QUESTION)
    page.get_by_role("button", name="Ja, skicka vidare").click()
    widget.wait_for_answer(2)

    sign_in(page, assistant, users["processledare"])
    page.get_by_role("link", name="Inkorg", exact=True).click()
    expect(page.get_by_role("heading", name=QUESTION, exact=True)).to_be_visible()  # a group of its own
    page.get_by_role("link", name=f"Skriv ett svar på ”{QUESTION}”").click()
    expect(page.get_by_label("Frågor som svaret gäller, en per rad")).to_have_value(QUESTION)
    page.get_by_label("Svar", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Status: utkast")).to_be_visible()
    page.get_by_role("button", name="Kontrollera").click()
    expect(page.get_by_text("Kontrollen är godkänd")).to_be_visible()
    page.get_by_role("button", name="Publicera").click()
    expect(page.get_by_text("Status: publicerat")).to_be_visible()

    # The widget, asked in other words in a new tab, gives the curated answer: no retraining.
    tab = page.context.new_page()
    tab.goto(assistant.knowledge_url + "/")
    widget = Widget(tab)
    widget.open()
    with tab.expect_response(lambda r: r.url.endswith("/chat")) as response:
        answer = widget.ask(IN_OTHER_WORDS)
    expect(answer).to_contain_text(ANSWER)
    kinds = [m["custom"]["answer"]["kind"] for m in json.loads(response.value.text()) if m.get("custom")]
    assert kinds == ["curated"]


def test_a_redaktor_cannot_publish_and_a_post_without_csrf_is_refused(page, assistant, users):
    sign_in(page, assistant, users["redaktor"])
    page.goto(f"{assistant.knowledge_url}/admin/svar/ny")
    page.get_by_label("Frågor som svaret gäller, en per rad").fill("Vem för protokoll i testsamverkan?")
    page.get_by_label("Svar", exact=True).fill("Testfunktionen för protokoll (fiktivt).")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Status: utkast")).to_be_visible()
    expect(page.get_by_role("button", name="Publicera")).to_have_count(0)
    expect(page.get_by_text("En processledare granskar och publicerar.")).to_be_visible()
    status = page.evaluate(
        """async () => {
            const body = new URLSearchParams({questions: "Fråga utan CSRF?", answer: "Svar.", region: "all"});
            const r = await fetch("/admin/svar", {method: "POST", body});
            return r.status;
        }"""
    )
    assert status == 403
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.goto(f"{assistant.knowledge_url}/admin/svar")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()


WORKSPACE_PAGES = (
    "/admin/", "/admin/inkorg", "/admin/inkorg?vy=besvarade", "/admin/svar", "/admin/svar/ny",
    "/admin/register", "/admin/register?omrade=farsta", "/admin/register/farsta/gsa",
    "/admin/logg", "/admin/betyg", "/admin/svar/999999",
    "/admin/kallor", "/admin/kallor/hok-oversikt", "/kallor", "/kallor/hok-oversikt",
)  # fmt: skip


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 820, "height": 1180}])
def test_no_moderate_accessibility_violations_on_any_workspace_page(browser, assistant, users, viewport):
    """axe-core (WCAG 2.1 A/AA and its best practices): nothing moderate, serious or critical on
    the sign-in page, every workspace page (a 404 page among them), an answer's editor, the
    source viewer, and the page a redaktör is refused."""
    made = CuratedStore(assistant.database_url).create(
        Content(("Vilken fiktiv blankett gäller för testning?",), "Testblanketten (fiktiv).", (), "all"),
        by=users["processledare"],
    )
    context = browser.new_context(viewport=viewport, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{assistant.knowledge_url}/admin/login")
        assert axe_violations(page) == [], "login"
        sign_in(page, assistant, users["processledare"])
        for path in (*WORKSPACE_PAGES, f"/admin/svar/{made.id}?fraga=Vilken+blankett+g%C3%A4ller"):
            shown = page.goto(f"{assistant.knowledge_url}{path}")
            assert shown is not None and shown.status == (404 if path.endswith("999999") else 200), path
            assert axe_violations(page) == [], path
        page.get_by_role("button", name="Logga ut").click()
        expect(page.get_by_text("Du är utloggad.")).to_be_visible()
        assert axe_violations(page) == [], "signed out"
        sign_in(page, assistant, users["redaktor"])
        refused = page.goto(f"{assistant.knowledge_url}/admin/register/farsta/gsa")
        assert refused is not None and refused.status == 403
        assert axe_violations(page) == [], "the page a redaktör is refused"
    finally:
        context.close()
