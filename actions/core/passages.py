"""Answers from the passages of the sources: retrieve, read the sentences that answer the
question asked, decide whether to answer at all, and cite the section they stand under."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

from actions.core import templates
from actions.core.abstention import Decision, Signals, Thresholds, decide
from actions.core.citations import passage_link
from actions.core.question import Question, clean_text
from index.answer_types import AnswerType
from index.definitions import Definition, find_definitions
from index.service import Answerable, SearchEngine
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
        self.thresholds = Thresholds(
            min_dense=settings.abstain_min_dense,
            min_coverage=settings.abstain_min_coverage,
            strong_dense=settings.abstain_strong_dense,
            out_of_scope_confidence=settings.abstain_out_of_scope_confidence,
            out_of_scope_max_coverage=settings.abstain_out_of_scope_max_coverage,
            unknown_words=settings.abstain_unknown_words,
            unknown_max_lexical=settings.abstain_unknown_max_lexical,
        )

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
            text = templates.NO_DEFINITION.format(abbreviation=abbreviation.upper())
            return Answer(
                AnswerKind.ABSTAIN,
                text + "\n\n" + templates.ABSTAIN_OFFER,
                buttons=templates.PASS_ON_BUTTONS,
            )
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

    def consider(self, question: Question, region: str | None = None) -> Considered:
        text, cut = clean_text(question.text, self.settings.max_query_chars)
        analysis = self.engine.retriever.queries.analyse(text)
        if not analysis.terms:
            signals = Signals(terms=0, coverage=0.0, dense=0.0)
            decision = decide(signals, self.thresholds)
            return Considered(Answer(AnswerKind.ABSTAIN, templates.NOT_UNDERSTOOD), decision, signals)
        context, _ = clean_text(question.in_context, self.settings.max_query_chars)
        found: Answerable = self.engine.answer(context, text if context != text else None, region)
        reading = found.reading
        own = self.engine.retriever.coverage(analysis)
        if context != text:  # a follow-up is about what the question before it was about, too
            own = max(own, self.engine.retriever.coverage(found.result.analysis))
        signals = Signals(
            terms=len(analysis.lemmas),
            coverage=own,
            dense=found.result.best.dense if found.result.best else 0.0,
            intent=question.intent,
            intent_confidence=question.intent_confidence,
            unknown=len(analysis.unknown),
            sentence_dense=reading.dense if reading else 0.0,
            lexical=reading.lexical if reading else 0.0,
            answer_type=reading.answer_type if reading else AnswerType.OTHER,
            type_missing=reading.strict_type_missing if reading else False,
        )
        decision = decide(signals, self.thresholds)
        log.info("question %r: %s (%s)", text[:80], decision.reason, signals)
        prefix = templates.TOO_LONG + "\n\n" if cut else ""
        if decision.abstain or reading is None:
            abstain = Answer(
                AnswerKind.ABSTAIN,
                prefix + templates.ABSTAIN + "\n\n" + templates.ABSTAIN_OFFER,
                confidence=decision.confidence,
                buttons=templates.PASS_ON_BUTTONS,
            )
            return Considered(abstain, decision, signals)
        chunk = reading.hit.chunk
        body = "\n".join(reading.sentences)
        link = passage_link(chunk.doc_id, chunk.id, reading.units)
        source = SourceRef(chunk.doc_id, chunk.title, reading.section, _excerpt(body), link)
        text_out = prefix + body + "\n\n" + templates.source_line(chunk.title, reading.section)
        answer = Answer(AnswerKind.PASSAGE, text_out, (source,), decision.confidence)
        return Considered(answer, decision, signals)

    def answer(self, question: Question, region: str | None = None) -> Answer:
        return self.consider(question, region).answer


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
