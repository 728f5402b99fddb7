"""The mobile care team form's actions through the action webhook, as Rasa calls them: the
validation reads descriptions and replies into the criterion slots and decides what is still
asked; the ask actions ask one criterion; the verdict ends it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from actions.core import mobile_team
from tests.api.test_app import client  # noqa: F401 - the module's app (the rules cite the real sources)

FORM = "mobile_team_form"
DOMAIN = {
    "version": "3.1",
    "intents": ["ask_mobile_team_eligibility", "affirm", "deny", "unsure", "ask_agreement"],
    "slots": {slot: {"type": "text", "mappings": [{"type": "custom"}]} for slot in mobile_team.SLOTS},
    "forms": {FORM: {"required_slots": list(mobile_team.SLOTS)}},
    "responses": {},
    "actions": [],
}


def call(
    action: str, text: str, intent: str, slots: dict | None = None, requested: str | None = None
) -> dict:
    return {
        "next_action": action,
        "sender_id": "test-user",
        "version": "3.6.21",
        "domain": DOMAIN,
        "tracker": {
            "sender_id": "test-user",
            "slots": {**(slots or {}), "requested_slot": requested},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []},
            "events": [{"event": "user", "text": text}],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": FORM},
            "latest_action_name": "action_listen",
        },
    }


def _slots(body: dict) -> dict:
    return {e["name"]: e["value"] for e in body["events"] if e.get("event") == "slot"}


def _texts(body: dict) -> list[str]:
    return [r["text"] for r in body["responses"] if r.get("text")]


def test_a_description_fills_what_it_says_and_the_next_unknown_criterion_is_requested(
    client: TestClient,  # noqa: F811
):
    body = client.post(
        "/webhook",
        json=call(
            "validate_mobile_team_form",
            "Uppfyller en brukare på 81 år med hemsjukvård och fem kroniska diagnoser kriterierna?",
            "ask_mobile_team_eligibility",
        ),
    ).json()
    slots = _slots(body)
    assert slots["criterion_age"] == "met" and slots["criterion_home_care"] == "met"
    assert slots["criterion_chronic_diagnoses"] == "met"
    assert slots["requested_slot"] == "criterion_hospital_admissions"
    assert "3 av de sex kriterierna" in _texts(body)[0]


def test_a_general_question_requests_nothing_and_the_verdict_action_gives_the_rule(
    client: TestClient,  # noqa: F811
):
    body = client.post(
        "/webhook",
        json=call(
            "validate_mobile_team_form",
            "Vilka kriterier gäller för mobilt vårdteam?",
            "ask_mobile_team_eligibility",
        ),
    ).json()
    assert _slots(body) == {"requested_slot": None}
    verdict = client.post(
        "/webhook", json=call("action_mobile_team_verdict", "Vilka kriterier?", "ask_mobile_team_eligibility")
    ).json()
    assert "fyra av sex kriterier" in _texts(verdict)[0]
    assert verdict["responses"][1]["custom"]["answer"]["kind"] == "rule"


def test_a_yes_answers_the_criterion_asked_and_decides(client: TestClient):  # noqa: F811
    slots = {"criterion_age": "met", "criterion_home_care": "met", "criterion_chronic_diagnoses": "met"}
    body = client.post(
        "/webhook",
        json=call(
            "validate_mobile_team_form", "ja", "affirm", slots, requested="criterion_hospital_admissions"
        ),
    ).json()
    new = _slots(body)
    assert new["criterion_hospital_admissions"] == "met" and new["requested_slot"] is None
    decided = {**slots, "criterion_hospital_admissions": "met"}
    verdict = client.post("/webhook", json=call("action_mobile_team_verdict", "ja", "affirm", decided)).json()
    assert "Minst fyra av sex kriterier är uppfyllda" in _texts(verdict)[0]


def test_dont_know_moves_on_to_the_next_criterion_with_a_note(client: TestClient):  # noqa: F811
    slots = {"criterion_age": "met", "criterion_home_care": "met", "criterion_chronic_diagnoses": "met"}
    body = client.post(
        "/webhook",
        json=call(
            "validate_mobile_team_form",
            "vet inte",
            "unsure",
            slots,
            requested="criterion_hospital_admissions",
        ),
    ).json()
    new = _slots(body)
    assert new["criterion_hospital_admissions"] == "unknown"
    assert new["requested_slot"] == "criterion_medications"
    assert _texts(body)[0].startswith("Noterat: ? inlagd på sjukhus")


def test_an_unclear_reply_is_asked_again_and_a_new_question_rejects_the_form(client: TestClient):  # noqa: F811
    slots = {"criterion_age": "met"}
    unclear = client.post(
        "/webhook",
        json=call("validate_mobile_team_form", "hmm", "nlu_fallback", slots, requested="criterion_home_care"),
    ).json()
    assert _slots(unclear)["mobile_team_retries"] == 1
    assert _texts(unclear) == ["Jag förstod inte svaret. Svara ja, nej eller vet inte."]
    question = client.post(
        "/webhook",
        json=call(
            "validate_mobile_team_form",
            "Vem är GSA i Farsta?",
            "ask_gsa",
            slots,
            requested="criterion_home_care",
        ),
    ).json()
    # Nothing was filled: Rasa rejects the form and the rules answer the question instead.
    assert set(_slots(question)) <= {"requested_slot"} and _texts(question) == []


def test_the_ask_action_asks_one_criterion_with_buttons_and_cites_the_routine(client: TestClient):  # noqa: F811
    body = client.post(
        "/webhook",
        json=call(
            "action_ask_criterion_home_care", "81 år", "ask_mobile_team_eligibility", {"criterion_age": "met"}
        ),
    ).json()
    first = body["responses"][0]
    assert first["text"].endswith("Har personen hemsjukvård?")
    assert [b["title"] for b in first["buttons"]] == ["Ja", "Nej", "Vet inte"]
    (source,) = {s["doc"] for s in body["responses"][1]["custom"]["answer"]["sources"]}
    assert source == "skane-samverkan-rutin"


def test_the_reset_before_a_new_questioning_forgets_the_old_criteria(client: TestClient):  # noqa: F811
    body = client.post(
        "/webhook", json=call("action_mobile_team_reset", "mobilt team?", "ask_mobile_team_eligibility")
    ).json()
    slots = _slots(body)
    assert all(slots[s] is None for s in mobile_team.SLOTS) and slots["mobile_team_retries"] == 0


def test_a_malformed_criterion_value_is_dropped_by_validation(client: TestClient):  # noqa: F811
    request = call(
        "validate_mobile_team_form", "ja", "affirm", {"criterion_age": "met"}, "criterion_home_care"
    )
    # A value that no extraction gives, as a crafted call could send it: validated away.
    request["tracker"]["events"].append({"event": "slot", "name": "criterion_medications", "value": "kanske"})
    body = client.post("/webhook", json=request).json()
    slots = _slots(body)
    assert slots["criterion_home_care"] == "met" and slots.get("criterion_medications", None) is None
