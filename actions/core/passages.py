"""Answers from the passages of the sources: weigh the question against every unit with what was
learned from the written questions, decide whether to answer at all, quote the unit the evidence
points to (leading with the value asked for when it holds exactly one), and cite its section."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

from actions.core import templates
from actions.core.abstention import Decision, Reason, Signals, decide, offered
from actions.core.citations import quoted_sources
from actions.core.question import Question, clean_text
from index.answer_types import values
from index.definitions import Definition, find_definitions
from index.evidence import Asked
from index.quote import quoted
from index.service import Judgement, SearchEngine
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.settings import Settings
from knowledge.text import fold

log = logging.getLogger(__name__)

EXCERPT_CHARS = 400
# "Vad betyder SIP?", "vad står KSON för", "HÖK förkortning?", "Vad är GSA?": the abbreviation
# is all the question asks about.
_DEFINITION_QUESTION = re.compile(
    r"^(?:och |men )?(?:vad (?:betyder|star|menas med|ar|innebar|heter) (?:en |ett )?|vad ar )"
    r"(?P<a>[a-z]{2,6})(?:s)?(?:/[a-z]{2,6})?(?: for| i \w+(?: \w+)?)?(?: for)?$"
    r"|^(?P<b>[a-z]{2,6}) (?:forkortning|star for|betyder|ar en forkortning for)"
)


@dataclass(frozen=True)
class Considered:
    """A passage answer or an abstention, with the signals that decided it."""

    answer: Answer
    decision: Decision
    signals: Signals


class PassageAnswerer:
    """Turns a question into an :class:`Answer` from the sources, or an honest abstention."""

    def __init__(self, engine: SearchEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    @cached_property
    def definitions(self) -> dict[str, Definition]:
        return find_definitions(self.engine.retriever.stored.chunks)

    def has_content(self, text: str) -> bool:
        """Whether a text has any content word at all (not only stop words, emoji, punctuation)."""
        return bool(self.engine.analyzer.lemmas(text))

    def definition(self, question: Question) -> Answer | None:
        """The sources' own spelling-out of an abbreviation the question asks about; an honest
        abstention for one they use without spelling it out (VIS, LPIK)."""
        folded = fold(question.text).strip(" ?!.")
        match = _DEFINITION_QUESTION.match(folded)
        if not match:
            return None
        abbreviation = match.group("a") or match.group("b")
        found = self.definitions.get(abbreviation)
        if found is None:
            if not self._is_abbreviation(abbreviation, question.text):
                return None
            return offered(templates.NO_DEFINITION.format(abbreviation=abbreviation.upper()))
        lead = templates.DEFINITION.format(abbreviation=found.abbreviation, long_form=found.long_form)
        source = SourceRef(
            found.chunk.doc_id,
            found.chunk.title,
            found.section,
            _excerpt(found.sentence),
            None,  # linked to the defining sentence by the core's citations
        )
        text = f"{lead}\n{found.sentence}\n\n{templates.source_line(found.chunk.title, found.section)}"
        return Answer(AnswerKind.PASSAGE, text, (source,), 1.0)

    def _is_abbreviation(self, word: str, text: str) -> bool:
        """Whether the question writes ``word`` as an abbreviation: in capitals, or as no Swedish word."""
        if re.search(rf"\b{re.escape(word.upper())}\b", text):
            return True
        return len(word) <= 5 and not self.engine.analyzer.is_word(word)

    def judge(self, question: Question, region: str | None = None) -> tuple[Judgement, Signals, bool]:
        """The question weighed alone and, after an earlier question, read together with it; the
        reading that wins (a question that stands alone is read alone), its signals, and whether
        the text was cut to the length limit."""
        text, cut = clean_text(question.text, self.settings.max_query_chars)
        documents = self.engine.regions.get(region) if region else None
        alone = self.engine.judge(Asked(text, None, documents))
        chosen, in_context = alone, None
        previous, _ = clean_text(question.previous, self.settings.max_query_chars)
        margin = self.settings.follow_up_margin
        # Read with the previous question only when that could win: a probability is at most 1.
        if previous and text and alone.probability + margin < 1.0:
            with_previous = self.engine.judge(
                Asked(f"{previous} {text}", text, documents, question.context_unit)
            )
            in_context = with_previous.probability
            if with_previous.probability > alone.probability + margin:
                chosen = with_previous
        signals = Signals(
            probability=chosen.probability,
            probability_alone=alone.probability,
            probability_in_context=in_context,
            follow_up=chosen is not alone,
            unit=chosen.unit.id if chosen.unit else None,
            kind=str(chosen.evidence.analysis.answer_type),
            terms=len(self.engine.analyzer.lemmas(text)),
        )
        return chosen, signals, cut

    def consider(self, question: Question, region: str | None = None) -> Considered:
        judgement, signals, cut = self.judge(question, region)
        decision = decide(signals, self.settings.answer_threshold)
        log.info("question %r: %s (%s)", question.text[:80], decision.reason, signals)
        prefix = templates.TOO_LONG + "\n\n" if cut else ""
        unit = judgement.unit
        if decision.reason is Reason.NO_CONTENT:
            return Considered(Answer(AnswerKind.ABSTAIN, templates.NOT_UNDERSTOOD), decision, signals)
        if decision.abstain or unit is None:
            abstain = offered(prefix + templates.ABSTAIN, confidence=decision.confidence)
            return Considered(abstain, decision, signals)
        units = self.engine.evidence.units
        best = units.index(unit)
        kind = judgement.evidence.analysis.answer_type
        probabilities = judgement.ranked.probabilities
        picked = quoted(units, best, probabilities, kind, self.settings.max_answer_sentences,
                        self.settings.runner_up_share)  # fmt: skip
        chosen = [units[i] for i in picked]
        body = "\n".join(u.text for u in chosen)
        found = values(kind, unit.text) or values(kind, body)
        lead = templates.PRECISE.format(value=found[0]) + "\n\n" if len(found) == 1 else ""
        sources = tuple(quoted_sources(unit, chosen, _excerpt))
        cite = templates.source_line(unit.title, *(u.section for u in chosen))
        text_out = prefix + lead + body + "\n\n" + cite
        answer = Answer(AnswerKind.PASSAGE, text_out, sources, decision.confidence, unit=unit.id)
        return Considered(answer, decision, signals)

    def answer(self, question: Question, region: str | None = None) -> Answer:
        return self.consider(question, region).answer


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
