"""Names shared with the Rasa project in bot/ (intents, actions)."""

ACTION_ANSWER_FROM_SOURCES = "action_answer_from_sources"

INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"

# Quick-reply payloads of the offer to pass an unanswered question on.
PAYLOAD_PASS_ON = "/affirm"
PAYLOAD_DENY = "/deny"

INTENT_OUT_OF_SCOPE = "out_of_scope"
INTENT_NLU_FALLBACK = "nlu_fallback"
