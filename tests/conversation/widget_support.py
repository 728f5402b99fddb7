"""Helpers for the web chat widget's browser tests: Chromium, a page object, a forwarding proxy."""

from __future__ import annotations

import http.server
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from knowledge.settings import PROJECT_ROOT
from tests.conversation.loopback import LoopbackServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = PROJECT_ROOT / "tests" / "browser"
AXE = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
ANSWER_TIMEOUT_MS = 30_000

# The element that has focus, looking into shadow roots (the widget lives in one).
DEEP_FOCUS_JS = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    className: typeof el.className === "string" ? el.className : "",
    text: (el.textContent || "").trim().slice(0, 120),
    label: el.getAttribute("aria-label") || "",
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
  };
}"""

# WCAG contrast of an element's text colour on its background colour (both computed, opaque).
CONTRAST_JS = """(el) => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""

AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  }));
}"""


# Sizes the widget is tested at: a laptop and a tablet held upright.
LAPTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
# The impacts axe-core reports that must not occur on any page.
BLOCKING_IMPACTS = {"moderate", "serious", "critical"}


def axe_violations(page: Page, impacts: set[str] = BLOCKING_IMPACTS) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.1 A/AA and of its best practices on the page (shadow roots
    included) of these impacts, once the page has stopped moving."""
    assert AXE.exists(), f"axe-core is missing ({AXE}): run `npm ci --prefix tests/browser`"
    page.evaluate(SETTLED_JS)  # a panel fading in has text of too low contrast for a moment
    # Evaluated by the test driver, not injected as an inline script: the pages' CSP forbids those.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(AXE_RUN_ALL_JS) if v["impact"] in impacts]


def sign_in(page: Page, knowledge_url: str, name: str, password: str) -> None:
    """Sign in to the workspace as a user of it."""
    page.goto(f"{knowledge_url}/admin/")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()


# Waits until every finite animation on the page, in its open shadow roots too, has finished.
SETTLED_JS = """async () => {
  const shadows = Array.from(document.querySelectorAll("*"), (e) => e.shadowRoot).filter(Boolean);
  const finite = [document, ...shadows].flatMap((r) => r.getAnimations())
    .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => null)));
}"""

# As AXE_RUN_JS, with axe's best practices too (landmarks, regions), as a reviewer runs it.
AXE_RUN_ALL_JS = AXE_RUN_JS.replace('"wcag21aa"]', '"wcag21aa", "best-practice"]')


def host_page(origin: str, /, **data: str) -> str:
    """A host page on another site that embeds the widget with one script tag and data-* attributes."""
    attributes = " ".join(f'data-{key}="{value}"' for key, value in data.items())
    return f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Testsida</title></head>
<body><main><h1>Testsida</h1><p>En sida som bäddar in HÖK-assistenten.</p></main>
<script src="{origin}/widget.js" {attributes} defer></script></body></html>"""


class Widget:
    """The chat widget on a page, seen as a user sees it (roles and Swedish names)."""

    def __init__(self, page: Page, title: str = "HÖK-assistenten") -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=f"Fråga {title}")
        self.panel = page.get_by_role("dialog", name=title)
        self.log = page.get_by_role("log", name="Konversation")
        self.input = page.get_by_role("textbox", name="Skriv din fråga")
        self.send_button = page.get_by_role("button", name="Skicka", exact=True)
        self.close_button = page.get_by_role("button", name="Stäng", exact=True)
        self.user_messages = page.locator(".hok-user .hok-text")
        self.bot_messages = page.locator(".hok-bot")
        self.errors = page.locator(".hok-error")

    def open(self) -> None:
        expect(self.launcher).to_be_visible()
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def ask(self, question: str, answers: int | None = None) -> Locator:
        """Type a question, press Enter, wait for the answer; the answer's (first) bot message."""
        before = self.bot_messages.count()
        self.input.fill(question)
        self.input.press("Enter")
        return self.wait_for_answer(before + 1 if answers is None else answers)

    def wait_for_answer(self, at_least: int) -> Locator:
        expect(self.bot_messages.nth(at_least - 1)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        expect(self.page.locator(".hok-typing")).to_be_empty()
        return self.bot_messages.nth(at_least - 1)

    def focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(DEEP_FOCUS_JS)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HostSite(LoopbackServer):
    """Another intranet site with pages that embed the widget. A real server rather than pages
    fulfilled by Playwright: Chromium treats those as public, and its Local Network Access checks
    then stop them from calling an assistant on this machine."""

    def __init__(self, port: int, pages: dict[str, str]) -> None:
        self.pages = pages
        super().__init__(port)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                html = site.pages.get(self.path)
                payload = (html or "Sidan finns inte.").encode()
                self.send_response(200 if html else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class Gateway(LoopbackServer):
    """A reverse proxy in front of the assistant, as an intranet might have: it serves the widget's
    files from ``upstream`` and passes chat turns on to ``backend``, answering 502 Bad Gateway
    (a plain-text page, no JSON) while ``backend`` is None, as a proxy does when its backend is down.
    Cookies pass both ways and credentialed cross-origin calls are allowed, as the widget's
    conversation cookie needs."""

    def __init__(self, port: int, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.backend: str | None = None
        self.posts = 0
        super().__init__(port)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(
                self, status: int, content_type: str, payload: bytes, cookie: str | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Credentials", "true")
                if cookie:
                    self.send_header("Set-Cookie", cookie)
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self, base: str, body: bytes | None) -> None:
                headers = {"Content-Type": self.headers.get("Content-Type") or "application/json"}
                if self.headers.get("Cookie"):
                    headers["Cookie"] = self.headers["Cookie"]
                request = urllib.request.Request(base + self.path, data=body, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=30) as resp:
                        status, kind, payload = resp.status, resp.headers["Content-Type"], resp.read()
                        cookie = resp.headers.get("Set-Cookie")
                except urllib.error.HTTPError as err:
                    status, kind, payload = err.code, err.headers["Content-Type"], err.read()
                    cookie = err.headers.get("Set-Cookie")
                self._send(status, kind or "application/octet-stream", payload, cookie)

            def do_OPTIONS(self) -> None:
                self._send(204, "text/plain", b"")

            def do_GET(self) -> None:
                self._forward(gateway.upstream, None)

            def do_POST(self) -> None:
                gateway.posts += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if gateway.backend is None:
                    self._send(502, "text/plain; charset=utf-8", b"502 Bad Gateway")
                else:
                    self._forward(gateway.backend.rstrip("/"), body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
