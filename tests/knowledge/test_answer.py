import pytest

from knowledge.answer import Answer, AnswerKind, SourceRef

SOURCE = SourceRef("hok-oversikt", "Titel", "Uppföljning", "HÖK följs upp årligen.")


def test_payload_has_the_contract_fields():
    answer = Answer(AnswerKind.PASSAGE, "HÖK följs upp årligen.", (SOURCE,), 0.8123, None)
    payload = answer.payload()
    assert set(payload) == {"answer"}
    a = payload["answer"]
    assert a["kind"] == "passage"
    assert a["sources"] == [
        {
            "doc": "hok-oversikt",
            "title": "Titel",
            "section": "Uppföljning",
            "excerpt": "HÖK följs upp årligen.",
        }
    ]
    assert a["confidence"] == 0.812
    assert a["area"] is None


def test_abstain_and_clarify_may_have_no_sources():
    assert Answer(AnswerKind.ABSTAIN, "Inget svar.").payload()["answer"]["sources"] == []
    assert Answer(AnswerKind.CLARIFY, "Vilken kommun?").payload()["answer"]["kind"] == "clarify"


@pytest.mark.parametrize(
    "kind", [AnswerKind.PASSAGE, AnswerKind.REGISTRY, AnswerKind.RULE, AnswerKind.CURATED]
)
def test_factual_answers_must_cite(kind):
    with pytest.raises(ValueError):
        Answer(kind, "Ett påstående utan källa.")


def test_confidence_bounds():
    with pytest.raises(ValueError):
        Answer(AnswerKind.ABSTAIN, "x", confidence=1.5)
