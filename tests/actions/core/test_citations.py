"""What a passage answer cites: its source line and the viewer links of its sources."""

from __future__ import annotations

from actions.core import templates
from actions.core.citations import quoted_sources
from index.units import Unit

TITLE = "Fiktiv läsöverenskommelse"


def _unit(text: str, section: str, chunk: str, position: int) -> Unit:
    return Unit(f"{chunk}-{position}", "lasdok", TITLE, section, text, chunk, position, 0)


def test_the_source_line_names_the_section_of_a_quote():
    line = templates.source_line(TITLE, "Ersättning", "Ersättning")
    assert line == "Källa: Fiktiv läsöverenskommelse, avsnittet ”Ersättning”."


def test_the_source_line_names_every_section_a_quote_draws_on():
    line = templates.source_line(TITLE, "Uppföljning", "Ersättning")
    assert line == "Källa: Fiktiv läsöverenskommelse, avsnitten ”Uppföljning” och ”Ersättning”."


def test_a_quote_from_two_passages_cites_each_with_its_own_sentences_highlighted():
    best = _unit("Ersättningen för uppdraget är 100 000 kronor per år.", "Ersättning", "c2", 1)
    other = _unit("Dialogen om överenskommelsen sker varje år.", "Uppföljning", "c1", 1)
    neighbour = _unit("Testcentralen får ersättning från Testregionen.", "Ersättning", "c2", 0)
    sources = quoted_sources(best, [other, neighbour, best], lambda text: text)
    assert [(s.section, s.excerpt) for s in sources] == [
        ("Ersättning", f"{neighbour.text}\n{best.text}"),
        ("Uppföljning", other.text),
    ]
    assert sources[0].url == "/kallor/lasdok?stycke=c2&meningar=0%2C1#stycke-c2"
    assert sources[1].url == "/kallor/lasdok?stycke=c1&meningar=1#stycke-c1"
