"""The decision to answer weighs what the reply would quote: when a date is asked for and the best
sentence holds none, a neighbour in its section that holds one is quoted with it (index/quote.py),
so the answer does not lack a date. The fictitious corpus of tests/index/test_units.py, the fake
embedder."""

from __future__ import annotations

from actions.core.engine import AnsweringCore
from index.answer_types import AnswerType
from index.evidence import Asked

APPROVED = "Överenskommelsen om uppdraget godkändes av testnämnden i Testregionen efter beredning."
DATED = "Den träder i kraft den 1 mars 2099."
ELSEWHERE = "Testcentralen får ersättning från Testregionen för uppdraget i Testby och Testland."


def _quotable(core: AnsweringCore, question: str) -> tuple[AnswerType, dict[str, bool]]:
    engine = core.passages.engine
    evidence = engine.judge(Asked(question)).evidence
    units = engine.evidence.units
    return evidence.analysis.answer_type, {
        u.text: bool(evidence.kind_quotable[i]) for i, u in enumerate(units)
    }


def test_a_date_in_the_next_sentence_of_the_section_counts_as_quoted(core: AnsweringCore) -> None:
    kind, quotable = _quotable(core, "När godkändes överenskommelsen om uppdraget?")
    assert kind is AnswerType.DATE
    assert quotable[DATED] is True
    assert quotable[APPROVED] is True  # its neighbour holds the date
    assert quotable[ELSEWHERE] is False  # its section holds none: the quote would bring no date along


def test_when_no_kind_is_asked_for_every_unit_is_quotable(core: AnsweringCore) -> None:
    kind, quotable = _quotable(core, "Vad handlar överenskommelsen om?")
    assert kind is AnswerType.OTHER
    assert all(quotable.values())
