"""Mobile care team (Skåne): count which of the six criteria a described patient meets, and ask
for the unknown ones one at a time until four of six are reached or can no longer be reached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from actions import templates
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.eligibility import (
    CRITERIA_BY_ID,
    REQUIRED,
    Assessment,
    Finding,
    Status,
    assess,
    is_unsure,
    parse_answer,
)
from knowledge.rules import get_rule, rule_sources

_SHORT_REPLY_WORDS = 4  # a reply this short that is not understood is asked again


@dataclass(frozen=True)
class Turn:
    """What to say, the assessment so far, and the criteria asked (the last one awaits a reply)."""

    answer: Answer
    assessment: Assessment
    asked: tuple[str, ...] = ()

    @property
    def pending(self) -> str | None:
        return self.asked[-1] if self.asked else None


def describes_patient(assessment: Assessment) -> bool:
    """Whether a text said anything about a patient's criteria (else it is a general question)."""
    return len(assessment.unknown) < len(assessment.findings)


def rule_answer() -> Answer:
    """The general rule and the six criteria, for a question that describes no patient."""
    rules = (get_rule("mobile_team"), get_rule("mobile_team_criteria"))
    return Answer(AnswerKind.RULE, "\n".join(r.text for r in rules), _sources(), 1.0)


def start(described: Assessment, earlier: Assessment | None = None, asked: tuple[str, ...] = ()) -> Turn:
    """A description of a patient (added to an ongoing assessment): the verdict or the first question."""
    assessment = earlier.merge(described) if earlier is not None else described
    return _next(assessment, asked, noted=None)


def reply(assessment: Assessment, asked: tuple[str, ...], text: str) -> Turn | None:
    """The user's reply to the pending question ``asked[-1]``; None when the text does not answer it."""
    if not asked or asked[-1] not in CRITERIA_BY_ID:
        return None
    finding = parse_answer(asked[-1], text)
    described = assess(text)
    if not finding.known and not is_unsure(text) and not describes_patient(described):
        return _ask_again(assessment, asked) if _is_short_reply(text) else None
    updated = assessment.merge(described)
    if finding.known:
        updated = updated.with_finding(finding)
    return _next(updated, asked, noted=updated.finding(finding.criterion.id))


def verdict(assessment: Assessment) -> Answer:
    """The count of criteria met, whether four of six are met, and the rule (wish, joint decision, SIP)."""
    lines = _summary(assessment)
    if assessment.eligible is True:
        lines.append(templates.CRITERIA_FULFILLED)
    elif assessment.eligible is False:
        lines.append(templates.CRITERIA_NOT_FULFILLED)
    else:
        lines.append(templates.CRITERIA_STILL_OPEN.format(missing=REQUIRED - assessment.met_count))
        lines += [f"- {c.question}" for c in assessment.unknown]
    lines.append(get_rule("mobile_team").text)
    lines.append(templates.NO_MEDICAL_ADVICE)
    confidence = 1.0 if assessment.eligible is not None else 0.5
    return Answer(AnswerKind.RULE, "\n".join(lines), _sources(), confidence)


def _next(assessment: Assessment, asked: tuple[str, ...], noted: Finding | None) -> Turn:
    remaining = [c for c in assessment.unknown if c.id not in asked]
    if assessment.eligible is not None or not remaining:
        return Turn(verdict(assessment), assessment)
    question = remaining[0]
    if noted is None:
        lines = _summary(assessment)
    else:
        lines = [templates.CRITERION_NOTED.format(finding=_mark(noted), met=assessment.met_count)]
    lines.append(templates.CRITERIA_UNDECIDED.format(missing=REQUIRED - assessment.met_count))
    lines.append(question.question)
    answer = Answer(AnswerKind.RULE, "\n".join(lines), _sources(), 0.5, buttons=_REPLY_BUTTONS)
    return Turn(answer, assessment, (*asked, question.id))


def _ask_again(assessment: Assessment, asked: tuple[str, ...]) -> Turn:
    question = CRITERIA_BY_ID[asked[-1]].question
    text = f"{templates.CRITERION_NOT_UNDERSTOOD}\n{question}"
    return Turn(Answer(AnswerKind.CLARIFY, text, buttons=_REPLY_BUTTONS), assessment, asked)


def _summary(assessment: Assessment) -> list[str]:
    lines = [templates.CRITERIA_COUNT.format(met=assessment.met_count)]
    lines += [templates.CRITERION_MET.format(label=c.label) for c in assessment.met]
    lines += [templates.CRITERION_NOT_MET.format(label=c.label) for c in assessment.not_met]
    return lines


def _mark(finding: Finding) -> str:
    template = {
        Status.MET: templates.CRITERION_MET,
        Status.NOT_MET: templates.CRITERION_NOT_MET,
        Status.UNKNOWN: templates.CRITERION_UNKNOWN,
    }[finding.status]
    return template.format(label=finding.criterion.label)


def _is_short_reply(text: str) -> bool:
    return "?" not in text and len(text.split()) <= _SHORT_REPLY_WORDS


def _sources() -> tuple[SourceRef, ...]:
    sources = rule_sources(get_rule("mobile_team")) + rule_sources(get_rule("mobile_team_criteria"))
    return tuple(dict.fromkeys(sources))


def question_of(asked: tuple[str, ...]) -> str:
    """The question awaiting a reply (the last one asked); empty when none is."""
    return CRITERIA_BY_ID[asked[-1]].question if asked and asked[-1] in CRITERIA_BY_ID else ""


def restore(assessment: object, asked: object) -> tuple[Assessment | None, tuple[str, ...]]:
    """The ongoing assessment and the criteria asked, from slot values (anything malformed is dropped)."""
    ids = tuple(a for a in asked if a in CRITERIA_BY_ID) if isinstance(asked, list | tuple) else ()
    if not ids or not isinstance(assessment, Mapping):
        return None, ()
    return Assessment.from_dict(assessment), ids


_REPLY_BUTTONS = (
    (templates.BUTTON_YES, "ja"),
    (templates.BUTTON_NO, "nej"),
    (templates.BUTTON_UNSURE, "vet inte"),
)
