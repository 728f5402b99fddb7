"""All Swedish wording the knowledge actions and the API use, in one place."""

from __future__ import annotations

SOURCE_LINE = "Källa: {title}{section}."
SOURCE_SECTION = ", avsnittet ”{section}”"

ABSTAIN = (
    "Jag hittar inget svar på det i samverkansöverenskommelserna. "
    "Jag svarar bara på frågor om överenskommelserna om hälsa, vård och omsorg, "
    "till exempel HÖK, samordnande vårdcentral (GSA) och kommunens samordnande funktion (KSA)."
)
ABSTAIN_OFFER = "Vill du att jag skickar frågan vidare till processledaren?"
NOT_UNDERSTOOD = (
    "Jag förstod inte riktigt. Skriv din fråga med några ord, till exempel "
    "”Vem sammankallar till lokal samverkan?” eller ”Hur följs HÖK upp?”."
)
TOO_LONG = "Din fråga var mycket lång, så jag har bara läst början av den."
BUTTON_PASS_ON = "Ja, skicka vidare"
BUTTON_NO_THANKS = "Nej tack"
PASSED_ON = (
    "Tack! Jag har skickat frågan vidare till processledaren, som går igenom frågor jag inte kunde svara på."
)
NOT_PASSED_ON = "Okej, då låter jag bli. Ställ gärna en annan fråga om överenskommelserna."
NOTHING_TO_CONFIRM = "Jag är inte säker på vad du svarar på. Skriv gärna din fråga om överenskommelserna."

# API and chat page messages.
EMPTY_MESSAGE = "Meddelandet är tomt. Skriv en fråga."
MESSAGE_TOO_LONG = "Meddelandet är för långt. Skriv högst {limit} tecken."
BAD_REQUEST = "Förfrågan kunde inte tolkas."
ASSISTANT_UNREACHABLE = "Assistenten går inte att nå just nu. Försök igen om en stund."
INDEX_UNAVAILABLE = "Sökindexet är inte tillgängligt just nu. Försök igen om en stund."
HTTP_ERRORS = {
    400: BAD_REQUEST,
    404: "Sidan eller resursen finns inte.",
    405: "Metoden stöds inte här.",
}


def source_line(title: str, section: str) -> str:
    return SOURCE_LINE.format(title=title, section=SOURCE_SECTION.format(section=section) if section else "")
