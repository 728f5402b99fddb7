"""The web widget's server side with the real servers: redaction before Rasa, and feedback."""

from __future__ import annotations

import pytest

from knowledge.feedback import FeedbackSource, FeedbackStore
from knowledge.inbox import Inbox
from tests.conversation.conftest import answer_of, text_of
from tests.fictitious import fictitious_id, identity_numbers_in

pytestmark = pytest.mark.integration

PNR = "19850709-9805"
PLACEHOLDER = "[personnummer borttaget]"


def test_a_personnummer_never_reaches_rasa_or_the_inbox(assistant):
    sender = fictitious_id("widget-")
    status, replies = assistant.chat(
        {"sender": sender, "message": f"Vad blir det för väder i helgen för {PNR}?"}
    )
    assert status == 200
    assert answer_of(replies)["kind"] == "abstain" and "skickar frågan vidare" in text_of(replies)

    status, replies = assistant.chat({"sender": sender, "message": "ja"})
    assert status == 200 and "skickat frågan vidare" in text_of(replies)

    passed_on = [q for q in Inbox(assistant.database_url).list() if "väder i helgen" in q.question]
    assert [q.question for q in passed_on] == [f"Vad blir det för väder i helgen för {PLACEHOLDER}?"]
    assert passed_on[0].conversation != sender  # Rasa's id of the conversation, bound to this client
    tracker = (assistant.log_dir / "tracker.db").read_bytes()  # Rasa's SQLite tracker store
    assert PLACEHOLDER.encode() in tracker
    assert identity_numbers_in(tracker, [PNR]) == []


def test_a_question_with_a_personnummer_is_still_answered(assistant):
    status, replies = assistant.chat(
        {"sender": fictitious_id("widget-"), "message": "Hur följs HÖK upp? Det gäller 850709-9805."}
    )
    assert status == 200 and answer_of(replies)["sources"][0]["doc"] == "hok-oversikt"


def test_feedback_is_stored_redacted_and_readable_by_the_process_lead(assistant):
    sender = fictitious_id("widget-")
    status, replies = assistant.chat({"sender": sender, "message": "Hur följs HÖK upp?"})
    answer = answer_of(replies)
    feedback = {
        "conversation": sender,
        "question": "Hur följs HÖK upp?",
        "answer": text_of(replies),
        "kind": answer["kind"],
        "sources": answer["sources"],  # as the payload has them, excerpt and all
        "rating": "down",
        "comment": f"Gäller det även {PNR}?",
    }
    status, body = assistant.post("/api/feedback", feedback)
    assert status == 201 and body == {"id": body["id"], "status": "sparad"}

    stored = next(f for f in FeedbackStore(assistant.database_url).list(100) if f.id == body["id"])
    assert stored.conversation == sender and stored.rating == "down" and stored.kind == answer["kind"]
    assert stored.answer == text_of(replies).strip()
    assert stored.comment == f"Gäller det även {PLACEHOLDER}?"
    assert stored.sources == tuple(
        FeedbackSource(s["doc"], s["title"], s["section"]) for s in answer["sources"]
    )

    status, body = assistant.post("/api/feedback", {**feedback, "rating": "kanske"})
    assert status == 422 and "betyget" in body["detail"]
