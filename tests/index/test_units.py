"""Answer units and what an answer quotes of them, with the context they need, and the value it
leads with, on a small fictitious corpus with the fake embedder."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index import store
from index.analysis import SwedishAnalyzer
from index.answer_types import AnswerType, values
from index.definitions import find_definitions
from index.quote import quoted
from index.retriever import Retriever
from index.units import AnchorError, anchored, units_of
from knowledge.questions import anchor_key, load_corpus
from tests.conftest import FICTITIOUS_QUESTIONS

DOC = """---
id: lasdok
title: Fiktiv läsöverenskommelse
issuer: Testförbundet (fiktivt)
date: 2099-01-01
region: stockholm
source: lasdok.txt
---

## Uppföljning

Parterna i Testby följer upp överenskommelsen i en gemensam dialog om samverkan i Testby.
Dialogen om överenskommelsen sker varje år.

## Ersättning

Testcentralen får ersättning från Testregionen för uppdraget i Testby och Testland.
Ersättningen för uppdraget är 100 000 kronor per år.

## Ikraftträdande

Överenskommelsen om uppdraget godkändes av testnämnden i Testregionen efter beredning.
Den träder i kraft den 1 mars 2099.

## Testfunktionen

Testfunktionen ska:

- vara kontaktperson för andra aktörer,
- delta i lokala samverkansmöten,
- föra frågor till och från verksamheterna.

