"""The inbox page's query: folded search, filters by source, period and region, sorting, paging,
and groups a published curated answer now answers leaving the open inbox by themselves; what is
done to a group is in the audit log. Fictitious questions; the fake embedder on the tiny
fictitious corpus; a small fake phrasing matcher (as in test_curated_matching)."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.core.curated import CuratedAnswers
from actions.core.inbox_actions import InboxActions
from actions.core.inbox_groups import InboxGroups
from actions.core.inbox_query import InboxQuery, InboxSearch
from index.learned import PhrasingMatcher, Scaled
from index.similarity import QuestionSimilarity
from knowledge.audit import AuditLog, AuditQuery
from knowledge.curated import Content, CuratedStore
from knowledge.dismissals import Dismissals
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.registry import get_register
from tests.databases import initialised, sqlite_url

PARKING = "Vem betalar parkeringen vid testcentralen?"
FIKA = "Får personalen bjuda på fikabröd på mötet i Malmö?"
BLANKETT = "Vilken blankett gäller för testanmälan i Farsta?"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def region_of(text: str) -> str | None:
    regions = {r.area.region for r in get_register().find_all(text)}
    return regions.pop() if len(regions) == 1 else None


@pytest.fixture
def world(core, tmp_path):
    url = initialised(sqlite_url(tmp_path))
    clock = Clock()
    log = QuestionLog(url, clock)
    similarity = QuestionSimilarity(lambda: core.passages.engine.retriever)
    groups = InboxGroups(log, Inbox(url), FeedbackStore(url), Dismissals(url), similarity, 0.8, 0.5)
    store = CuratedStore(url)
    fake = PhrasingMatcher(Scaled((0.0,) * 4, (1.0,) * 4), (0.0, 0.0, 10.0, 10.0), -17.0, 0.5)
    curated = CuratedAnswers(store, similarity, dict, lambda: fake, poll_seconds=0.0)
    search = InboxSearch(groups, Inbox(url), curated, region_of)

    def ask(text: str, day: int, times: int = 1) -> None:
        for n in range(times):
            clock.now = dt.datetime(2099, 1, day, 8, n, tzinfo=dt.UTC)
            log.add(text, "abstain")

    ask(PARKING, 2, times=3)
    ask("vem betalar parkeringen vid testcentralen", 3)
    ask(FIKA, 10, times=2)
    ask(BLANKETT, 20)
    return search, groups, store, url, ask


def test_the_first_page_has_the_largest_groups_with_totals(world):
    search, *_ = world
    page = search.page(InboxQuery())
    assert [g.count for g in page.groups] == [4, 2, 1]
    assert (page.total, page.open_total, page.answered_total, page.pages) == (3, 3, 0, 1)
    first = page.groups[0]
    assert first.question == PARKING and first.sources == (("ej besvarad", 4),)
    assert not first.passed_on and first.answered_by is None


def test_search_finds_a_group_by_a_word_of_its_questions_without_case_or_diacritics(world):
    search, *_ = world
    for words in ("fikabrod", "FIKABRÖD", "bjuda malmo"):
        assert [g.question for g in search.page(InboxQuery(search=words)).groups] == [FIKA]
    assert search.page(InboxQuery(search="fikabröd parkeringen")).total == 0


def test_filters_by_source_period_and_region(world):
    search, _, _, url, _ = world
    Inbox(url).add("conv-1", BLANKETT)  # a user asked for it to be passed on
    FeedbackStore(url).add("conv-2", PARKING, "Ett svar.", "passage", [], "down", "Fel testcentral")
    passed = search.page(InboxQuery(source="vidareskickad")).groups
    assert [g.question for g in passed] == [BLANKETT]
    assert passed[0].passed_on and passed[0].passed_on_at is not None and passed[0].passed_on_count == 1
    assert passed[0].sources == (("ej besvarad", 1), ("vidareskickad", 1))
    down = search.page(InboxQuery(source="tumme_ned")).groups
    assert [g.question for g in down] == [PARKING] and down[0].comments == ("Fel testcentral",)
    january = InboxQuery(since=dt.date(2099, 1, 1), until=dt.date(2099, 1, 10))
    assert {g.question for g in search.page(january).groups} == {PARKING, FIKA}
    assert [g.question for g in search.page(InboxQuery(region="skane")).groups] == [FIKA]
    assert [g.question for g in search.page(InboxQuery(region="stockholm")).groups] == [BLANKETT]
    with pytest.raises(ValueError, match="Okänd källa"):
        search.page(InboxQuery(source="alla"))


def test_newest_first_and_paging(world):
    search, *_ = world
    assert [g.question for g in search.page(InboxQuery(sort="nyast")).groups] == [BLANKETT, FIKA, PARKING]
    second = search.page(InboxQuery(page=2, page_size=2))
    assert (second.total, second.pages, [g.question for g in second.groups]) == (3, 2, [BLANKETT])
    fika = next(g for g in search.page(InboxQuery()).groups if g.question == FIKA)
    assert fika.link == f"/admin/inkorg?grupp={fika.key}"  # the overview links to one group
    assert [g.question for g in search.page(InboxQuery(key=fika.key)).groups] == [FIKA]


def test_a_group_a_published_answer_answers_leaves_the_open_inbox_by_itself(world):
    search, _, store, _, ask = world
    assert search.page(InboxQuery()).open_total == 3
    made = store.create(Content((PARKING,), "Testcentralen betalar (fiktivt).", (), "all"), by="pl.test")
    store.publish(made.id, 1, by="pl.test")
    page = search.page(InboxQuery())
    assert PARKING not in [g.question for g in page.groups]
    assert (page.open_total, page.answered_total) == (2, 1)
    (answered,) = search.page(InboxQuery(view="besvarade")).groups
    assert answered.question == PARKING and answered.answered_by == made.id
    assert answered.answer_link == f"/admin/svar/{made.id}"
    ask(FIKA, 21)  # new questions keep coming: the grouping grows, the answered group stays answered
    assert search.page(InboxQuery(view="besvarade")).groups[0].answered_by == made.id
    assert [g.count for g in search.page(InboxQuery()).groups] == [3, 1]


def test_dismissing_and_adding_to_an_answer_are_audited(world):
    search, groups, store, url, _ = world
    actions = InboxActions(groups, store, AuditLog(url))
    fika = next(g for g in search.page(InboxQuery()).groups if g.question == FIKA)
    assert actions.dismiss(fika.key, "Utanför uppdraget (fiktivt)", by="pl.test") == 2
    made = store.create(
        Content(("Vem står för parkeringen?",), "Testcentralen (fiktivt).", (), "all"), by="pl.test"
    )
    parking = next(g for g in search.page(InboxQuery()).groups if g.question == PARKING)
    updated = actions.add_to_answer(parking.key, made.id, made.version, by="pl.test")
    assert PARKING in updated.content.questions
    assert [g.question for g in search.page(InboxQuery()).groups] == [BLANKETT]
    inbox_events = AuditLog(url).query(AuditQuery(kind="inkorg")).events
    assert [e.action for e in inbox_events] == ["inbox.add_phrasings", "inbox.dismiss"]
    assert inbox_events[0].target == f"answer:{made.id}" and PARKING in inbox_events[0].after["phrasings"]
    assert inbox_events[1].before["question"] == FIKA
    with pytest.raises(LookupError):
        actions.dismiss(fika.key, "igen", by="pl.test")
