"""A source no one has written questions for yet (a newly added agreement) is still answered from
its own text: the index is built, with the real model, from the question corpus without one
document's questions, and plain questions about that document are asked of the answering core."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.core.question import Question
from knowledge.answer import AnswerKind
from knowledge.settings import get_settings
from tests.bench.local import core_for_bench
from tests.bench.lodo import without

pytestmark = pytest.mark.integration

LEFT_OUT = "hok-oversikt"
QUESTIONS = [  # (question, words of the sentence that answers it)
    ("Hur ofta följs HÖK upp?", "årligen"),
    ("vem ansvarar for informationen i portalen", "Storsthlm ansvarar för informationen"),
    ("hur har kommunerna lämnat synpunkter på HÖK?", "tjänstemannaremiss"),
    ("Vad ska den enskilde få enligt HÖK:s mål?", "sömlös"),
]


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory):
    tmp: Path = tmp_path_factory.mktemp("new-source")
    settings = get_settings()
    left_out = settings.model_copy(
        update={
            "questions_dir": without(settings.questions_dir, LEFT_OUT, tmp / "questions"),
            "index_dir": tmp / "build",
        }
    )
    return core_for_bench(left_out)


def test_a_document_without_written_questions_is_answered_from_its_text(core):
    assert not (core.passages.engine.settings.questions_dir / f"{LEFT_OUT}.yaml").exists()
    wrong = {}
    for question, expected in QUESTIONS:
        answer = core.answer(Question(question))
        right = (
            answer.kind is AnswerKind.PASSAGE
            and expected.lower() in answer.text.lower()
            and LEFT_OUT in {s.doc for s in answer.sources}
        )
        if not right:
            wrong[question] = answer.text[:120]
    assert len(wrong) <= 1, wrong
