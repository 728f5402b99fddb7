"""The inbox page's query: search, filters, sorting and paging over the inbox's groups, and which
groups a published curated answer now answers.

Each group is summarised once (its question, wordings, sources, regions named, whether a user
asked for it to be passed on and when, the words to search) and kept while the group is
unchanged; whether a published answer answers it is asked of the same matcher the bot uses
(:class:`CuratedAnswers`), for its most asked wordings, and kept until what is published
changes. A group a published answer answers is "besvarad": it leaves the open inbox by itself
and is listed under "Besvarade" with the answer's id.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from actions.core.curated import CuratedAnswers
from actions.core.inbox_groups import Group, InboxGroups
from knowledge.inbox import Inbox
from knowledge.text import fold

# The source filter's values (the page's Swedish words) and the items they keep.
SOURCE_FILTERS = {"ej_besvarad": "abstained", "vidareskickad": "passed_on", "tumme_ned": "thumbs_down"}
SOURCE_FILTER_LABELS = {
    "ej_besvarad": "Ej besvarad",
    "vidareskickad": "Vidareskickad",
    "tumme_ned": "Dåligt betyg",
}
SOURCE_LABELS = {"abstained": "ej besvarad", "passed_on": "vidareskickad", "thumbs_down": "dåligt betyg"}
SORTS = {"storst": "Största först", "nyast": "Nyaste först"}
VIEWS = {"oppna": "Öppna", "besvarade": "Besvarade"}
REGION_LABELS = {"stockholm": "Stockholms län", "skane": "Skåne"}
MAX_PAGE_SIZE = 100
# A group's most asked wordings that are matched against the published answers.
MATCHED_WORDINGS = 3


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox page asks for. ``search``: words that must all occur in one of the group's
    questions or comments (no case, å/ä/ö folded); ``source``: a key of SOURCE_FILTERS;
    ``since``/``until``: the group has an item on those days (inclusive, UTC); ``region``: a
    question of the group names an area of that region (a key of REGION_LABELS); ``sort``: a
    key of SORTS; ``view``: "oppna" (the open inbox) or "besvarade"; ``page`` counts from 1."""

    search: str = ""
    source: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    region: str | None = None
    sort: str = "storst"
    view: str = "oppna"
    page: int = 1
    page_size: int = 25
    key: str | None = None  # one group only (the overview's link to a group: group_link)

    def checked(self) -> InboxQuery:
        """The query, or ValueError (Swedish) naming what is not understood."""
        if self.source is not None and self.source not in SOURCE_FILTERS:
            raise ValueError(f"Okänd källa {self.source!r}: välj {', '.join(SOURCE_FILTERS)}.")
        if self.region is not None and self.region not in REGION_LABELS:
            raise ValueError(f"Okänd region {self.region!r}: välj {', '.join(REGION_LABELS)}.")
        if self.sort not in SORTS:
            raise ValueError(f"Okänd sortering {self.sort!r}: välj {', '.join(SORTS)}.")
        if self.view not in VIEWS:
            raise ValueError(f"Okänd vy {self.view!r}: välj {', '.join(VIEWS)}.")
        if self.since and self.until and self.since > self.until:
            raise ValueError("Perioden slutar före den börjar.")
        return self


@dataclass(frozen=True)
class GroupSummary:
    """One group as the inbox page shows it."""

    key: str
    question: str  # the most asked wording
    phrasings: tuple[str, ...]
    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    sources: tuple[tuple[str, int], ...]  # (Swedish label, count), most first
    source_codes: frozenset[str]
    passed_on_at: dt.datetime | None  # when a user last asked for it to be passed on
    passed_on_count: int  # how many times users asked for its questions to be passed on
    regions: frozenset[str]
    comments: tuple[str, ...]
    answered_by: int | None  # the published curated answer that now answers it
    group: Group

    @property
    def passed_on(self) -> bool:
        return self.passed_on_at is not None

    @property
    def link(self) -> str:
        return group_link(self.key)

    @property
    def answer_link(self) -> str | None:
        return f"/admin/svar/{self.answered_by}" if self.answered_by is not None else None


@dataclass(frozen=True)
class InboxPage:
    groups: tuple[GroupSummary, ...]
    total: int  # groups matching the query, on every page
    page: int
    page_size: int
    open_total: int  # open groups, whatever the filters
    answered_total: int  # groups a published answer answers, whatever the filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class _Summarised:
    summary: GroupSummary
    haystack: str  # the folded questions and comments, for search
    days: tuple[dt.date, ...]
    days_by_source: dict[str, tuple[dt.date, ...]]
    passed_at: tuple[dt.datetime, ...]  # when its questions were passed on


