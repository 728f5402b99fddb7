"""The source viewer: the whole document, the cited passage marked, the quoted sentences
highlighted; safe, Swedish, printable."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.test_app import client  # noqa: F401 - the module's app over the fictitious corpus


def _quoted(html: str) -> list[str]:
    return re.findall(r"<mark>(?:<span class=\"visually-hidden\">Citerat: </span>)?(.*?)</mark>", html)


def test_an_answers_link_opens_the_document_with_the_quoted_sentences_highlighted(
    client: TestClient,  # noqa: F811
    tracker_call,
):
    body = client.post("/webhook", json=tracker_call("Hur ofta följer parterna upp överenskommelsen?")).json()
    url = body["responses"][1]["custom"]["answer"]["sources"][0]["url"]
    page = client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="sv">' in html and '<h1 id="dokumenttitel">Fiktiv testöverenskommelse</h1>' in html
    anchor = url.split("#", 1)[1]
    assert f'id="{anchor}" class="stycke citerat"' in html
    assert any("varje år" in q for q in _quoted(html))
    # The whole document is there, not only the cited passage.
    assert "Testcentralen sammankallar" in html and "socialtjänstens organisation" in html
    assert 'href="#' + anchor + '"' in html  # a link to the citation for keyboard users


def test_the_document_list_links_every_source(client: TestClient):  # noqa: F811
    html = client.get("/kallor/").text
    assert '<a href="/kallor/testdok">Fiktiv testöverenskommelse</a>' in html


def test_an_unknown_document_is_a_swedish_404(client: TestClient):  # noqa: F811
    r = client.get("/kallor/finns-inte")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Det finns inget källdokument med det namnet." in r.text and 'href="/kallor/"' in r.text


@pytest.mark.parametrize(
    "query",
    [
        "stycke=<script>alert(1)</script>",
        "meningar=1,2,abc,-3,999",
        "stycke=" + "x" * 70,
        "meningar=" + "9," * 120,
    ],
)
def test_odd_parameters_are_ignored_or_refused_never_echoed(client: TestClient, query):  # noqa: F811
    r = client.get(f"/kallor/testdok?{query}")
    assert r.status_code in (200, 422)
    assert "<script>" not in r.text


def test_the_viewer_is_styled_for_screen_and_print(client: TestClient):  # noqa: F811
    css = client.get("/kallor.css")
    assert css.status_code == 200 and "@media print" in css.text and "mark" in css.text
