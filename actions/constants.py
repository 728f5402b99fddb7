"""Names shared with the Rasa project in bot/ (intents, actions)."""

ACTION_ANSWER_FROM_SOURCES = "action_answer_from_sources"

INTENT_OUT_OF_SCOPE = "out_of_scope"
INTENT_NLU_FALLBACK = "nlu_fallback"
