"""The reader picks the sentences that answer the question asked, with the context they need,
on a small fictitious corpus with the fake embedder."""

from __future__ import annotations

import pytest

from index import store
from index.analysis import SwedishAnalyzer
from index.definitions import find_definitions
from index.reader import Reader
from index.retriever import Retriever

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
def reader_and_retriever(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import FakeEmbedder

    tmp = tmp_path_factory.mktemp("reader")
    sources = tmp / "sources"
    sources.mkdir()
    (sources / "lasdok.md").write_text(DOC, encoding="utf-8")
    embedder = FakeEmbedder()
    store.build(sources, tmp / "build", embedder, "fake-embedder")
    stored = store.load(sources, tmp / "build", "fake-embedder")
    analyzer = SwedishAnalyzer()
    retriever = Retriever(stored, embedder, analyzer)
    return Reader(stored, analyzer, retriever.bm25), retriever


def _read(pair, question: str):
    reader, retriever = pair
    reading = reader.read(retriever.search(question))
    assert reading is not None
    return reading


def test_a_how_often_question_gets_the_sentence_with_the_frequency(reader_and_retriever):
    reading = _read(reader_and_retriever, "Hur ofta följer parterna upp överenskommelsen?")
    assert any("varje år" in s for s in reading.sentences)
    assert reading.section == "Uppföljning"


def test_a_how_much_question_gets_the_amount(reader_and_retriever):
    reading = _read(reader_and_retriever, "Hur mycket ersättning får testcentralen?")
    assert any("100 000 kronor" in s for s in reading.sentences)
    assert reading.section == "Ersättning"


def test_a_date_question_gets_the_sentence_with_the_date_too(reader_and_retriever):
    reading = _read(reader_and_retriever, "När godkändes överenskommelsen om uppdraget av testnämnden?")
    assert any("1 mars 2099" in s for s in reading.sentences)


def test_a_list_is_quoted_whole_with_its_lead_in(reader_and_retriever):
    reading = _read(reader_and_retriever, "Ska testfunktionen delta i lokala samverkansmöten?")
    (quoted,) = [s for s in reading.sentences if s.startswith("Testfunktionen ska:")]
    assert quoted.count("\n- ") == 3


def test_a_number_asked_for_that_no_sentence_holds_is_marked_missing(reader_and_retriever):
    reading = _read(reader_and_retriever, "Vilket telefonnummer har testcentralen?")
    assert reading.strict and not reading.type_support and reading.strict_type_missing
    found = _read(reader_and_retriever, "Hur mycket ersättning får testcentralen?")
    assert found.strict and not found.strict_type_missing


def test_a_count_of_what_the_sources_never_mention_is_marked_missing(reader_and_retriever):
    # "100 000" stands in a sentence about Testcentralen, but the sources count no employees.
    reading = _read(reader_and_retriever, "Hur många anställda har testcentralen?")
    assert reading.strict_type_missing


def test_the_sources_define_their_own_abbreviations(reader_and_retriever):
    reader, _ = reader_and_retriever
    definitions = find_definitions(reader.stored.chunks)
    assert definitions["stp"].long_form == "samordnad testplan"
    assert definitions["stp"].section == "Testfunktionen"
    assert "vis" not in definitions


def test_only_the_given_documents_are_searched(reader_and_retriever):
    _, retriever = reader_and_retriever
    assert retriever.search("ersättning", docs=frozenset({"lasdok"})).hits
    assert retriever.search("ersättning", docs=frozenset({"annat"})).hits == ()
