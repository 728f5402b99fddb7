"""The inbox page and the overview in a real browser (Debian's Chromium through Playwright), on
the real servers, at laptop (1280×800) and tablet (820×1180) size: search and filter with the
plain GET form, the "Öppna"/"Besvarade" tabs, the overview's link to one group, the ratings
column readable on a tablet, and axe-core finds no moderate, serious or critical violation on
either page. Fictitious users and questions only."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge.accounts import AccountStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from tests.conversation.widget_support import AXE, AXE_RUN_JS
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

PASSWORD = "ett långt testlösenord"
WORD = fictitious_id(length=6).lower()  # a word only these questions have
ASKED = (
    (f"Vem betalar parkeringen vid testcentralen {WORD}?", 8),
    (f"Hur bokar jag testlokalen {WORD} för samverkansmötet?", 2),
    (f"Får personalen bjuda på fikabröd {WORD} på mötet i Malmö?", 1),
)
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "tablet": {"width": 820, "height": 1180}}
SHOWN = ("moderate", "serious", "critical")
# Each ratings cell's text on one line, inside its cell (not wrapped letter by letter).
RATINGS_JS = """() => [...document.querySelectorAll('.bars .ratings')].map((el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return {text: el.textContent.trim(), lines: lines.size, overflow: el.scrollWidth - el.clientWidth,
          width: el.getBoundingClientRect().width};
})"""


@pytest.fixture(scope="module")
def lead(assistant) -> str:
    name = f"pl.{fictitious_id(length=6)}"
    AccountStore(assistant.database_url).add(name, "processledare", PASSWORD)
    log = QuestionLog(assistant.database_url)
    for question, times in ASKED:
        for _ in range(times):
            log.add(question, "abstain")
    Inbox(assistant.database_url).add(f"conv-{WORD}", ASKED[1][0])  # passed on
    return name


def violations(page: Page) -> list[dict]:
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    page.evaluate(AXE.read_text(encoding="utf-8"))  # by the driver: the CSP forbids inline scripts
    return [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in SHOWN]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_inbox_and_the_overview_at_laptop_and_tablet_size(browser: Browser, assistant, lead, size):
    context = browser.new_context(viewport=VIEWPORTS[size], locale="sv-SE")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(f"{assistant.knowledge_url}/admin/")
        page.get_by_label("Användarnamn").fill(lead)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
        assert violations(page) == [], "the overview"
        expect(page.get_by_text("fler dåliga än bra").first).to_be_visible()  # what "Behöver granskas" counts
        cells = page.evaluate(RATINGS_JS)
        assert cells and all(c["lines"] == 1 and c["overflow"] <= 0 for c in cells), cells
        assert min(c["width"] for c in cells) >= 48, cells

        # The overview's largest group links to that group alone in the inbox.
        page.get_by_role("link", name=ASKED[0][0]).click()
        expect(page.get_by_role("heading", name=ASKED[0][0], level=2)).to_be_visible()
        expect(page.locator("li.group")).to_have_count(1)
        expect(page.get_by_text("Visar en grupp")).to_be_visible()
        page.get_by_role("link", name="Visa alla grupper").click()

        # Search and filter with the plain GET form.
        page.get_by_label("Sök i frågorna").fill(WORD)
        page.get_by_role("button", name="Visa", exact=True).click()
        expect(page.locator("li.group")).to_have_count(3)
        assert violations(page) == [], "the inbox, searched"
        page.get_by_label("Källa").select_option("vidareskickad")
        page.get_by_role("button", name="Visa", exact=True).click()
        expect(page.locator("li.group")).to_have_count(1)
        expect(page.get_by_role("heading", name=ASKED[1][0], level=2)).to_be_visible()
        today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        expect(page.get_by_text(f"Bad om att bli kontaktad {today}")).to_be_visible()
        expect(page.get_by_label("Sök i frågorna")).to_have_value(WORD)  # the filters are kept

        tabs = page.get_by_role("navigation", name="Öppna och besvarade grupper")
        expect(tabs.get_by_role("link", name="Öppna")).to_have_attribute("aria-current", "page")
        tabs.get_by_role("link", name="Besvarade").click()
        expect(tabs.get_by_role("link", name="Besvarade")).to_have_attribute("aria-current", "page")
        expect(page.get_by_label("Källa")).to_have_value("vidareskickad")
        assert violations(page) == [], "the inbox, answered view"

        page.goto(f"{assistant.knowledge_url}/admin/inkorg?per_sida=1&sok={WORD}")
        paging = page.get_by_role("navigation", name="Sidor")
        expect(paging.get_by_role("link", name="Sida 1")).to_have_attribute("aria-current", "page")
        paging.get_by_role("link", name="Nästa sida").click()
        expect(paging.get_by_role("link", name="Sida 2")).to_have_attribute("aria-current", "page")
        expect(page.get_by_label("Sök i frågorna")).to_have_value(WORD)
        assert violations(page) == [], "the inbox, page 2"
    finally:
        context.close()
