"""All Swedish wording the knowledge actions and the API use, in one place."""

from __future__ import annotations

from actions.constants import PAYLOAD_DENY, PAYLOAD_PASS_ON

SOURCE_LINE = "Källa: {title}{section}."
SOURCE_SECTION = ", avsnittet ”{section}”"
SOURCE_SECTIONS = ", avsnitten {sections}"

# Curated answers (written by the process lead) that rest on no passage of the sources.
CURATOR_TITLE = "Svar från processledaren"
CURATOR_DATED = "Svar från processledaren, {date}"  # the source shown for it: no section, no link

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
PASS_ON_BUTTONS = ((BUTTON_PASS_ON, PAYLOAD_PASS_ON), (BUTTON_NO_THANKS, PAYLOAD_DENY))
PASSED_ON = (
    "Tack! Jag har skickat frågan vidare till processledaren, som går igenom frågor jag inte kunde svara på."
)
NOT_PASSED_ON = "Okej, då låter jag bli. Ställ gärna en annan fråga om överenskommelserna."
NOTHING_TO_CONFIRM = "Jag är inte säker på vad du svarar på. Skriv gärna din fråga om överenskommelserna."
PASS_ON_FAILED = (
    "Jag kunde tyvärr inte spara frågan just nu, så den har inte skickats vidare. "
    "Försök igen om en stund, eller kontakta processledaren direkt."
)

# A reply that leads with the one value asked for (a date, an amount, a frequency, an address).
PRECISE = "Kort svar: {value}."

# Definitions of abbreviations, from the sources' own "long form (X)".
DEFINITION = "{abbreviation} står för {long_form}."
NO_DEFINITION = (
    "Överenskommelserna använder förkortningen {abbreviation} men förklarar den inte, "
    "så jag kan inte säga vad den står för."
)
OTHER_REGION = (
    "Jag har bara överenskommelserna för Stockholms län och Skåne, inte för {region}, "
    "så jag kan inte svara på frågor om samverkan där."
)

# API and chat page messages.
EMPTY_MESSAGE = "Meddelandet är tomt. Skriv en fråga."
MESSAGE_TOO_LONG = "Meddelandet är för långt. Skriv högst {limit} tecken."
BAD_REQUEST = "Förfrågan kunde inte tolkas."
ADMIN_INVALID_FIELDS = "Fel i förfrågan: kontrollera {fields} (saknas, har fel typ eller är för långt)."
ASSISTANT_UNREACHABLE = "Assistenten går inte att nå just nu. Försök igen om en stund."
ASSISTANT_FAILED = (
    "Assistenten kunde inte svara på det här just nu: en del av tjänsten svarar inte. "
    "Försök igen om en stund."
)
RATE_LIMITED = "Du har skickat många frågor på kort tid. Vänta {seconds} sekunder och försök igen."
CHAT_NOT_JSON = "Meddelandet ska skickas som JSON (Content-Type: application/json)."
CHAT_INVALID = (
    "Meddelandet kunde inte tolkas. Skicka ett JSON-objekt med texterna ”sender” "
    "(högst 128 tecken: bokstäver, siffror, - _ . :) och ”message”."
)
WEBHOOK_UNAUTHORIZED = "Bara Rasa-servern får anropa åtgärdsslutpunkten."
WEBHOOK_INVALID = "Åtgärdsanropet kunde inte tolkas: {problem}."
TEAMS_OFF = "Microsoft Teams är inte påslaget i den här tjänsten."
TEAMS_TOO_LARGE = "Meddelandet från Teams är för stort."
INDEX_UNAVAILABLE = "Sökindexet är inte tillgängligt just nu. Försök igen om en stund."
HTTP_ERRORS = {
    400: BAD_REQUEST,
    404: "Sidan eller resursen finns inte.",
    401: "Du behöver logga in (eller ange en giltig API-nyckel).",
    403: "Du har inte behörighet till det här.",
    405: "Metoden stöds inte här.",
    409: "Uppgiften har ändrats av någon annan. Ladda om och försök igen.",
}

# Feedback on answers (the chat widget's thumbs up and down), POST /api/feedback.
FEEDBACK_SAVED = "sparad"
FEEDBACK_NOT_JSON = "Återkopplingen ska skickas som JSON (Content-Type: application/json)."
FEEDBACK_NOT_AN_OBJECT = "Återkopplingen kunde inte tolkas. Skicka ett JSON-objekt."
FEEDBACK_INVALID = "Återkopplingen kunde inte tolkas. Kontrollera {fields}."
FEEDBACK_FIELDS = {
    "conversation": "samtals-id (conversation: 1–128 tecken, bokstäver, siffror och - _ . :)",
    "question": "frågan (question: text)",
    "answer": "svaret (answer: text)",
    "kind": "svarstypen (kind: registry, rule, passage, curated, clarify eller abstain)",
    "sources": "källorna (sources: en lista med doc, title och section)",
    "rating": "betyget (rating: up eller down)",
    "comment": "kommentaren (comment: text eller null)",
}
FEEDBACK_TOO_LONG = {
    "question": "Frågan är för lång för att sparas (högst {limit} tecken).",
    "answer": "Svaret är för långt för att sparas (högst {limit} tecken).",
    "comment": "Kommentaren är för lång. Skriv högst {limit} tecken.",
    "sources": "En källa har för lång text för att sparas (högst {limit} tecken).",
}
FEEDBACK_TOO_MANY_SOURCES = "Återkopplingen har för många källor. Skicka högst {limit}."
FEEDBACK_UNAVAILABLE = "Återkopplingen kunde inte sparas just nu. Försök igen om en stund."


