"""What a question asks for, and whether a sentence holds an answer of that kind.

A question that asks *how often*, *when*, *how much*, *how many*, *who*, *where to write* or
*why* is answered by a sentence that holds a frequency, a date, an amount, a number, a person or
body, an address or a reason. The reader ranks such sentences above ones that merely share
words with the question, and abstains when a question of a strict kind (a figure, a date, an
address) finds no sentence of that kind at all.

Patterns work on folded text (lower case, å/ä→a, ö→o).
"""

from __future__ import annotations

import re
from enum import StrEnum

from knowledge.text import fold


class AnswerType(StrEnum):
    FREQUENCY = "frequency"
    DATE = "date"
    AMOUNT = "amount"
    COUNT = "count"
    PERSON = "person"  # who: a person, body, role or party
    NAMED_PERSON = "named_person"  # who holds a named post ("vem är ordförande"): a person's name
    CONTACT = "contact"  # an e-mail address, web address or portal
    IDENTIFIER = "identifier"  # a case number ("HSN 2020-1821"), an SOU number
    PHONE = "phone"
    REASON = "reason"
    DEFINITION = "definition"
    YES_NO = "yes_no"
    OTHER = "other"


# Kinds for which a passage without any answer of that kind cannot answer the question.
STRICT = frozenset(
    {
        AnswerType.FREQUENCY,
        AnswerType.DATE,
        AnswerType.AMOUNT,
        AnswerType.PHONE,
        AnswerType.IDENTIFIER,
        AnswerType.NAMED_PERSON,
    }
)
# Kinds whose marker is precise enough to weigh more than a shared word (a date, a figure).
PRECISE = STRICT | {AnswerType.COUNT, AnswerType.CONTACT}

_MONTHS = r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
_NUMBER_WORDS = (
    r"(?:en|ett|tva|tre|fyra|fem|sex|sju|atta|nio|tio|elva|tolv|tjugo|trettio|hundra|tusen"
    r"|\w+tal|dussin|flera|fler)"
)

# Posts held by a person whose name a "who is" question asks for. (Not "kontaktperson": the
# sources make a role the contact person, so "vem är kontaktperson för …" may ask for the role;
# "vad heter kontaktpersonen" asks for a name.)
_POSTS = (
    r"(?:ordforande|\w*chef(?:en)?|\w*direktor\w*|processledare|handlaggare\w*|sekreterare|registrator"
    r"|projektledare\w*)"
)

# Question patterns, tried in order: the first that matches decides.
_QUESTION: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (AnswerType.PHONE, re.compile(r"\b(?:telefon\w*|tel\.?|ringa|ringer|mobilnummer|nummer till)\b")),
    (
        AnswerType.CONTACT,
        re.compile(
            r"\b(?:e-?post\w*|mejl\w*|mail\w*|adress\w*|webb\w*|hemsida\w*|url"
            r"|var hittar|var finns|var star|var kan jag (?:hitta|lasa|fa)|anmal\w*)\b"
        ),
    ),
    (
        AnswerType.IDENTIFIER,
        re.compile(r"\b(?:diarie\w*|dnr|arendenummer|arendenr|beteckning\w*|sou-?nummer|sou-?nr)\b"),
    ),
    (
        AnswerType.AMOUNT,
        re.compile(
            r"\bhur mycket\b|\bvad kostar\b|\b(?:belopp|summa|budget|kronor|kr)\b"
            r"|\bvad (?:far|betalar|ger) \w+ (?:i ersattning|betalt)\b"
        ),
    ),
    (
        AnswerType.FREQUENCY,
        re.compile(
            r"\bhur (?:ofta|regelbundet|manga ganger|manga ggr|manga moten)\b|\b(?:ggr|ganger) per\b"
            r"|\b(?:per|varje) (?:ar|manad|vecka|kvartal)\b|\bhur manga (?:gang|ggr)\b"
        ),
    ),
    (AnswerType.COUNT, re.compile(r"\bhur manga\b|\bantal(?:et)?\b")),
    (
        AnswerType.DATE,
        re.compile(
            r"^(?:och |men |sa )?nar\b|\b(?:datum\w*|deadline|ikrafttradande|tidpunkt)\b"
            r"|\bnar (?:ska|skall|borjar|borjade|kom|var|ar|galler|gallde|trader|tradde|beslut\w*|fattade?s?"
            r"|holls|hålls|infordes|kommer|blir|sker|maste|far|startar|startade|slutar|upphor)\b"
            r"|\bvilket (?:ar|datum)\b|\bvilken (?:dag|manad|tid|period|arstid|tidpunkt)\b"
            r"|\bfran (?:vilket (?:datum|ar|dag|manad)|nar)\b|\btill nar\b|\bsista dag\w*\b|\bhur lange\b"
            r"|\bsenast\b"
            r"|\bvilken tid\b|\bklockan\b"
        ),
    ),
    (
        AnswerType.DEFINITION,
        re.compile(
            r"\bvad (?:betyder|star|menas|innebar|avses)\b|\bforkortning\w*\b|\bstar for\b"
            r"|\bvad ar (?:en |ett )?[a-z]{2,6}\b\??$"
        ),
    ),
    (
        AnswerType.REASON,
        re.compile(r"\bvarfor\b|\bav vilken anledning\b|\bvad ar (?:syftet|skalet|motivet)\b"),
    ),
    (
        AnswerType.NAMED_PERSON,
        re.compile(
            r"\b(?:vem|vilka)(?: (?:pa|hos|inom|i) [\w:-]+)? (?:ar|var|blir|blev)"
            rf" (?:den |det |nuvarande |ny )?(?:[\w-]+ ){{0,3}}{_POSTS}\b"
            rf"|\bvad heter (?:\w+ ){{0,3}}(?:{_POSTS}|kontaktperson\w*)\b"
        ),
    ),
    (
        AnswerType.PERSON,
        re.compile(r"\b(?:vem|vems|vilka|vilken (?:aktor|part|instans|organ|grupp|enhet|roll))\b"),
    ),
    (
        AnswerType.YES_NO,
        re.compile(
            r"^(?:och |men )?(?:ska|skall|maste|far|kan|ar|finns|behover|galler|har|ingar|omfattar"
            r"|raknas|racker|tas|blir|leder|paverkar|medfor|kravs|bygger|reglerar|sager|stammer)\b"
        ),
    ),
)

_DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} {_MONTHS}\b|\b{_MONTHS}(?: ar)? \d{{4}}\b"
    rf"|\b(?:ar|aret|arsskiftet) \d{{4}}\b|\b(?:19|20)\d\d\b|\b{_MONTHS}\b"
    r"|\b(?:varen|hosten|sommaren|vintern|varvintern)\b|\b\d{1,2}[:.]\d{2}\b"
)
_FREQUENCY = re.compile(
    r"\b(?:arligen|arlig|arliga|arligt|varje (?:ar|manad|vecka|kvartal)|per (?:ar|manad|vecka|kvartal)"
    r"|ggr|ganger per|gang per|manatlig\w*|kvartalsvis|veckovis|regelbundet|aterkommande"
    r"|varannan|halvarsvis)\b|/ar\b"
)
_AMOUNT = re.compile(
    r"\b\d[\d  ]*(?:[.,]\d+)?\s*(?:kr|kronor|tkr|mnkr|mkr|miljoner|miljard\w*|procent)\b|\d\s*%"
)
_NUMBER = re.compile(rf"\b\d+\b|\b{_NUMBER_WORDS}\b")
_COUNTED = re.compile(r"\bhur manga (?:olika |sorters? )?(\w{3,})")
_EMAIL_OR_URL = re.compile(r"[\w.-]+@[\w-]+\.\w+|\bwww\.[\w.-]+|https?://|\b[\w-]+\.se\b")
_IDENTIFIER = re.compile(r"\b[A-ZÅÄÖ]{2,5} \d{4}[–-]\d{2,4}\b|\bSOU \d{4}:\d+\b")
# A person's name: two capitalised words (or "Johan von Sydow") that are not a body's name.
_NAME = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]{2,})(?: (?:von|af|de))? [A-ZÅÄÖ][a-zåäöé]{2,}\b")
_NOT_A_FIRST_NAME = frozenset(
    fold(w)
    for w in (
        "Region", "Stockholms", "Stockholm", "Centralt", "Kommunalförbundet", "Politiskt", "Medicinskt",
        "Delregionala", "Samordnande", "Hälso", "Storsthlm", "Storsthlms", "God", "Nära", "Rutin",
        "Huvudöverenskommelse", "Överenskommelse",
    )
)  # fmt: skip
_PHONE = re.compile(r"(?<!\d)(?:\+46|0)\d{1,3}[- ]?\d{2,3}[- ]?\d{2}[- ]?\d{2}(?!\d)")
_REASON = re.compile(
    r"\b(?:for att|eftersom|darfor|dar(?:med)?|syftet|i syfte|med syfte|anledning\w*|pa grund av"
    r"|for att underlatta|behov av|motiv\w*)\b"
)
_DEFINITION = re.compile(r"\([A-ZÅÄÖ]{2,6}\)|\b(?:ar|innebar|betyder|avser|kan beskrivas som|menas)\b")
# Who: a capitalised word inside a sentence (a name or a body), an abbreviation, or a party.
_PERSON = re.compile(
    r"(?<=[\w,] )[A-ZÅÄÖ][\wåäöÅÄÖ-]+|\b[A-ZÅÄÖ]{2,6}\b"
    r"|\b(?:kommun\w*|region\w*|vardcentral\w*|styrgrupp\w*|namnd\w*|forvaltning\w*|styrelse\w*"
    r"|parter\w*|processledare|direktor\w*|chef\w*|mottagning\w*|huslakarmottagning\w*)\b",
)


def question_type(question: str) -> AnswerType:
    """The kind of answer ``question`` asks for (OTHER when it asks for none in particular)."""
    folded = fold(question).rstrip(" ?!.")
    for kind, pattern in _QUESTION:
        if pattern.search(folded):
            return kind
    return AnswerType.OTHER


