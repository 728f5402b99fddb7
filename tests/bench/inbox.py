"""How fast the inbox page's query is on a seeded year (tests/seed_inbox.py: 2,100 fictitious
questions), with the real model and index, in process (a throwaway SQLite database).

    .venv/bin/python -m tests.bench.inbox [--questions 2100] [--runs 5]

Prints the time to compute the first page cold (the model and index already loaded, as in the
running service; every distinct question embedded and grouped, every group matched against the
published answers: once per process), then, median of ``--runs``: the first page again
(the grouping is kept), a search by a word of one question, a filter (source, region, period),
the "Besvarade" view, and the first page after ten new questions (only they are placed).

Then the same through the page route (``GET /admin/inkorg`` of the app, with the app's
TestClient, signed in): the first page of a freshly started app (its grouping cold, or warmed
at start), the first page again, a search by a word of one group's questions (checked to find
it), a filter and a later page, each the median of ``--runs``; the target is a first page under
300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr

from actions.core.curated import CuratedAnswers
from actions.core.inbox_groups import InboxGroups
from actions.core.inbox_query import InboxPage, InboxQuery, InboxSearch
from actions.web.app import create_app
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from knowledge.accounts import AccountStore
from knowledge.curated import Content, CuratedStore
from knowledge.db import Database
from knowledge.dismissals import Dismissals
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.registry import get_register
from knowledge.settings import Settings, get_settings
from knowledge.text import fold
from tests.seed_inbox import TOPICS, seed_inbox


def _ms(action: Callable[[], InboxPage], runs: int) -> tuple[float, InboxPage]:
    times, page = [], None
    for _ in range(runs):
        started = time.perf_counter()
        page = action()
        times.append((time.perf_counter() - started) * 1000)
    assert page is not None
    return statistics.median(times), page


def _region_of(text: str) -> str | None:
    """The one region the areas named in ``text`` lie in (the service passes the core's region_of)."""
    regions = {r.area.region for r in get_register().find_all(text)}
    return regions.pop() if len(regions) == 1 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = SearchEngine(settings)
    engine.ensure_index(rebuild=False)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'knowledge.db'}"
        Database(url).init()
        seeded = seed_inbox(url, args.questions)
        store = CuratedStore(url)
        answer = store.create(
            Content(TOPICS[1], "Testlokalen bokas i testsystemet (fiktivt).", (), "all"), "bench"
        )
        store.publish(answer.id, 1, "bench")
        similarity = QuestionSimilarity(lambda: engine.retriever)
        curated = CuratedAnswers(store, similarity, dict, lambda: engine.learned.phrasings, 0.0)
        log = QuestionLog(url)
        groups = InboxGroups(
            log, Inbox(url), FeedbackStore(url), Dismissals(url), similarity,
            settings.inbox_group_min_dense, settings.inbox_group_min_lexical,
        )  # fmt: skip
        search = InboxSearch(groups, Inbox(url), curated, _region_of)
        print(f"seeded: {seeded.total} questions ({seeded.abstained} not answered, {seeded.passed_on} "
              f"passed on, {seeded.thumbs_down} 👎)")  # fmt: skip
        similarity.embed(["query: laddar modellen"])  # the model and index, loaded once per process
        similarity.phrasing("laddar analysen")
        distinct = len({q.question for q in log.list(kind="abstain")})
        cold, page = _ms(lambda: search.page(InboxQuery()), 1)
        print(f"first page, cold (embed {distinct}+ distinct questions, group, match): {cold:8.1f} ms  "
              f"{page.open_total} open groups, {page.answered_total} answered")  # fmt: skip
        queries = {
            "first page (kept grouping)": InboxQuery(),
            "search 'fikabröd'": InboxQuery(search="fikabröd"),
            "filter vidareskickad + skane + Q3": InboxQuery(
                source="vidareskickad", region="skane", since=dt.date(2099, 7, 1), until=dt.date(2099, 9, 30)
            ),
            "newest first, page 2": InboxQuery(sort="nyast", page=2),
            "view besvarade": InboxQuery(view="besvarade"),
        }
        for label, query in queries.items():
            took, page = _ms(lambda q=query: search.page(q), args.runs)  # type: ignore[misc]
            print(f"{label:<40} {took:8.1f} ms  {page.total} groups; first: "
                  f"{page.groups[0].question if page.groups else '-'}")  # fmt: skip
        for n in range(10):
            log.add(f"Hur lång är uppsägningstiden för testavtal nummer {n}?", "abstain")
        took, page = _ms(lambda: search.page(InboxQuery()), 1)
        print(f"{'first page after 10 new questions':<40} {took:8.1f} ms  {page.open_total} open groups")
        through_the_page(settings, engine, url, args.runs)


