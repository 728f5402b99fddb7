"""What a curated answer cites: the passages it rests on, linked in the source viewer, or the
process lead and the date, with nothing to link to (no section, no viewer page)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from actions.core.curated import CURATOR_DOC, CuratedAnswers, Match
from actions.core.engine import AnsweringCore
from knowledge.answer import Answer, AnswerKind
from knowledge.answer import SourceRef as Cited
from knowledge.curated import Content, SourceRef
from knowledge.documents import Document

PUBLISHED = dt.datetime(2099, 3, 4, 10, 0, tzinfo=dt.UTC)


def _answer(core: AnsweringCore, sources: tuple[SourceRef, ...]) -> Answer:
    """The curated answer ``sources`` as the core gives it (with viewer links)."""
    title = core.passages.engine.retriever.stored.chunks[0].title
    documents = {"lasdok": Document("lasdok", title, "", None, "stockholm", "", Path("lasdok.md"))}
    curated = CuratedAnswers(
        store=None,  # type: ignore[arg-type]  # answer() reads nothing published
        similarity=None,  # type: ignore[arg-type]
        documents=lambda: documents,
        matcher=lambda: None,  # type: ignore[arg-type,return-value]
    )
    content = Content(("Hur följs det upp?",), "Varje år, se https://example.invalid/plan.", sources, "all")
    match = Match(1, content, PUBLISHED, "Hur följs det upp?", 1.0, 1.0, 1.0)
    return core.linked(curated.answer(match))


def test_a_curated_answer_without_sources_names_the_process_lead_and_the_date_and_links_nowhere(core):
    answer = _answer(core, ())
    assert answer.kind is AnswerKind.CURATED
    (source,) = answer.sources
    assert (source.doc, source.title, source.section, source.url) == (
        CURATOR_DOC,
        "Svar från processledaren, 2099-03-04",
        "",  # a date is no section
        None,  # the viewer has no page for the process lead
    )
    assert answer.text.endswith("\n\nSvar från processledaren, 2099-03-04.")
    assert "url" not in answer.payload()["answer"]["sources"][0]


def test_a_curated_answer_with_sources_links_each_to_its_passage_in_the_viewer(core):
    chunks = core.passages.engine.retriever.stored.chunks
    answer = _answer(core, (SourceRef("lasdok", "Ersättning"), SourceRef("lasdok", "Uppföljning")))
    assert [s.section for s in answer.sources] == ["Ersättning", "Uppföljning"]
    for source in answer.sources:
        assert source.url is not None
        link = urlsplit(source.url)
        assert link.path == "/kallor/lasdok"
        (passage,) = parse_qs(link.query)["stycke"]
        chunk = next(c for c in chunks if c.id == passage)
        assert source.section in (chunk.section, *chunk.paragraph_sections)
        assert link.fragment == f"stycke-{passage}"


def test_the_process_lead_gets_no_link_and_a_section_not_found_links_to_the_document(core):
    assert core.citations.link(Cited(CURATOR_DOC, "Svar från processledaren", "", "")) is None
    assert core.citations.link(Cited("lasdok", "Fiktiv", "Finns inte", "")) == "/kallor/lasdok"