_FULL_DATE = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} {_MONTHS}\b")
_MONTH_OR_SEASON = re.compile(
    rf"\b{_MONTHS}\b|\b(?:varen|hosten|sommaren|vintern)\b|\b\d{{1,2}}[:.]\d{{2}}\b"
)


def counted(question: str) -> str | None:
    """The noun a "hur många X" question counts ("hur många åtgärder" → "atgarder"), folded."""
    match = _COUNTED.search(fold(question))
    return match.group(1) if match else None


def strength(kind: AnswerType, sentence: str, noun: str | None = None) -> float:
    """How precisely ``sentence`` answers a question of ``kind`` (0: not at all, 1: fully).

    A date question is answered best by a day ("1 februari 2021"), less by a month or season,
    least by a bare year; a count best by a number next to the counted ``noun`` ("22
    prioriterade åtgärder"); other kinds hold their answer or do not."""
    if not holds(kind, sentence):
        return 0.0
    folded = fold(sentence)
    if kind is AnswerType.DATE:
        if _FULL_DATE.search(folded):
            return 1.0
        return 0.8 if _MONTH_OR_SEASON.search(folded) else 0.5
    if kind is AnswerType.COUNT and noun:
        stem = noun[: max(4, len(noun) - 3)]
        near = re.search(
            rf"(?:\b\d+\b|\b{_NUMBER_WORDS}\b)(?:-\w+)?(?: \w+){{0,2}} {re.escape(stem)}", folded
        )
        return 1.0 if near else 0.4
    return 1.0


def holds(kind: AnswerType, sentence: str) -> bool:
    """Whether ``sentence`` holds an answer of ``kind`` (always True for kinds with no marker)."""
    folded = fold(sentence)
    match kind:
        case AnswerType.FREQUENCY:
            return bool(_FREQUENCY.search(folded))
        case AnswerType.DATE:
            return bool(_DATE.search(folded))
        case AnswerType.AMOUNT:
            return bool(_AMOUNT.search(folded))
        case AnswerType.COUNT:
            return bool(_NUMBER.search(folded))
        case AnswerType.CONTACT:
            return bool(_EMAIL_OR_URL.search(folded))
        case AnswerType.PHONE:
            return bool(_PHONE.search(sentence))
        case AnswerType.IDENTIFIER:
            return bool(_IDENTIFIER.search(sentence))
        case AnswerType.REASON:
            return bool(_REASON.search(folded))
        case AnswerType.DEFINITION:
            return bool(_DEFINITION.search(sentence) or _DEFINITION.search(folded))
        case AnswerType.NAMED_PERSON:
            return any(fold(m.group(1)) not in _NOT_A_FIRST_NAME for m in _NAME.finditer(sentence))
        case AnswerType.PERSON:
            return bool(_PERSON.search(sentence) or _PERSON.search(folded))
    return True


def marked(kind: AnswerType) -> bool:
    """Whether ``kind`` has a marker a sentence can be checked for."""
    return kind not in (AnswerType.YES_NO, AnswerType.OTHER)


# The kinds whose value a reply can lead with, and the patterns that find it in a sentence.
_VALUE_PATTERNS: dict[AnswerType, tuple[re.Pattern[str], ...]] = {
    AnswerType.DATE: (
        re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} {_MONTHS}(?: (?:ar )?\d{{4}})?\b"),
        re.compile(rf"\b{_MONTHS}(?: (?:ar )?\d{{4}})\b"),
    ),
    AnswerType.AMOUNT: (_AMOUNT,),
    AnswerType.FREQUENCY: (
        re.compile(
            rf"\b(?:\d+|{_NUMBER_WORDS})\s+(?:ggr|ganger|gang)\s*(?:/\s*|per\s+|om\s+)(?:aret|ar|manad|vecka|kvartal)\b"
            r"|\b(?:arligen|varje (?:ar|manad|vecka|kvartal)|kvartalsvis|manatligen|halvarsvis)\b"
        ),
    ),
    AnswerType.CONTACT: (re.compile(r"[\w.-]+@[\w-]+(?:\.[\w-]+)+|\bwww\.[\w.-]+\w|https?://\S+\w"),),
    AnswerType.IDENTIFIER: (_IDENTIFIER,),
    AnswerType.PHONE: (_PHONE,),
}


_IN_PLACE = str.maketrans("åäöéü", "aaoeu")


def _folded_in_place(text: str) -> str:
    """``text`` lower-cased with å/ä→a, ö→o, character for character (offsets are kept)."""
    return text.lower().translate(_IN_PLACE)


def values(kind: AnswerType, sentence: str) -> list[str]:
    """The distinct values of ``kind`` that ``sentence`` states, as written there, for the most
    precise pattern that finds any (a whole date before a month and year)."""
    patterns = _VALUE_PATTERNS.get(kind, ())
    folded = _folded_in_place(sentence)
    for pattern in patterns:
        found = [sentence[m.start() : m.end()].strip(" .,") for m in pattern.finditer(folded)]
        found = [f for f in found if f]
        if found:
            return list(dict.fromkeys(found))
    return []