class InboxSearch:
    """``region_of`` names the region a question is about (the core's :meth:`region_of`), or None."""

    def __init__(
        self,
        groups: InboxGroups,
        inbox: Inbox,
        curated: CuratedAnswers | None,
        region_of: Callable[[str], str | None],
    ) -> None:
        self.groups = groups
        self.inbox = inbox
        self.curated = curated
        self.region_of = region_of
        self._lock = threading.Lock()
        self._summaries: dict[tuple[str, int, dt.datetime], _Summarised] = {}
        self._regions: dict[str, str | None] = {}
        self._answered: dict[str, int | None] = {}
        self._published: object = None

    def page(self, query: InboxQuery) -> InboxPage:
        """One page of the groups the query asks for, with the totals the page shows."""
        query = query.checked()
        everything = self.summaries()
        open_groups = [s for s in everything if s.summary.answered_by is None]
        answered = [s for s in everything if s.summary.answered_by is not None]
        chosen = [s for s in (answered if query.view == "besvarade" else open_groups) if _keeps(s, query)]
        if query.sort == "nyast":
            chosen.sort(key=lambda s: (-s.summary.last_seen.timestamp(), -s.summary.count))
        else:
            chosen.sort(key=lambda s: (-s.summary.count, -s.summary.last_seen.timestamp()))
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        page = max(1, query.page)
        shown = chosen[(page - 1) * size : page * size]
        return InboxPage(
            tuple(s.summary for s in shown), len(chosen), page, size, len(open_groups), len(answered)
        )

    def summaries(self) -> list[_Summarised]:
        """Every group summarised (kept while a group is unchanged)."""
        groups = self.groups.groups()
        passed = _passed_on(self.inbox)
        with self._lock:
            self._forget_answers_if_published_changed()
            out = []
            kept: dict[tuple[str, int, dt.datetime], _Summarised] = {}
            for group in groups:
                ident = (group.key, group.count, group.last_seen)
                asked = {fold(i.question) for i in group.items}
                passed_at = tuple(sorted(t for f in asked for t in passed.get(f, ())))
                found = self._summaries.get(ident)
                if (
                    found is None
                    or found.passed_at != passed_at
                    or found.summary.answered_by != self._answer_of(found.summary.phrasings)
                ):
                    found = self._summarise(group, passed_at)
                kept[ident] = found
                out.append(found)
            self._summaries = kept
            return out

    def _summarise(self, group: Group, passed_at: tuple[dt.datetime, ...]) -> _Summarised:
        phrasings = group.phrasings
        counts = group.sources
        if passed_at:  # asked to be passed on, whether or not also logged as not answered
            counts = {**counts, "passed_on": len(passed_at)}
        by_source: dict[str, set[dt.date]] = {}
        for item in group.items:
            by_source.setdefault(item.source, set()).add(item.at.date())
        for when in passed_at:
            by_source.setdefault("passed_on", set()).add(when.date())
        regions = frozenset(r for r in (self._region(p) for p in phrasings) if r)
        summary = GroupSummary(
            key=group.key,
            question=group.question,
            phrasings=phrasings,
            count=group.count,
            first_seen=group.first_seen,
            last_seen=group.last_seen,
            sources=tuple(
                (SOURCE_LABELS.get(s, s), n) for s, n in sorted(counts.items(), key=lambda kv: -kv[1])
            ),
            source_codes=frozenset(by_source),
            passed_on_at=passed_at[-1] if passed_at else None,
            passed_on_count=len(passed_at),
            regions=regions,
            comments=group.comments,
            answered_by=self._answer_of(phrasings),
            group=group,
        )
        haystack = " \n ".join(fold(t) for t in (*phrasings, *group.comments))
        days = tuple(sorted({i.at.date() for i in group.items}))
        by_day = {s: tuple(sorted(d)) for s, d in by_source.items()}
        return _Summarised(summary, haystack, days, by_day, passed_at)

    def _region(self, text: str) -> str | None:
        if text not in self._regions:
            self._regions[text] = self.region_of(text)
        return self._regions[text]

    def _forget_answers_if_published_changed(self) -> None:
        published = self.curated.candidates() if self.curated is not None else None
        if published is not self._published:
            self._answered.clear()
            self._published = published

    def _answer_of(self, phrasings: tuple[str, ...]) -> int | None:
        """The published answer that answers the group's most asked wordings, if any (the first
        wording matched wins)."""
        if self.curated is None:
            return None
        for text in phrasings[:MATCHED_WORDINGS]:
            folded = fold(text)
            if folded not in self._answered:
                match = self.curated.match(text, self._region(text))
                self._answered[folded] = match.answer_id if match is not None else None
            if self._answered[folded] is not None:
                return self._answered[folded]
        return None


def group_link(key: str) -> str:
    """The inbox page showing one group (the overview's "Största grupperna" link to it)."""
    return f"/admin/inkorg?grupp={key}"


def _keeps(s: _Summarised, query: InboxQuery) -> bool:
    if query.key is not None and s.summary.key != query.key:
        return False
    if query.source is not None and SOURCE_FILTERS[query.source] not in s.summary.source_codes:
        return False
    if query.region is not None and query.region not in s.summary.regions:
        return False
    if query.since or query.until:
        days = s.days_by_source.get(SOURCE_FILTERS[query.source], ()) if query.source else s.days
        low, high = query.since or dt.date.min, query.until or dt.date.max
        if not any(low <= d <= high for d in days):
            return False
    words = fold(query.search).split()
    return all(w in s.haystack for w in words)


def _passed_on(inbox: Inbox) -> dict[str, list[dt.datetime]]:
    """When each question (folded) was passed on (a question logged as not answered and then
    passed on is one item of the inbox, not two: its passing on is known from here)."""
    out: dict[str, list[dt.datetime]] = {}
    for item in inbox.list():
        out.setdefault(fold(item.question), []).append(item.asked_at)
    return out
