"""The answering core: one place that turns a question into an :class:`Answer`.

Order: a published curated answer → register and rules (GSA/KSA in an area, who convenes, the
mobile care team rule) → a region the assistant has no agreements for → a definition the sources
give → the passage that answers it → an honest abstention. NLU's intent is a hint, not the
judge: a question NLU sent to the register that asks about the role itself is answered from the
sources, and a structured question NLU missed is still answered from the register. The Rasa
actions and ``/api/answer`` both call it; it knows nothing of Rasa.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cached_property

from actions.constants import (
    INTENT_ASK_CONVENER,
    INTENT_ASK_GSA,
    INTENT_ASK_KSA,
    INTENT_ASK_MOBILE_TEAM,
    INTENT_INFORM_AREA,
)
from actions.core import mobile_team, templates
from actions.core.abstention import offered
from actions.core.citations import Citations
from actions.core.coordinators import REGION_SKANE, REGION_STOCKHOLM, Coordinators, role_named
from actions.core.curated import CuratedAnswers
from actions.core.passages import Considered, PassageAnswerer
from actions.core.question import Question
from knowledge.answer import Answer, AnswerKind
from knowledge.eligibility import assess
from knowledge.registry import Register, Resolution
from knowledge.registry.outside import other_regions
from knowledge.text import fold

log = logging.getLogger(__name__)

_INTENT_ROLES = {INTENT_ASK_GSA: "gsa", INTENT_ASK_KSA: "ksa"}
# "Vem sammankallar/kallar till (lokal) samverkan": who convenes the local collaboration.
_CONVENER = re.compile(r"\b(?:sammankall\w*|kalla\w* till|kallar|kalla in|bjuder in)\b")
# Bodies other than the local collaboration, each with its own convener in the sources.
_OTHER_BODY = re.compile(
    r"\b(?:medicinsk\w*|samradsgrupp\w*|vis|tjanstemannastyrgrupp\w*|styrgrupp\w*|cs|ds"
    r"|centralt samverkansorgan|delregional\w*|fragor och svar|fragemote\w*|svarsmote\w*|mote om hok"
    r"|sip\w*|samordnad individuell plan|vardplanering\w*)\b"
)
# A general question about the mobile care team: its criteria, conditions, who can be enrolled.
_MOBILE_TEAM_RULE = re.compile(r"\b(?:kriteri\w*|villkor|krav\w*|vilka patienter|vem kan|vilka kan)\b")
_QUESTION_WORD = re.compile(
    r"\?|\b(?:vem|vems|vad|vilk\w+|nar|hur|var|vart|varfor|kan|far|ska|maste|finns|galler|ar det)\b"
)
# Words of a question about the assistant itself, which say nothing about the agreements.
_ABOUT_THE_BOT = frozenset(
    ("fraga", "fragor", "svara", "svar", "hjalpa", "hjalp", "undra", "veta", "kunna", "gora", "bra",
     "tack", "hej", "assistent", "bot", "chatt", "du", "dig", "jag", "mig")
)  # fmt: skip
SMALL_TALK_MAX_WORDS = 4
_REGION_WORDS = {
    REGION_SKANE: re.compile(r"\bskane\w*|\bregion skane\b"),
    REGION_STOCKHOLM: re.compile(r"\b(?:stockholms? (?:lan|stad)|region stockholm|sthlm)\b"),
}


class AnsweringCore:
    def __init__(
        self,
        passages: PassageAnswerer,
        coordinators: Coordinators,
        curated: CuratedAnswers | None = None,
        on_answer: Callable[[Question, Answer], None] | None = None,
    ) -> None:
        """``on_answer`` is told every answer given (the question log); the test pane and
        :meth:`consider` alone do not tell it."""
        self.passages = passages
        self.coordinators = coordinators
        self.curated = curated
        self.on_answer = on_answer

    @cached_property
    def citations(self) -> Citations:
        return Citations(self.passages.engine.retriever.stored.chunks)

    def linked(self, answer: Answer) -> Answer:
        """The answer with a link to the source viewer on every source."""
        return self.citations.linked(answer)

    # --- Entry points -------------------------------------------------------------------------

    def answer(self, question: Question) -> Answer:
        """Any question: register or rule, a definition, the answering passage, or an abstention."""
        return self._given(question, self.linked(self._answer(question)))

    def _given(self, question: Question, answer: Answer) -> Answer:
        """The answer, told to the observer (the question log) first; a failing observer is
        logged loudly but never costs the user the answer."""
        if self.on_answer is not None:
            try:
                self.on_answer(question, answer)
            except Exception:  # the log is not worth the user's answer
                log.exception("the answer to a question could not be recorded")
        return answer

    def consider(self, question: Question) -> Considered | Answer:
        """As :meth:`answer`, with the retrieval signals when the answer came from the passages."""
        routed = (
            self._curated(question)
            or self._structured(question)
            or self._other_region(question)
            or self.passages.definition(question)
        )
        return routed if routed is not None else self.passages.consider(question, self.region_of(question))

    def _curated(self, question: Question) -> Answer | None:
        """A published curated answer that matches the question (a weak match never does)."""
        if self.curated is None:
            return None
        match = self.curated.match(question.text, self.region_of(question))
        return self.curated.answer(match) if match else None

    def region_of(self, question: Question) -> str | None:
        """The one region (Stockholm County or Skåne) a question names, if it names only one."""
        named: set[str] = set()
        for text in (question.text, question.previous if question.is_follow_up else None):
            if not text:
                continue
            folded = fold(text)
            named |= {r.area.region for r in self.coordinators.register.find_all(text)}
            named |= {region for region, words in _REGION_WORDS.items() if words.search(folded)}
            if named:
                break  # the follow-up's own region wins over the question it follows
        return named.pop() if len(named) == 1 else None

    def _other_region(self, question: Question) -> Answer | None:
        """A question about a region whose agreements the assistant does not have."""
        region = other_regions().named_in(question.text)
        if region is None or self.coordinators.register.find_all(question.text):
            return None
        return offered(templates.OTHER_REGION.format(region=region))

    def coordinator(self, question: Question) -> Answer:
        """A question NLU took for GSA/KSA in an area or for who convenes (area from the slots)."""
        return self._given(question, self.linked(self._coordinator(question)))

    def mobile_team_general(self, question: Question) -> Answer:
        """A message the mobile care team form found no patient in: the criteria when it asks
        about the mobile care team, else an answer to what it does ask."""
        if mobile_team.mentions_mobile_team(question.text) or _asks_rule(question.text):
            return self._given(question, self.linked(mobile_team.rule_answer()))
        return self.answer(question)

    def is_small_talk(self, question: Question) -> bool:
        """Whether a message NLU took for small talk really is that, and not a question about the
        agreements ("Tack! Och hur ofta följs HÖK upp?", "vem bestämmer den då?")."""
        folded = fold(question.text)
        asks = bool(_QUESTION_WORD.search(folded))
        if asks and question.is_follow_up:
            return False  # "varför just dom?" after a question: a question about its answer
        if not self.passages.has_content(question.text):
            return True
        words = [w for w in re.findall(r"\w+", folded) if w not in _ABOUT_THE_BOT]
        analysis = self.passages.engine.retriever.queries.analyse(question.text)
        about_agreements = [
            t for t in analysis.terms if t.weight >= 1.0 and t.known and t.text not in _ABOUT_THE_BOT
        ]
        # A real question ("Vilken blankett använder vi för att beställa hjälpmedel?") is answered,
        # or honestly not answered, even when its words are not the agreements'.
        long_question = asks and len(words) > SMALL_TALK_MAX_WORDS
        return not ((about_agreements and (asks or len(words) > SMALL_TALK_MAX_WORDS)) or long_question)

    # --- Routing --------------------------------------------------------------------------------

    def _answer(self, question: Question) -> Answer:
        considered = self.consider(question)
        return considered.answer if isinstance(considered, Considered) else considered

    def _structured(self, question: Question) -> Answer | None:
        """A register or rule answer for a question that asks for one, whatever NLU said."""
        text = question.text
        several = self.coordinators.route_several(text)
        if several is not None:
            return several
        only_an_area = self.coordinators.register.resolve_exact_name(text) is not None
        if question.previous and (question.is_follow_up or only_an_area):
            follow = self._with_new_area(question)
            if follow is not None:
                return follow
        if question.intent == INTENT_ASK_CONVENER or self._asks_convener(text):
            return self._convener(text)
        routed = self.coordinators.route(text)
        if routed is not None:
            return routed
        if question.intent == INTENT_ASK_MOBILE_TEAM or mobile_team.mentions_mobile_team(text):
            if mobile_team.starts_questioning(text):
                # The form asks for what is missing; outside it, what is missing is listed.
                return mobile_team.verdict(assess(text))
            if _asks_rule(text):
                return mobile_team.rule_answer()
        return None

    def _coordinator(self, question: Question) -> Answer:
        text = question.text
        several = self.coordinators.route_several(text)
        if several is not None:
            return several
        if question.intent == INTENT_ASK_CONVENER:
            convener = self._convener(text) if self._asks_convener(text) else None
            return convener or self._answer(question)
        register = self.coordinators.register
        resolution = _resolution(register, question.area, question.area_matched)
        role = _INTENT_ROLES.get(question.intent or "")
        # "Vilken kunskap bör kommunens samordnande funktion ha?" asks about the role itself, also
        # right after a question about an area: an area from an earlier turn does not make it one.
        if role is not None and self.coordinators.asks_about_the_role(text) and not self.names_area(text):
            return self._answer(question)
        if role is not None and not _names_role(text):
            return self._answer(question)  # NLU heard GSA/KSA where the text names neither
        role = role or question.role
        if question.intent == INTENT_INFORM_AREA and question.previous:
            follow = self._with_new_area(question)
            if follow is not None:
                return follow
        if role not in ("gsa", "ksa"):
            only_the_area = self.coordinators.register.resolve_exact_name(text) is not None
            if resolution is None or not only_the_area:
                return self._answer(question)  # "regnar det i Malmö imorgon?" is no area question
            return _what_about(resolution)
        return self.coordinators.answer(role, resolution)

    def names_area(self, text: str) -> bool:
        """Whether a message names an area of the register itself."""
        register = self.coordinators.register
        return bool(register.find_all(text)) or register.resolve_exact_name(text) is not None

    def _with_new_area(self, question: Question) -> Answer | None:
        """A follow-up naming another area ("och i Skåne då?") to a structured question."""
        previous = question.previous or ""
        folded = fold(question.text)
        resolution = self.coordinators.register.resolve(question.text)
        region = next((r for r, words in _REGION_WORDS.items() if words.search(folded)), None)
        if resolution is None and region is None:
            return None
        if self._asks_convener(previous):
            if resolution is None and region is not None:
                return self.coordinators.convener_in_region(region)  # "och i Stockholms län då?"
            return self._convener(question.text)
        role = role_named(fold(previous))
        if role is not None and resolution is not None:
            return self.coordinators.answer(role, resolution)
        return None

    def _asks_convener(self, text: str) -> bool:
        folded = fold(text)
        return bool(_CONVENER.search(folded)) and not _OTHER_BODY.search(folded)

    def _convener(self, text: str) -> Answer | None:
        """Who convenes the local collaboration, region-aware; None for another body's meetings."""
        folded = fold(text)
        if _OTHER_BODY.search(folded):
            return None
        resolution = self.coordinators.register.resolve(text)
        if resolution is None and "skane" in folded:
            return self.coordinators.convener_in_region(REGION_SKANE)
        return self.coordinators.convener(resolution)


