""" "Prova" in plain Swedish: the kind of answer, its text, where it comes from (a source passage
with its viewer path, or a curated answer with its date, never empty), how sure (hög/medel/låg
against the threshold), and the raw signals for "Tekniska detaljer". Fictitious answers."""

from __future__ import annotations

import datetime as dt

from actions.core.abstention import Decision, Reason, Signals
from actions.core.curated import CuratedAnswers, Match
from actions.core.passages import Considered
from actions.core.question import Question
from actions.core.trial import explain, level
from index.similarity import QuestionSimilarity
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.curated import Content, CuratedStore
from tests.databases import initialised, sqlite_url


def _signals(p: float) -> Signals:
    return Signals(p, p, None, False, "lasdok-3", "who", 3)


def test_the_bands_are_relative_to_the_threshold():
    assert [level(p, 0.66) for p in (0.2, 0.66, 0.82, 0.84, 1.0)] == ["låg", "medel", "medel", "hög", "hög"]


def test_a_passage_answer_names_its_source_and_keeps_the_signals_for_the_details():
    source = SourceRef(
        "lasdok", "Fiktiv testöverenskommelse", "Sammankallande", "Testcentralen sammankallar."
    )
    answer = Answer(AnswerKind.PASSAGE, "Testcentralen sammankallar.", (source,), 0.9)
    trial = explain(
        "Vem sammankallar?", Considered(answer, Decision(Reason.ANSWER, 0.9), _signals(0.9)), 0.66
    )
    assert (trial.kind, trial.level, trial.text) == ("Citat ur källan", "hög", "Testcentralen sammankallar.")
    (where,) = trial.sources
    assert (where.title, where.section, where.path) == (
        "Fiktiv testöverenskommelse",
        "Sammankallande",
        "/kallor/lasdok",
    )
    details = dict(trial.details)
    assert details["probability"] == "0.900" and details["terms"] == "3" and details["threshold"] == "0.660"
    assert "(abstain)" not in trial.text and "Signaler" not in trial.text


def test_an_abstention_says_inget_svar_with_low_confidence():
    answer = Answer(AnswerKind.ABSTAIN, "Jag hittar inget svar på det.", confidence=0.23)
    trial = explain(
        "Regnar det?", Considered(answer, Decision(Reason.NOT_ANSWERED, 0.23), _signals(0.23)), 0.66
    )
    assert (trial.kind, trial.level, trial.sources) == ("Inget svar", "låg", ())
    assert dict(trial.details)["decision"] == "not_answered"


def test_a_curated_draft_tried_as_published_has_a_date_never_empty():
    content = Content(("Vem betalar parkeringen?",), "Testcentralen betalar (fiktivt).", (), "all")
    match = Match(12, content, None, "Vem betalar parkeringen?", 0.97, 1.0, 0.95)
    lead = SourceRef("processledaren", "Svar från processledaren", "", "")
    answer = Answer(
        AnswerKind.CURATED, "Testcentralen betalar (fiktivt).\n\nSvar från processledaren, .", (lead,), 0.95
    )
    trial = explain("Vem betalar parkeringen?", answer, 0.66, match=match, match_threshold=0.5,
                    today=dt.date(2099, 12, 2))  # fmt: skip
    assert trial.kind == "Svar från processledaren" and trial.text == "Testcentralen betalar (fiktivt)."
    assert trial.curated is not None and trial.curated.attribution == "Svar från processledaren, 2099-12-02"
    assert trial.curated.path == "/admin/svar/12" and trial.sources == () and trial.level == "hög"
    published = explain("Vem betalar parkeringen?", answer, 0.66, match=match, match_threshold=0.5,
                        answer_date=lambda _: dt.datetime(2099, 3, 4, tzinfo=dt.UTC))  # fmt: skip
    assert published.curated.date == "2099-03-04"


def test_the_curated_answer_text_of_a_draft_carries_a_date(core, tmp_path):
    store = CuratedStore(initialised(sqlite_url(tmp_path)))
    matcher = CuratedAnswers(
        store, QuestionSimilarity(lambda: core.passages.engine.retriever), dict, lambda: None
    )
    content = Content(("Vem betalar parkeringen?",), "Testcentralen betalar (fiktivt).", (), "all")
    text = matcher.answer(Match(3, content, None, "Vem betalar parkeringen?", 1.0, 1.0, 1.0)).text
    assert text.endswith(f"Svar från processledaren, {dt.datetime.now(dt.UTC):%Y-%m-%d}.")


def test_whatever_the_core_decides_is_explained_in_swedish(core):
    question = "Vem sammankallar till lokala samverkansmöten?"
    trial = explain(question, core.consider(Question(question)), 0.66, link=core.citations.link)
    assert trial.kind in ("Citat ur källan", "Inget svar", "Uppgift ur registret")
    assert trial.level in ("hög", "medel", "låg") and trial.details
