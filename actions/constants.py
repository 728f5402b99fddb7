"""Names shared with the Rasa project in bot/ (intents, slots, actions, payloads)."""

# Actions.
ACTION_ANSWER_FROM_SOURCES = "action_answer_from_sources"
ACTION_ANSWER_COORDINATOR = "action_answer_coordinator"
ACTION_VALIDATE_AREA_FORM = "validate_area_form"
ACTION_VALIDATE_MOBILE_TEAM_FORM = "validate_mobile_team_form"
ACTION_MOBILE_TEAM_VERDICT = "action_mobile_team_verdict"
ACTION_MOBILE_TEAM_RESET = "action_mobile_team_reset"
ACTION_ASK_CRITERION_PREFIX = "action_ask_"  # + the criterion's slot name
ACTION_PASS_ON = "action_pass_on"
ACTION_SMALL_TALK = "action_small_talk"

# Intents.
INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
INTENT_UNSURE = "unsure"
INTENT_OUT_OF_SCOPE = "out_of_scope"
INTENT_NLU_FALLBACK = "nlu_fallback"
INTENT_ASK_GSA = "ask_gsa"
INTENT_ASK_KSA = "ask_ksa"
INTENT_ASK_CONVENER = "ask_convener"
INTENT_ASK_MOBILE_TEAM = "ask_mobile_team_eligibility"
INTENT_INFORM_AREA = "inform_area"
# Small talk and the response each gets when it really is small talk.
SMALL_TALK_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_challenge": "utter_iamabot",
    "ask_capabilities": "utter_capabilities",
    # A yes, no or "vet inte" when the bot asked nothing (else the rules in pass_on.yml and the
    # forms take it): said so, unless it is a question after all ("varför just dom?").
    "affirm": "utter_nothing_to_confirm",
    "deny": "utter_nothing_to_confirm",
    "unsure": "utter_nothing_to_confirm",
}

# Quick-reply payloads of the offer to pass an unanswered question on.
PAYLOAD_PASS_ON = "/affirm"
PAYLOAD_DENY = "/deny"

# Slots.
SLOT_AREA = "area"
SLOT_AREA_MATCHED = "area_matched"
SLOT_ROLE = "coordinator_role"
SLOT_REQUESTED = "requested_slot"
SLOT_PREVIOUS_QUESTION = "previous_question"
SLOT_CONTEXT_UNIT = "context_unit"
SLOT_PASS_ON_OFFERED = "pass_on_offered"
SLOT_PASS_ON_QUESTION = "pass_on_question"
SLOT_MOBILE_TEAM_RETRIES = "mobile_team_retries"