# GSA/KSA or the words for them ("samordnande vc", "samordningsansvar", "samordnare").
_ROLE_WORDS = re.compile(r"\b(?:gsa|ksa|samordna\w*|samordning\w*)\b")


def _names_role(text: str) -> bool:
    return bool(_ROLE_WORDS.search(fold(text)))


def _asks_rule(text: str) -> bool:
    """A general question about the mobile care team's criteria or who can be enrolled."""
    return bool(_MOBILE_TEAM_RULE.search(fold(text)))


def _resolution(register: Register, area_id: str | None, matched: str | None) -> Resolution | None:
    """The area in the slot, remembering a near-miss spelling so the answer can say what it understood."""
    area = register.get(area_id) if area_id else None
    if area is None:
        return None
    if matched and register.lookup(matched) is None:
        return Resolution(area, matched, exact=False)
    return Resolution(area, area.name, exact=True)


def _what_about(resolution: Resolution) -> Answer:
    name = resolution.area.name
    return Answer(
        AnswerKind.CLARIFY,
        templates.WHAT_ABOUT_AREA.format(name=name),
        area=resolution.area.id,
        buttons=(
            (templates.BUTTON_GSA_IN.format(name=name), templates.QUESTION_GSA_IN.format(name=name)),
            (templates.BUTTON_KSA_IN.format(name=name), templates.QUESTION_KSA_IN.format(name=name)),
        ),
    )