def source_line(title: str, section: str, *more: str) -> str:
    """The source line, "Källa: <title>, avsnittet ”<section>”.", naming each section quoted."""
    sections = [s for s in dict.fromkeys((section, *more)) if s]
    if len(sections) > 1:
        named = SOURCE_SECTIONS.format(sections=" och ".join(f"”{s}”" for s in sections))
    else:
        named = SOURCE_SECTION.format(section=sections[0]) if sections else ""
    return SOURCE_LINE.format(title=title, section=named)


# Structured answers: coordinating functions (GSA/KSA) and conveners.
ASK_AREA = "Vilken kommun eller stadsdel gäller det?"
UNDERSTOOD_AS = "Jag tolkar ”{matched}” som {name}."
ROLE_NAMES = {"gsa": "samordnande vårdcentral (GSA)", "ksa": "kommunens samordnande funktion (KSA)"}
ASK_DISTRICT = {
    "gsa": (
        "I Stockholms stad har varje stadsdelsområde en egen samordnande vårdcentral (GSA). "
        "Vilket stadsdelsområde gäller det?"
    ),
    "ksa": (
        "I Stockholms stad sker den lokala samverkan i stadsdelarna, med samordnande funktion där. "
        "Vilket stadsdelsområde gäller det?"
    ),
}
SKANE_AREA = "{name} ligger i Skåne, där Skånes rutin för samverkan gäller i stället för HÖK."
NONE_REGISTERED = {
    "gsa": "Det finns ingen samordnande vårdcentral (GSA) för {name} ({kind}) registrerad hos mig ännu.",
    "ksa": "Det finns ingen samordnande funktion (KSA) för {name} ({kind}) registrerad hos mig ännu.",
}
REGISTERED = {
    "gsa": "Samordnande vårdcentral (GSA) för {name}: {holder}.",
    "ksa": "Kommunens samordnande funktion (KSA) för {name}: {holder}.",
}
REGISTERED_UNIT = "Enhet: {unit}."
REGISTERED_CONTACT = "Kontakt: {contact}."
REGISTERED_VALID_FROM = "Gäller från {date}."
REGISTERED_ON = "Registrerat {date}."  # never who: staff user names stay in the workspace
REGISTERED_NOTE = "Anmärkning: {note}."
RULE_BACKGROUND = "Så gäller enligt överenskommelserna:"
UNKNOWN_AREA = (
    "Jag hittar inget område som heter ”{name}” i registret. Jag känner till kommunerna i Stockholms län "
    "och Skåne samt stadsdelsområdena i Stockholms stad. Skriv till exempel ”Vem är GSA i Farsta?” "
    "eller ”Vem är KSA i Huddinge?”."
)

# Mobile care team (Skåne) criteria.
CRITERIA_COUNT = "Enligt det du beskriver är {met} av de sex kriterierna för mobilt vårdteam uppfyllda."
CRITERION_MET = "✔ {label}"
CRITERION_NOT_MET = "✘ {label}"
CRITERIA_FULFILLED = "Minst fyra av sex kriterier är uppfyllda."
CRITERIA_NOT_FULFILLED = "Fyra av sex kriterier kan inte uppfyllas med det du beskriver."
CRITERION_UNKNOWN = "? {label} (okänt)"
CRITERIA_UNDECIDED = "Det behövs {missing} till för att nå fyra av sex."
CRITERIA_STILL_OPEN = (
    "Det går inte att avgöra ännu: det behövs {missing} till, och det här är fortfarande okänt:"
)
CRITERION_NOTED = "Noterat: {finding}. Hittills är {met} av sex kriterier uppfyllda."
CRITERION_NOT_UNDERSTOOD = "Jag förstod inte svaret. Svara ja, nej eller vet inte."
BUTTON_YES = "Ja"
BUTTON_NO = "Nej"
BUTTON_UNSURE = "Vet inte"
NO_MEDICAL_ADVICE = "Jag räknar bara kriterierna; bedömningen görs av kommunen och regionen tillsammans."
WHAT_ABOUT_AREA = (
    "Vad vill du veta om {name}? Jag kan svara på vem som är samordnande vårdcentral (GSA) "
    "eller kommunens samordnande funktion (KSA)."
)
BUTTON_GSA_IN = "GSA i {name}"
BUTTON_KSA_IN = "KSA i {name}"
QUESTION_GSA_IN = "Vem är GSA i {name}?"
QUESTION_KSA_IN = "Vem är KSA i {name}?"
