"""A question typed without å/ä/ö is read by the embedding model as if typed with them
(index/diacritics.py), from the forms the texts use; the fictitious texts here stand in for the
sources and the written questions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.diacritics import DiacriticRestorer
from index.embedder import QueryEmbedder

TEXTS = [
    "Ersättningen räknas upp årligen för HÖK. Ersättningen betalas för uppdraget.",
    "Vem är samordnande vårdcentral i Tyresö? Vårdcentralen ansvarar för samverkan.",
    "När var mötet? Vår kommun var med. Mötet var i maj, och vår region var där.",
    "HÖK gäller för alla. Är det HÖK som gäller för kommunen? För vem gäller den?",
]
WORDS = ["tjänar", "undersköterska", "ros", "rös", "var", "vår"]  # a fictitious lookup table


def restorer() -> DiacriticRestorer:
    return DiacriticRestorer.learn(TEXTS, WORDS)


def test_words_typed_without_diacritics_are_written_as_the_texts_write_them():
    r = restorer()
    assert r.restore("hur ofta raknas ersattningen upp") == "hur ofta räknas ersättningen upp"
    assert r.restore("vem ar samordnande vardcentral i tyreso?") == "vem är samordnande vårdcentral i tyresö?"
    assert r.restore("Ersattningen for uppdraget") == "Ersättningen för uppdraget"


def test_an_abbreviation_the_texts_write_in_capitals_keeps_them():
    assert restorer().restore("vad galler enligt hok") == "vad gäller enligt HÖK"


def test_a_word_the_texts_use_as_typed_about_as_often_is_left_alone():
    # "var" is written as often as "vår": the question may mean either.
    assert restorer().restore("nar var motet") == "när var mötet"


def test_a_word_the_texts_never_use_takes_its_only_form_in_the_lookup_table():
    r = restorer()
    assert r.restore("vad tjanar en underskoterska") == "vad tjänar en undersköterska"
    assert r.restore("en ros") == "en ros"  # a word itself, whatever else folds to it


def test_text_with_diacritics_digits_and_unknown_words_is_left_as_typed():
    r = restorer()
    for text in ("Vem är GSA i Farsta?", "konto 220, 3 266 000 kr", "xyzzy qwerty", ""):
        assert r.restore(text) == text


class Recording:
    """A stand-in model that records what it is asked to embed."""

    model_id = "recording"
    dimension = 4

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.ones((len(texts), 4), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 4), np.float32)


def test_queries_are_restored_before_they_are_embedded_and_passages_are_not():
    model = Recording()
    embedder = QueryEmbedder(model, restore=restorer().restore)  # type: ignore[arg-type]
    embedder.embed_queries(["nar raknas ersattningen upp?"])
    embedder.embed_passages(["ersattningen"])
    assert model.seen == ["när räknas ersättningen upp?"]
