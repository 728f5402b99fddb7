"""The workspace's sources (/admin/kallor) in a real browser (Debian's Chromium through
Playwright), on the real servers, at laptop (1280×800) and tablet (820×1180) size: sign in, open
Källor from the navigation, open a source, add a question to its first sentence with the plain
form, remove it again, and axe-core finds no moderate, serious or critical violation on either
page. Fictitious users and questions only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from tests.conversation.widget_support import AXE, AXE_RUN_JS
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

PASSWORD = "ett långt testlösenord"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "tablet": {"width": 820, "height": 1180}}
SHOWN = ("moderate", "serious", "critical")
TITLE = "Övergripande överenskommelse/ huvudöverenskommelse om hälsa, vård och omsorg (HÖK)"


@pytest.fixture(scope="module")
def lead(assistant) -> str:
    name = f"pl.{fictitious_id(length=6)}"
    AccountStore(assistant.database_url).add(name, "processledare", PASSWORD)
    return name


def violations(page: Page) -> list[dict]:
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    page.evaluate(AXE.read_text(encoding="utf-8"))  # by the driver: the CSP forbids inline scripts
    return [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in SHOWN]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_adding_and_removing_a_question_of_a_source_sentence(browser: Browser, assistant, lead, size):
    question = f"Gäller testfrågan {fictitious_id(length=6).lower()} för {size}?"
    context = browser.new_context(viewport=VIEWPORTS[size], locale="sv-SE")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(f"{assistant.knowledge_url}/admin/")
        page.get_by_label("Användarnamn").fill(lead)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.get_by_role("navigation", name="Arbetsytan").get_by_role("link", name="Källor").click()
        expect(page.get_by_role("heading", name="Källor: frågor som leder till en mening")).to_be_visible()
        assert violations(page) == [], "the list of sources"

        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        first = page.locator("li.source-unit").first
        expect(first.locator("ul.unit-questions li").first).to_be_visible()  # its written questions
        expect(first.get_by_text("Besvarade")).to_be_visible()
        assert violations(page) == [], "a source"

        first.get_by_label("Lägg till fråga").fill(question)
        first.get_by_role("button", name="Lägg till fråga").click()
        expect(page.get_by_role("status")).to_have_text(
            "Frågan är tillagd. Den gäller i botens svar inom några sekunder."
        )
        added = page.locator("li.source-unit").first.locator("li", has_text=question)
        expect(added).to_contain_text(f"tillagd av {lead}")
        assert violations(page) == [], "a source, a question added"

        added.get_by_role("button", name="Ta bort").click()
        expect(page.get_by_role("status")).to_have_text(
            "Frågan är borttagen. Du kan lägga till den igen när som helst."
        )
        expect(page.get_by_text(question)).to_have_count(0)
        actions = [e.action for e in AuditLog(assistant.database_url).list(actor=lead)]
        assert actions[:2] == ["question.remove", "question.add"]
    finally:
        context.close()