PAGE_TARGET_MS = 300.0
SEARCHED = "fikabröd"


def through_the_page(settings: Settings, engine: SearchEngine, url: str, runs: int) -> None:
    """The inbox page's figures through its route, on a freshly started app over the seeded
    database (the model and index already loaded, as in the running service)."""
    password = secrets.token_urlsafe(16)
    AccountStore(url).add("bench.pl", "processledare", password)
    key = settings.secret_key.get_secret_value() or secrets.token_hex(32)
    app_settings = settings.model_copy(
        update={"database_url": url, "curated_poll_seconds": 0.0, "secret_key": SecretStr(key)}
    )
    started = time.perf_counter()
    with TestClient(create_app(app_settings, engine), follow_redirects=False) as client:
        login = client.get("/admin/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', login)
        assert csrf is not None
        signed = client.post("/admin/login", data={"name": "bench.pl", "password": password,
                                                   "csrf": csrf.group(1)})  # fmt: skip
        assert signed.status_code == 303, signed.text[:200]
        print(f"\nthrough the page route (GET /admin/inkorg, TestClient), target {PAGE_TARGET_MS:.0f} ms:")
        print(f"{'app started and signed in':<40} {(time.perf_counter() - started) * 1000:8.1f} ms")

        def get(params: dict[str, str]) -> tuple[float, str]:
            began = time.perf_counter()
            response = client.get("/admin/inkorg", params=params)
            assert response.status_code == 200, response.text[:200]
            return (time.perf_counter() - began) * 1000, response.text

        began = time.perf_counter()  # the grouping warmed at start (the app's lifespan), waited for
        client.app.state.services.workspace.inbox_search.summaries()  # type: ignore[attr-defined]
        print(f"{'warm-up still running after sign-in':<40} {(time.perf_counter() - began) * 1000:8.1f} ms")
        cold, _ = get({})
        print(f"{'first page after the warm-up':<40} {cold:8.1f} ms")
        cases = {
            "first page": {},
            f"search '{SEARCHED}'": {"sok": SEARCHED},
            "filter vidareskickad + skane": {"kalla": "vidareskickad", "region": "skane"},
            "newest first, page 2": {"sortering": "nyast", "sida": "2"},
            "besvarade": {"vy": "besvarade"},
        }
        for label, params in cases.items():
            times, text = [], ""
            for _ in range(runs):
                took, text = get(params)
                times.append(took)
            shown = re.findall(r'<h2 id="g-[a-z2-7]+">([^<]+)</h2>', text)
            median = statistics.median(times)
            verdict = "" if label != "first page" else ("  ok" if median < PAGE_TARGET_MS else "  SLOW")
            print(f"{label:<40} {median:8.1f} ms  {len(shown)} groups shown{verdict}")
            if "sok" in params:
                found = [q for q in shown if fold(SEARCHED) in fold(q)]
                print(f"{'':<40} found by a word: {found[0] if found else '-'}")
                assert found, "the search did not find the group by a word of its questions"


if __name__ == "__main__":
    main()
