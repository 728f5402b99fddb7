"""Names shared with the Rasa project in bot/ (intents, actions)."""

ACTION_ANSWER_FROM_SOURCES = "action_answer_from_sources"

INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
INTENT_UNSURE = "unsure"

# Quick-reply payloads of the offer to pass an unanswered question on.
PAYLOAD_PASS_ON = "/affirm"
PAYLOAD_DENY = "/deny"

INTENT_OUT_OF_SCOPE = "out_of_scope"
INTENT_NLU_FALLBACK = "nlu_fallback"

ACTION_ANSWER_COORDINATOR = "action_answer_coordinator"
ACTION_CHECK_MOBILE_TEAM = "action_check_mobile_team"
ACTION_VALIDATE_AREA_FORM = "validate_area_form"

INTENT_ASK_GSA = "ask_gsa"
INTENT_ASK_KSA = "ask_ksa"
INTENT_ASK_CONVENER = "ask_convener"

SLOT_AREA = "area"
SLOT_AREA_MATCHED = "area_matched"
SLOT_ROLE = "coordinator_role"
SLOT_MOBILE_TEAM = "mobile_team_assessment"
SLOT_MOBILE_TEAM_ASKED = "mobile_team_asked"
