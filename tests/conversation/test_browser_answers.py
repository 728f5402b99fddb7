"""The answer editor, the audit log and signing out in a real browser (Debian's Chromium through
Playwright) on the real servers, at laptop and tablet size: a curated answer written, published
and changed; "Prova" says in Swedish what the bot answers, with the raw signals behind "Tekniska
detaljer"; the version diff shows both versions side by side; the log filtered by person and kind;
"Du är utloggad." after signing out; and axe-core finds no moderate, serious or critical
violation on any of them. Fictitious users and answers only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge.accounts import AccountStore
from tests.conversation.widget_support import AXE, AXE_RUN_JS
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

PASSWORD = "ett långt testlösenord"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "surfplatta": {"width": 820, "height": 1180}}


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="sv-SE")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def violations(page: Page) -> list[dict]:
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    page.evaluate(AXE.read_text(encoding="utf-8"))  # by the driver: the CSP forbids inline scripts
    return [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in {"moderate", "serious", "critical"}]


def test_prova_the_diff_the_log_and_signing_out(page, assistant):
    name = f"pl.{fictitious_id(length=6)}"
    AccountStore(assistant.database_url).add(name, "processledare", PASSWORD)
    topic = fictitious_id(length=5)
    question = f"Vem bokar lokalen för testmöte {topic}?"
    base = assistant.knowledge_url

    page.goto(f"{base}/admin/svar/ny")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Frågor som svaret gäller, en per rad").fill(question)
    page.get_by_label("Svar", exact=True).fill("Testcentralen bokar lokalen (fiktivt).")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Status: utkast")).to_be_visible()
    page.get_by_role("button", name="Publicera").click()
    if page.get_by_label("Publicera trots konflikterna").count():
        page.get_by_label("Publicera trots konflikterna").check()
        page.get_by_role("button", name="Publicera").click()
    expect(page.get_by_text("Status: publicerat")).to_be_visible()
    page.get_by_label("Svar", exact=True).fill("Kommunen bokar lokalen (fiktivt).")
    page.get_by_role("button", name="Spara utkast").click()

    # The diff: both versions side by side, the changed word marked.
    diff = page.locator("table.diff")
    expect(diff.get_by_role("columnheader", name="Publicerad (version 1)")).to_be_visible()
    expect(diff.get_by_role("columnheader", name="Utkast (version 2)")).to_be_visible()
    expect(diff.locator("del", has_text="Testcentralen")).to_be_visible()
    expect(diff.locator("ins", has_text="Kommunen")).to_be_visible()
    expect(page.locator("#skillnad-forklaring")).to_contain_text("överstruken")

    # Prova: in plain Swedish, the signals behind a disclosure.
    page.get_by_label("Fråga", exact=True).fill(question)
    page.get_by_role("button", name="Vad svarar boten?").click()
    trial = page.locator(".trial")
    expect(trial.get_by_role("heading", name="Med det som är publicerat nu")).to_be_visible()
    expect(trial).to_contain_text("Säkerhet:")
    expect(trial.locator(".level").first).to_have_text(re.compile("^(hög|medel|låg)$"))
    expect(trial).not_to_contain_text("(abstain)")
    details = trial.locator("details").first
    expect(details.locator("dl")).to_be_hidden()
    assert violations(page) == [], "the answer editor with Prova and the diff"
    details.get_by_text("Tekniska detaljer").click()
    expect(details.locator("dl")).to_be_visible()
    assert violations(page) == [], "the answer editor with the technical details open"

    # The audit log, filtered by person and kind.
    page.get_by_role("link", name="Logg", exact=True).click()
    page.get_by_label("Person").select_option(name)
    page.get_by_label("Sorts ändring").select_option("svar")
    page.get_by_role("button", name="Visa").click()
    entries = page.locator(".audit-entry")
    expect(entries.first).to_contain_text("Ändrade svar")
    expect(page.get_by_role("link", name="Publicerade svar").first).to_be_visible()
    expect(page.locator(".audit-log")).not_to_contain_text("Loggade in")
    assert violations(page) == [], "the audit log"

    # Signing out says so.
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("status")).to_have_text("Du är utloggad.")
    assert violations(page) == [], "the sign-in page after signing out"