En gemensam samordnad testplan (STP) upprättas alltid för varje person i Testby.
"""


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    from tests.conftest import FakeEmbedder

    tmp = tmp_path_factory.mktemp("reader")
    sources = tmp / "sources"
    sources.mkdir()
    (sources / "lasdok.md").write_text(DOC, encoding="utf-8")
    embedder = FakeEmbedder()
    store.build(sources, tmp / "build", embedder, "fake-embedder")
    stored = store.load(sources, tmp / "build", "fake-embedder")
    return Retriever(stored, embedder, SwedishAnalyzer())


def _index(units, text: str) -> int:
    return next(i for i, u in enumerate(units) if u.text.startswith(text))


def test_units_are_sentences_and_a_list_with_its_lead_in(retriever):
    units = units_of(retriever.stored.chunks)
    texts = [u.text for u in units]
    assert "Dialogen om överenskommelsen sker varje år." in texts
    assert any(
        t.startswith("Testfunktionen ska:\n- vara kontaktperson") and t.endswith("verksamheterna.")
        for t in texts
    )
    assert len({u.id for u in units}) == len(units)
    assert units_of(retriever.stored.chunks) == units  # stable ids: the same text, the same id


def test_written_questions_are_anchored_by_their_units_text(retriever):
    units = units_of(retriever.stored.chunks)
    corpus = load_corpus(FICTITIOUS_QUESTIONS)
    found = anchored(units, corpus, ["lasdok"])
    # An anchor is the unit's text, whitespace aside (a list's lines may be written as one).
    assert {anchor_key(u.text) for u in found.values()} == {
        a.text for a in corpus.units if a.doc_id == "lasdok"
    }


def test_an_anchor_that_no_longer_matches_fails_naming_its_file(retriever, tmp_path):
    changed = tmp_path / "questions"
    changed.mkdir()
    text = (FICTITIOUS_QUESTIONS / "lasdok.yaml").read_text(encoding="utf-8")
    (changed / "lasdok.yaml").write_text(
        text.replace("sker varje år", "sker varannan vecka"), encoding="utf-8"
    )
    with pytest.raises(AnchorError, match=r"lasdok\.yaml: 'Dialogen om överenskommelsen sker varannan vecka"):
        anchored(units_of(retriever.stored.chunks), load_corpus(changed), ["lasdok"])


def test_a_sentence_that_refers_back_is_quoted_with_the_one_before(retriever):
    units = units_of(retriever.stored.chunks)
    best = _index(units, "Den träder i kraft")
    chosen = quoted(units, best, np.zeros(len(units)), AnswerType.DATE)
    assert [units[i].text for i in chosen] == [units[best - 1].text, units[best].text]


def test_a_neighbour_holding_the_kind_asked_for_is_quoted_too(retriever):
    units = units_of(retriever.stored.chunks)
    best = _index(units, "Testcentralen får ersättning")
    chosen = quoted(units, best, np.zeros(len(units)), AnswerType.AMOUNT)
    assert "100 000 kronor" in " ".join(units[i].text for i in chosen)
    # Asked for nothing in particular, the best unit stands alone.
    assert quoted(units, best, np.zeros(len(units)), AnswerType.OTHER) == [best]


def test_a_unit_nearly_as_likely_as_the_best_is_quoted_beside_it(retriever):
    units = units_of(retriever.stored.chunks)
    best = _index(units, "Parterna i Testby")
    probabilities = np.zeros(len(units))
    probabilities[best], probabilities[best + 1] = 0.5, 0.3
    assert quoted(units, best, probabilities, AnswerType.OTHER) == [best, best + 1]
    probabilities[best + 1] = 0.1
    assert quoted(units, best, probabilities, AnswerType.OTHER) == [best]


def test_a_likely_unit_elsewhere_in_the_document_holding_the_kind_asked_for_is_quoted_too(retriever):
    units = units_of(retriever.stored.chunks)
    best = _index(units, "Överenskommelsen om uppdraget godkändes")
    paid = _index(units, "Ersättningen för uppdraget är")
    probabilities = np.zeros(len(units))
    probabilities[best], probabilities[paid] = 0.5, 0.3
    assert quoted(units, best, probabilities, AnswerType.AMOUNT) == sorted([best, paid])
    probabilities[paid] = 0.1  # far less likely: not quoted
    assert paid not in quoted(units, best, probabilities, AnswerType.AMOUNT)


def test_the_runner_up_of_the_same_document_is_quoted_when_the_ranker_is_unsure(retriever):
    units = units_of(retriever.stored.chunks)
    best = _index(units, "Parterna i Testby")
    paid = _index(units, "Ersättningen för uppdraget är")  # another section of the document
    probabilities = np.zeros(len(units))
    probabilities[best], probabilities[paid] = 0.5, 0.2
    assert quoted(units, best, probabilities, AnswerType.OTHER, runner_up=0.3) == sorted([best, paid])
    # Less than that share as likely, or by default, the best unit stands alone.
    assert quoted(units, best, probabilities, AnswerType.OTHER, runner_up=0.5) == [best]
    assert quoted(units, best, probabilities, AnswerType.OTHER) == [best]
    # A runner-up from another document is not quoted: the reply names one document.
    elsewhere = [replace(u, doc_id="annan") if i == paid else u for i, u in enumerate(units)]
    assert quoted(elsewhere, best, probabilities, AnswerType.OTHER, runner_up=0.3) == [best]


@pytest.mark.parametrize(
    ("kind", "sentence", "found"),
    [
        (AnswerType.DATE, "Den träder i kraft den 1 mars 2099.", ["1 mars 2099"]),
        (AnswerType.DATE, "Beslut i juni 2019 och i januari 2020.", ["juni 2019", "januari 2020"]),
        (AnswerType.AMOUNT, "Ersättningen för uppdraget är 100 000 kronor per år.", ["100 000 kronor"]),
        (AnswerType.FREQUENCY, "Möten fyra ggr/år.", ["fyra ggr/år"]),
        (AnswerType.FREQUENCY, "Dialogen om överenskommelsen sker varje år.", ["varje år"]),
        (
            AnswerType.CONTACT,
            "Anmälan sker till test.person@example.se senast i maj.",
            ["test.person@example.se"],
        ),
        (AnswerType.OTHER, "Testcentralen sammankallar.", []),
    ],
)
def test_the_value_an_answer_leads_with_is_found_as_written(kind, sentence, found):
    assert values(kind, sentence) == found


def test_the_sources_define_their_own_abbreviations(retriever):
    definitions = find_definitions(retriever.stored.chunks)
    assert definitions["stp"].long_form == "samordnad testplan"
    assert definitions["stp"].section == "Testfunktionen"
    assert "vis" not in definitions


def test_only_the_given_documents_are_searched(retriever):
    assert retriever.search("ersättning", docs=frozenset({"lasdok"})).hits
    assert retriever.search("ersättning", docs=frozenset({"annat"})).hits == ()
