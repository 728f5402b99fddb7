"""The register page in a real browser (Debian's Chromium through Playwright) on the real servers,
at laptop and tablet size, with JavaScript off: a process lead removes a GSA only after the
confirmation page asks, and "Ångra" brings it back exactly; a CSV import is previewed and applied.
axe-core finds no serious, critical or moderate violation on the register, its edit page, the
confirmation and the import preview. Fictitious people only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from knowledge.accounts import AccountStore
from knowledge.registry import DesignationStore
from tests.conversation.widget_support import AXE, AXE_RUN_JS
from tests.conversation.widget_support import sign_in as sign_in_to_workspace
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

PASSWORD = "ett långt testlösenord"
VIEWPORTS = {
    "laptop": ({"width": 1280, "height": 800}, "farsta", "Farsta"),
    "tablet": ({"width": 820, "height": 1180}, "bromma", "Bromma"),
}


@pytest.fixture(scope="module")
def lead(assistant) -> str:
    name = f"pro.{fictitious_id(length=6)}"
    AccountStore(assistant.database_url).add(name, "processledare", PASSWORD)
    return name


@pytest.fixture
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    opened: list[BrowserContext] = []

    def context(viewport: dict[str, int], javascript: bool) -> BrowserContext:
        made = browser.new_context(viewport=viewport, locale="sv-SE", java_script_enabled=javascript)
        made.set_default_timeout(15_000)
        opened.append(made)
        return made

    yield {key: context(viewport, False) for key, (viewport, _, _) in VIEWPORTS.items()} | {
        f"{key}-axe": context(viewport, True) for key, (viewport, _, _) in VIEWPORTS.items()
    }
    for made in opened:
        made.close()


def sign_in(page: Page, assistant, name: str) -> None:
    sign_in_to_workspace(page, assistant.knowledge_url, name, PASSWORD)


def violations(page: Page) -> list[dict]:
    """axe-core's serious, critical and moderate violations on the page (evaluated by the test
    driver, not injected as an inline script: the pages' CSP forbids those)."""
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in {"serious", "critical", "moderate"}]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_remove_with_confirmation_and_angra_work_without_javascript(
    contexts, assistant, lead, size, tmp_path
):
    _, area_id, area = VIEWPORTS[size]
    store = DesignationStore(assistant.database_url)
    store.set(area_id, "gsa", f"{area}vården (fiktiv)", by="annan.test", unit="Testenheten",
              contact=f"{area_id}@test.invalid", note="Fiktiv uppgift")  # fmt: skip
    before = store.get(area_id, "gsa")

    page = contexts[size].new_page()
    checked = contexts[f"{size}-axe"].new_page()
    sign_in(page, assistant, lead)
    sign_in(checked, assistant, lead)

    page.goto(f"{assistant.knowledge_url}/admin/register")
    page.get_by_label("Sök område (namn eller annat namn)").fill(area)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the area
    listing = page.url
    page.get_by_role("link", name=f"Ta bort GSA i {area}").click()
    expect(page.get_by_text(f"Vill du ta bort GSA för {area} ({area}vården (fiktiv))?")).to_be_visible()
    assert store.get(area_id, "gsa") == before  # asking removes nothing
    confirmation = page.url
    page.get_by_role("button", name="Ja, ta bort").click()
    expect(page.get_by_text(f"Borttaget: GSA för {area} ({area}vården (fiktiv)).")).to_be_visible()
    assert store.get(area_id, "gsa") is None
    assert f"sok={area}" in page.url  # the search is kept
    page.get_by_role("button", name="Ångra").click()
    expect(page.get_by_text(f"Återställt: GSA för {area}")).to_be_visible()
    assert store.get(area_id, "gsa") == before  # exactly as it was

    page.get_by_role("link", name=f"Ändra GSA i {area}").click()
    expect(page.get_by_role("heading", name=f"GSA för {area}", exact=True)).to_be_visible()
    edit = page.url

    csv = tmp_path / "registret.csv"
    csv.write_text(
        f"area_id,role,name,unit\n{area_id},ksa,{area}-KSA (fiktiv),Testenheten\n", encoding="utf-8"
    )
    page.goto(listing)
    page.get_by_label("Importera CSV").set_input_files(Path(csv))
    page.get_by_role("button", name="Förhandsgranska import").click()
    expect(page.get_by_role("heading", name="Förhandsgranska import till registret")).to_be_visible()
    expect(page.get_by_role("cell", name="ny", exact=True)).to_be_visible()
    assert store.get(area_id, "ksa") is None

    # The same pages checked by axe (in a context with JavaScript on, for axe itself).
    for url in (listing, edit, confirmation):
        checked.goto(url)
        assert violations(checked) == [], url
    checked.goto(listing)
    checked.get_by_label("Importera CSV").set_input_files(Path(csv))
    checked.get_by_role("button", name="Förhandsgranska import").click()
    expect(checked.get_by_role("button", name="Genomför")).to_be_visible()
    assert violations(checked) == [], "the import preview"

    page.get_by_role("button", name="Genomför").click()
    expect(page.get_by_text("Importen är klar: 1 uppgifter ändrades.")).to_be_visible()
    assert store.get(area_id, "ksa").name == f"{area}-KSA (fiktiv)"
    store.remove(area_id, "ksa", by="annan.test")
