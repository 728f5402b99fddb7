"""What the channels say themselves, in Swedish (the bot's own replies live in the domain)."""

ASSISTANT_FAILED = (
    "Assistenten kunde inte svara på det här just nu: en del av tjänsten svarar inte. "
    "Försök igen om en stund."
)
MESSAGE_TOO_LONG = "Meddelandet är för långt. Skriv högst {limit} tecken."
EMPTY_MESSAGE = "Meddelandet är tomt. Skriv en fråga."
UNAUTHORIZED = "Rasa-servern svarar bara kunskapstjänsten (HÖK-assistentens ingång)."
INVALID = "Meddelandet kunde inte tolkas. Skicka ett JSON-objekt med texterna ”sender” och ”message”."
NOT_READY = "Rasa-servern har inte laddat sin modell ännu."
