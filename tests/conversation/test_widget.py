"""The embeddable web chat widget in a real browser (Debian's Chromium through Playwright),
talking to the real Rasa server and knowledge service."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from knowledge.accounts import AccountStore
from knowledge.curated import Content, CuratedStore, SourceRef
from knowledge.feedback import FeedbackStore
from knowledge.registry import DesignationStore
from knowledge.settings import PROJECT_ROOT
from tests.conversation.conftest import answer_of
from tests.conversation.widget_support import (
    AXE,
    AXE_RUN_JS,
    CONTRAST_JS,
    LAPTOP,
    TABLET,
    Gateway,
    HostSite,
    Widget,
    axe_violations,
    free_port,
    host_page,
    sign_in,
)
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

QUESTION = "Vem sammankallar till lokal samverkan?"
HOK_TITLE = "Huvudöverenskommelse om länsövergripande samverkan kring hälsa, vård och omsorg, HÖK"
OFF_TOPIC = "Vad blir det för väder i helgen?"
STATIC = PROJECT_ROOT / "actions" / "web" / "static"


@pytest.fixture(scope="module")
def axe() -> Path:
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    return AXE


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _demo(page: Page, assistant) -> Widget:
    page.goto(assistant.knowledge_url + "/")
    return Widget(page)


def _serve(page: Page, url: str, html: str) -> None:
    """Serve a host page at ``url`` (its scripts and requests go to the real servers)."""
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))


def test_the_demo_page_embeds_the_widget_with_one_script_tag(assistant):
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="widget.js" data-title="HÖK-assistenten" defer>'
    ]
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    assert "textContent" in script
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(", script)
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    assert "prefers-reduced-motion" in css
    assert not re.search(r"font(-size)?:[^;]*\d+px", css), (
        "text sizes in rem, so they follow the user's settings"
    )


def test_a_question_is_answered_with_an_expandable_source(page, assistant):
    widget = _demo(page, assistant)
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.screenshot("widget-closed")
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.input).to_be_focused()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    widget.screenshot("widget-open")
    # Record whether the typing indicator showed while the answer was on its way.
    page.locator(".hok-typing").evaluate(
        """(el) => { window.__typingSeen = false;
           new MutationObserver(() => { if (el.textContent.includes("skriver")) window.__typingSeen = true; })
             .observe(el, {childList: true, subtree: true}); }"""
    )

    answer = widget.ask(QUESTION)

    assert page.evaluate("window.__typingSeen") is True
    expect(widget.user_messages).to_have_text([QUESTION])
    expect(answer).to_contain_text("samordnande vårdcentral")
    sources = answer.locator("details.hok-sources")
    summary = sources.locator("summary")
    expect(summary).to_have_text(re.compile(r"^Visa källa$|^Visa källor \(\d+\)$"))
    # A long answer is shown from the question that it answers.
    expect(widget.user_messages.last).to_be_in_viewport()
    widget.screenshot("widget-answer")
    title = sources.locator(".hok-source-title").first
    expect(title).to_be_hidden()
    summary.click()
    expect(title).to_be_visible()
    expect(sources.locator(".hok-source-title", has_text=HOK_TITLE).first).to_be_visible()
    expect(sources.locator(".hok-excerpt").first).not_to_be_empty()
    expect(answer.get_by_role("button", name="Bra svar")).to_be_visible()
    expect(answer.get_by_role("button", name="Dåligt svar")).to_be_visible()
    widget.screenshot("widget-sources")


def test_feedback_is_stored_with_the_question_answer_and_sources(page, assistant):
    widget = _demo(page, assistant)
    widget.open()
    answer = widget.ask(QUESTION)
    expect(answer.locator(".hok-feedback")).to_have_text("Var svaret till hjälp?")  # icons, no text
    # Icons, not emoji (which need a font not every computer has), with the same names.
    expect(answer.locator(".hok-rate svg")).to_have_count(2)
    answer.get_by_role("button", name="Bra svar").click()
    expect(answer.locator(".hok-thanks")).to_have_text(re.compile(r"^Tack för ditt svar"))
    expect(answer.get_by_role("button", name="Bra svar")).to_have_count(0)

    sender = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find("
        "k => k.startsWith('hok-assistent:')))).sender"
    )
    stored = [f for f in FeedbackStore(assistant.database_url).list(50) if f.conversation == sender]
    assert len(stored) == 1, stored
    feedback = stored[0]
    assert feedback.rating == "up" and feedback.question == QUESTION
    assert feedback.kind in {"rule", "passage", "registry", "curated"}
    assert "samordnande vårdcentral" in feedback.answer
    assert "storsthlm-rekommendation-hok-2021" in {s.doc for s in feedback.sources}
    assert HOK_TITLE in {s.title for s in feedback.sources}


def test_the_conversation_survives_a_reload_and_a_new_session_starts_afresh(page, assistant, browser):
    widget = _demo(page, assistant)
    widget.open()
    widget.ask(QUESTION)
    widget.bot_messages.last.get_by_role("button", name="Dåligt svar").click()
    widget.bot_messages.last.get_by_role("button", name="Skicka utan kommentar").click()
    expect(widget.bot_messages.last.locator(".hok-thanks")).to_be_visible()
    key = page.evaluate("() => Object.keys(sessionStorage).find(k => k.startsWith('hok-assistent:'))")
    sender = page.evaluate(f"() => JSON.parse(sessionStorage.getItem({json.dumps(key)})).sender")
    assert re.fullmatch(r"[\w\-.:]{1,128}", sender)

    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()  # it was open, so it still is
    expect(widget.user_messages).to_have_text([QUESTION])
    expect(widget.bot_messages.last).to_contain_text("samordnande vårdcentral")
    expect(widget.bot_messages.last.locator(".hok-thanks")).to_be_visible()  # rated already
    assert page.evaluate(f"() => JSON.parse(sessionStorage.getItem({json.dumps(key)})).sender") == sender
    # The same conversation goes on: the next turn is sent with the same sender id.
    with page.expect_request(lambda r: r.url.endswith("/chat")) as request:
        widget.ask("Hur följs HÖK upp?")
    assert json.loads(request.value.post_data or "{}")["sender"] == sender

    other = browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(assistant.knowledge_url + "/")
        fresh_widget = Widget(fresh)
        fresh_widget.open()
        expect(fresh_widget.user_messages).to_have_count(0)
        fresh_widget.ask(QUESTION)
        fresh_sender = fresh.evaluate(f"() => JSON.parse(sessionStorage.getItem({json.dumps(key)})).sender")
        assert fresh_sender != sender
    finally:
        other.close()


def test_everything_works_with_the_keyboard_alone(page, assistant):
    widget = _demo(page, assistant)
    for _ in range(30):  # Tab through the page to the launcher
        page.keyboard.press("Tab")
        focus = widget.focused()
        if focus and "hok-launcher" in focus["className"]:
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    assert focus["outline"] >= 2, focus  # a visible focus indicator
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    assert widget.focused()["outline"] >= 2

    # An off-topic question: the answer offers quick replies, reached with Shift+Tab from the input.
    page.keyboard.type(OFF_TOPIC)
    page.keyboard.press("Enter")
    widget.wait_for_answer(1)
    expect(widget.input).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert widget.focused()["text"] == "Nej tack"
    page.keyboard.press("Shift+Tab")
    assert widget.focused()["text"] == "Ja, skicka vidare"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Nej tack"
    widget.wait_for_answer(2)
    expect(widget.user_messages).to_have_text([OFF_TOPIC, "Nej tack"])
    expect(widget.bot_messages.last).to_contain_text("låter jag bli")
    expect(widget.input).to_be_focused()

    # A real question: its source and the rating buttons are reached with Shift+Tab.
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    answer = widget.wait_for_answer(3)
    order = []
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        order.append(widget.focused())
    assert [f["label"] for f in order[:2]] == ["Dåligt svar", "Bra svar"], order
    assert order[2]["tag"] == "summary" and order[2]["outline"] >= 2, order
    page.keyboard.press("Enter")
    expect(answer.locator(".hok-source-title", has_text=HOK_TITLE).first).to_be_visible()
    # The opened sources link to the source viewer (one link per source), reached with Tab
    # before the rating.
    sources_shown = answer.locator(".hok-source-link").count()
    assert sources_shown >= 1
    for _ in range(sources_shown):
        page.keyboard.press("Tab")
        assert widget.focused()["label"].startswith("Visa i dokumentet: "), widget.focused()
    page.keyboard.press("Tab")
    assert widget.focused()["label"] == "Bra svar"
    page.keyboard.press("Space")
    expect(answer.locator(".hok-thanks")).to_be_visible()
    assert "hok-thanks" in widget.focused()["className"]  # focus is not lost to the page

    # Escape closes the panel and gives focus back to the launcher; Space opens it again.
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    # Backwards through the panel: the conversation log itself is focusable (to scroll it), then
    # the close button, which closes the panel and gives focus back to the launcher.
    visited = []
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        visited.append(widget.focused())
        if visited[-1]["text"].endswith("Stäng"):
            break
    assert visited[-1]["text"].endswith("Stäng"), visited
    assert visited[-2]["className"] == "hok-log", visited
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_an_unreachable_assistant_is_explained_and_the_question_can_be_sent_again(page, assistant):
    port = free_port()  # the assistant's address, where nothing listens yet
    pages = {"/avbrott.html": host_page(assistant.knowledge_url, server=f"http://127.0.0.1:{port}")}
    with HostSite(free_port(), pages) as site:
        _unreachable_then_back(page, assistant, site.url + "/avbrott.html", port)


def _unreachable_then_back(page: Page, assistant, url: str, port: int) -> None:
    page.goto(url)
    widget = Widget(page)
    widget.open()  # unstyled: its stylesheet comes from the unreachable server too
    widget.input.fill(QUESTION)
    widget.input.press("Enter")
    unreachable = "Assistenten går inte att nå just nu"
    expect(widget.errors.last).to_contain_text(unreachable, timeout=15_000)  # a network error
    expect(widget.errors.last.get_by_role("button", name="Försök igen")).to_be_visible()

    with Gateway(port, assistant.knowledge_url) as gateway:
        # A gateway answers now, but its backend is down (502): the error and its retry are still
        # there after a reload, and trying again gives the same explanation.
        page.reload()
        widget = Widget(page)
        expect(widget.errors).to_have_count(1)
        with page.expect_response(
            lambda r: r.url.endswith("/chat") and r.request.method == "POST"
        ) as response:
            widget.errors.last.get_by_role("button", name="Försök igen").click()
        assert response.value.status == 502
        expect(widget.errors).to_have_count(1)
        expect(widget.errors.last).to_contain_text(unreachable)
        expect(widget.input).to_be_focused()
        widget.screenshot("widget-error")

        # The assistant is back: "Försök igen" sends the same question once more and it is answered.
        gateway.backend = assistant.knowledge_url
        with page.expect_request(lambda r: r.url.endswith("/chat") and r.method == "POST") as request:
            widget.errors.last.get_by_role("button", name="Försök igen").click()
        assert json.loads(request.value.post_data or "{}")["message"] == QUESTION
        answer = widget.wait_for_answer(1)
        expect(answer).to_contain_text("samordnande vårdcentral")
        assert gateway.posts == 2
    expect(widget.errors).to_have_count(0)
    expect(widget.user_messages).to_have_text([QUESTION])  # shown once, not once per attempt


def test_a_refused_message_shows_the_servers_swedish_explanation(page, assistant):
    widget = _demo(page, assistant)
    widget.open()
    # Longer than the service's limit (the text box stops typing at 2000; a paste script does not).
    widget.input.evaluate("(el) => { el.value = 'Vem sammankallar? ' + 'x'.repeat(2100); }")
    widget.send_button.click()
    error = widget.errors.last
    expect(error).to_have_text("Meddelandet är för långt. Skriv högst 2000 tecken.")
    expect(error.get_by_role("button", name="Försök igen")).to_have_count(0)  # resending won't help


def test_markup_in_messages_is_shown_as_text(page, assistant):
    widget = _demo(page, assistant)
    widget.open()
    injected = '<img src="x" onerror="window.__hokPwned = 1"><b>fet</b>'
    widget.ask(f"Vem är GSA i {injected}?")
    expect(widget.user_messages.last).to_have_text(f"Vem är GSA i {injected}?")

    # The real assistant never sends markup; a hostile or broken server might. The next reply is
    # therefore served by the test, to show that bot text, buttons and sources stay text too.
    hostile = [
        {
            "recipient_id": "x",
            "text": f"Svar med {injected}\nandra raden",
            "buttons": [{"title": "<i>Ja</i>", "payload": "ja"}],
        },
        {
            "recipient_id": "x",
            "custom": {
                "answer": {
                    "kind": "passage",
                    "sources": [{"doc": "d", "title": "<script>window.__hokPwned = 2</script>Titel",
                                 "section": "<u>Avsnitt</u>", "excerpt": injected}],
                    "confidence": 0.5,
                    "area": None,
                }
            },
        },
    ]  # fmt: skip

    def reply(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(hostile))

    page.route(assistant.knowledge_url + "/chat", reply)
    answer = widget.ask("Visa något")
    answer.locator("summary").click()
    expect(answer.locator(".hok-text").first).to_have_text(f"Svar med {injected}\nandra raden")
    expect(answer.locator(".hok-source-title")).to_have_text("<script>window.__hokPwned = 2</script>Titel")
    expect(answer.locator(".hok-excerpt")).to_have_text(injected)
    expect(page.get_by_role("button", name="<i>Ja</i>")).to_be_visible()
    counts = page.locator("#hok-assistent").evaluate(
        "(host) => ['img', 'b', 'i', 'u', 'script']"
        ".map(t => host.shadowRoot.querySelectorAll('.hok-log ' + t).length)"
    )
    assert counts == [0, 0, 0, 0, 0]
    # Line breaks in bot text are kept.
    assert answer.locator(".hok-text").first.evaluate("(el) => getComputedStyle(el).whiteSpace") == "pre-wrap"
    assert page.evaluate("window.__hokPwned") is None


def test_at_360_pixels_the_panel_is_full_width_without_horizontal_scrolling(browser, assistant):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="sv-SE", is_mobile=True)
    try:
        page = context.new_page()
        widget = _demo(page, assistant)
        no_scroll = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        assert page.evaluate(no_scroll)
        widget.open()
        box = widget.panel.bounding_box()
        assert box and box["x"] == 0 and box["width"] == 360, box
        answer = widget.ask(QUESTION)
        answer.locator("summary").click()
        widget.ask("Vad gäller för " + "samverkansöverenskommelsernas" * 4 + "?")
        assert page.evaluate(no_scroll)
        assert widget.log.evaluate("(el) => el.scrollWidth <= el.clientWidth")
        widget.user_messages.last.scroll_into_view_if_needed()  # the long word, wrapped
        widget.screenshot("widget-mobile")
    finally:
        context.close()


def test_a_custom_colour_keeps_text_readable_and_the_widget_can_sit_on_the_left(page, assistant, axe):
    url = assistant.knowledge_url + "/intranat/gul.html"
    _serve(
        page,
        url,
        host_page(assistant.knowledge_url, title="Samverkansstöd", color="#ffd200", position="left"),
    )
    page.goto(url)
    widget = Widget(page, title="Samverkansstöd")
    widget.open()
    launcher_box = widget.launcher.bounding_box()
    assert launcher_box and launcher_box["x"] < 100  # bottom left
    widget.ask(QUESTION)
    for element in (widget.launcher, widget.send_button, widget.user_messages.last.locator("..")):
        assert element.evaluate(CONTRAST_JS) >= 4.5
    assert _serious_violations(page, axe) == []


def test_less_motion_when_the_user_asks_for_it(browser, assistant):
    for motion, animated in (("no-preference", True), ("reduce", False)):
        context = browser.new_context(reduced_motion=motion)
        try:
            page = context.new_page()
            widget = _demo(page, assistant)
            widget.open()
            animation = widget.panel.evaluate("(el) => getComputedStyle(el).animationName")
            assert (animation != "none") is animated, (motion, animation)
        finally:
            context.close()


def test_no_serious_accessibility_violations_with_the_widget_open_and_answered(page, assistant, axe):
    widget = _demo(page, assistant)
    widget.open()
    answer = widget.ask(QUESTION)
    answer.locator("summary").click()
    widget.ask(OFF_TOPIC)  # quick replies on screen too
    assert _serious_violations(page, axe) == []


def _serious_violations(page: Page, axe: Path) -> list[dict]:
    # Evaluated by the test driver, not injected as an inline script: the pages' CSP forbids those.
    page.evaluate(axe.read_text(encoding="utf-8"))
    violations = page.evaluate(AXE_RUN_JS)
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


# Issue 17: the comment after a thumbs down, the curated answer's source, no staff names, the
# pass-on offer in view, links in answers, and axe-core clean down to moderate findings.

SIZES = pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["laptop", "tablet"])
PASSWORD = "ett långt testlösenord"


@contextmanager
def _page_at(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _sender(page: Page) -> str:
    """The widget's sender id; one that redaction cannot change (base 32: no 0 or 1, no month),
    or what is stored for it (a rating) would be stored under another id."""
    sender = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find("
        "k => k.startsWith('hok-assistent:')))).sender"
    )
    assert re.fullmatch(r"web-[a-z2-7]{26}", sender), sender
    return sender


def _published(assistant, questions: tuple[str, ...], answer: str, sources: tuple[SourceRef, ...]) -> None:
    """A curated answer, published, and given by the running assistant (it polls what is published)."""
    store = CuratedStore(assistant.database_url)
    made = store.create(Content(questions, answer, sources, "all"), by="red.widget")
    store.publish(made.id, made.version, by="pl.widget")
    deadline = time.monotonic() + 15
    while answer_of(assistant.say(questions[0])).get("kind") != "curated":
        assert time.monotonic() < deadline, "the published answer is not given"
        time.sleep(0.5)


@SIZES
def test_a_thumbs_down_takes_a_comment_stored_redacted_and_shown_in_the_workspace(
    browser, assistant, viewport
):
    accounts = AccountStore(assistant.database_url)
    lead = f"pl.{fictitious_id(length=6)}"
    accounts.add(lead, "processledare", PASSWORD)
    with _page_at(browser, viewport) as page:
        widget = _demo(page, assistant)
        widget.open()
        answer = widget.ask(QUESTION)
        answer.get_by_role("button", name="Dåligt svar").click()
        # The comment is asked for at once, with focus in its labelled text box; nothing is sent yet.
        comment_box = answer.get_by_role("textbox", name=re.compile("^Vad var fel med svaret"))
        expect(comment_box).to_be_focused()
        expect(comment_box).to_have_attribute("maxlength", "500")
        expect(answer.get_by_text("Skriv inte personnummer", exact=False)).to_be_visible()
        sender = _sender(page)
        assert not [f for f in FeedbackStore(assistant.database_url).list(100) if f.conversation == sender]
        marker = fictitious_id(length=8)
        page.keyboard.type(f"Fel avsnitt {marker}, det gäller 19850709-9805 i Farsta")
        answer.get_by_role("button", name="Skicka betyget").click()
        thanks = answer.get_by_role("status")
        expect(thanks).to_have_text(re.compile(r"^Tack för ditt svar och din kommentar"))
        expect(thanks).to_have_attribute("aria-live", "polite")
        expect(thanks).to_be_focused()  # focus is not lost to the page
        expect(comment_box).to_have_count(0)

        (stored,) = [f for f in FeedbackStore(assistant.database_url).list(100) if f.conversation == sender]
        assert stored.rating == "down" and stored.question == QUESTION
        assert stored.comment == f"Fel avsnitt {marker}, det gäller [personnummer borttaget] i Farsta"
        with FeedbackStore(assistant.database_url).engine.connect() as connection:
            raw = connection.exec_driver_sql("select comment from feedback where comment is not null").all()
        assert not any("9805" in (row[0] or "") for row in raw)

        # The process lead sees it on the ratings page, with the answer it was given on.
        sign_in(page, assistant.knowledge_url, lead, PASSWORD)
        page.goto(assistant.knowledge_url + "/admin/betyg")
        row = page.get_by_role("row").filter(has_text=marker)
        row.get_by_text(re.compile(r"^Kommentarer")).first.click()
        expect(row.get_by_text(stored.comment)).to_be_visible()
        assert axe_violations(page) == []


def test_a_thumbs_down_can_be_sent_without_a_comment_with_the_keyboard(page, assistant):
    widget = _demo(page, assistant)
    widget.open()
    answer = widget.ask(QUESTION)
    answer.get_by_role("button", name="Dåligt svar").focus()
    page.keyboard.press("Enter")
    expect(answer.get_by_role("textbox", name=re.compile("^Vad var fel"))).to_be_focused()
    page.keyboard.press("Tab")  # past the text box: send with a comment, then without
    page.keyboard.press("Tab")
    assert widget.focused()["text"] == "Skicka utan kommentar"
    page.keyboard.press("Enter")
    expect(answer.get_by_role("status")).to_have_text(re.compile(r"^Tack för ditt svar!"))
    sender = _sender(page)
    (stored,) = [f for f in FeedbackStore(assistant.database_url).list(100) if f.conversation == sender]
    assert stored.rating == "down" and stored.comment is None


def test_a_thumbs_down_left_without_a_comment_is_not_lost_when_the_next_question_is_asked(page, assistant):
    widget = _demo(page, assistant)
    widget.open()
    first = widget.ask(QUESTION)
    first.get_by_role("button", name="Dåligt svar").click()
    expect(first.get_by_role("textbox", name=re.compile("^Vad var fel"))).to_be_focused()
    widget.input.click()
    widget.ask("Hur följs HÖK upp?")
    expect(first.get_by_role("status")).to_have_text(re.compile(r"^Tack för ditt svar!"))
    sender = _sender(page)
    (stored,) = [f for f in FeedbackStore(assistant.database_url).list(100) if f.conversation == sender]
    assert (stored.question, stored.rating, stored.comment) == (QUESTION, "down", None)


@SIZES
def test_a_curated_answer_cites_the_process_lead_or_links_each_passage_to_the_viewer(
    browser, assistant, viewport
):
    tag = fictitious_id(length=6)
    own = f"Var bokar jag lokal {tag} för samverkansmöten?"
    cited = f"Vem följer upp samverkan {tag} i länet?"
    _published(assistant, (own,), f"Lokal {tag} bokas i bokningssystemet (fiktiv testuppgift).", ())
    _published(
        assistant,
        (cited,),
        f"Uppföljningen {tag} sker i samrådsgrupperna (fiktiv testuppgift).",
        (SourceRef("hok-oversikt", "Uppföljning"), SourceRef("hok-oversikt", "Samrådsgrupper")),
    )
    with _page_at(browser, viewport) as page:
        widget = _demo(page, assistant)
        widget.open()
        answer = widget.ask(own)
        expect(answer).to_contain_text(re.compile(r"Svar från processledaren, \d{4}-\d{2}-\d{2}\."))
        answer.locator("summary").click()
        expect(answer.locator("summary")).to_have_text("Visa källa")
        expect(answer.locator(".hok-source-title")).to_have_text(
            re.compile(r"^Svar från processledaren, \d{4}-\d{2}-\d{2}$")
        )
        expect(answer.locator(".hok-source-section")).to_have_count(0)  # a date is no section
        expect(answer.get_by_role("link")).to_have_count(0)  # nothing to link to

        answer = widget.ask(cited)
        answer.locator("summary").click()
        expect(answer.locator("summary")).to_have_text("Visa källor (2)")
        expect(answer.locator(".hok-source-section")).to_have_text(
            ["Avsnitt: Uppföljning", "Avsnitt: Samrådsgrupper"]
        )
        links = answer.get_by_role("link", name=re.compile(r"^Visa i dokumentet: "))
        expect(links).to_have_count(2)
        for i in range(2):
            href = links.nth(i).get_attribute("href") or ""
            assert re.search(r"/kallor/hok-oversikt\?stycke=\w+#stycke-\w+$", href), href
            response = page.request.get(href)
            assert response.status == 200, (href, response.status)
            anchor = href.rsplit("#", 1)[1]
            assert f'id="{anchor}"' in response.text()
        # The link works in the browser too: the viewer opens in a new tab at the passage.
        with page.context.expect_page() as opened:
            links.first.click()
        viewer = opened.value
        viewer.wait_for_load_state()
        first = links.first.get_attribute("href") or ""
        expect(viewer.locator("#" + first.rsplit("#", 1)[1])).to_be_visible()
        assert axe_violations(viewer) == [], "the source viewer"


def test_the_register_answer_in_the_widget_names_no_workspace_user(page, assistant):
    user = f"Widgetanvändare {fictitious_id(length=6)} (fiktiv)"
    DesignationStore(assistant.database_url).set(
        "osteraker", "ksa", "Testfunktionen Österåker (fiktiv)", by=user
    )
    widget = _demo(page, assistant)
    widget.open()
    answer = widget.ask("Vem är KSA i Österåker?")
    expect(answer).to_contain_text("Testfunktionen Österåker (fiktiv)")
    expect(answer).to_contain_text(re.compile(r"Registrerat \d{4}-\d{2}-\d{2}\."))
    answer.locator("summary").click()
    expect(widget.panel).not_to_contain_text("Widgetanvändare")
    expect(widget.panel).not_to_contain_text("Registrerat av")


def test_after_an_abstention_the_pass_on_offer_is_in_view_at_1280_by_900(browser, assistant):
    with _page_at(browser, {"width": 1280, "height": 900}) as page:
        widget = _demo(page, assistant)
        widget.open()
        widget.ask(QUESTION)  # an answer before, so the log has something to scroll
        widget.ask(OFF_TOPIC)
        for name in ("Ja, skicka vidare", "Nej tack"):
            expect(page.get_by_role("button", name=name)).to_be_in_viewport(ratio=1)
        expect(widget.user_messages.last).to_have_text(OFF_TOPIC)
        widget.screenshot("widget-pass-on-900")


def test_a_link_in_an_answer_is_clickable_and_nothing_else_is(page, assistant):
    tag = fictitious_id(length=6)
    question = f"Var finns mallen {tag} för samverkansavtal?"
    url = f"https://intranat.example.invalid/mallar/{tag}?typ=avtal"
    _published(
        assistant,
        (question,),
        f"Mallen finns på {url}. Skriv inte javascript:alert(1) eller www.example.invalid (fiktiv).",
        (),
    )
    page.context.route(
        "https://intranat.example.invalid/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Mallar</title>"),
    )
    widget = _demo(page, assistant)
    widget.open()
    answer = widget.ask(question)
    link = answer.locator(".hok-text").get_by_role("link")
    expect(link).to_have_count(1)  # the http(s) URL only
    expect(link).to_have_attribute("href", url)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_text(f"{url} (öppnas i en ny flik)")  # the full stop after it is text
    expect(answer.locator(".hok-text").first).to_contain_text("javascript:alert(1) eller www.example.invalid")
    with page.context.expect_page() as opened:
        link.click()
    assert opened.value.url == url


@SIZES
def test_no_moderate_or_worse_accessibility_violations_with_the_widget_closed_and_open(
    browser, assistant, viewport
):
    with _page_at(browser, viewport) as page:
        widget = _demo(page, assistant)
        expect(widget.launcher).to_be_visible()
        assert axe_violations(page) == [], "closed"
        widget.open()
        assert axe_violations(page) == [], "open"
        answer = widget.ask(QUESTION)
        answer.locator("summary").click()
        answer.get_by_role("button", name="Dåligt svar").click()  # the comment form on screen
        widget.ask(OFF_TOPIC)  # the pass-on offer on screen
        assert axe_violations(page) == [], "answered"
