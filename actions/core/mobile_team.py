"""Mobile care team (Skåne): count which of the six criteria a described patient meets, and ask
for the unknown ones one at a time until four of six are reached or can no longer be reached.

The questioning itself is a Rasa form (``mobile_team_form``): one slot per criterion holds
"met", "not_met" or "unknown" (asked, and the user did not know). This module holds what the
form's actions say and decide, and knows nothing of Rasa."""

from __future__ import annotations

import re
from collections.abc import Mapping

from actions.core import templates
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.eligibility import (
    CRITERIA,
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
from knowledge.text import fold

SLOT_PREFIX = "criterion_"
SLOTS = tuple(SLOT_PREFIX + c.id for c in CRITERIA)
ASKED_UNKNOWN = "unknown"  # the slot value of a criterion asked about that the user did not know
SLOT_VALUES = frozenset({Status.MET.value, Status.NOT_MET.value, ASKED_UNKNOWN})
_SHORT_REPLY_WORDS = 4  # a reply this short that is not understood is asked again


def slot_of(criterion_id: str) -> str:
    return SLOT_PREFIX + criterion_id


def criterion_of(slot: str | None) -> str | None:
    """The criterion a slot holds, or None for any other slot."""
    if slot and slot.startswith(SLOT_PREFIX) and slot[len(SLOT_PREFIX) :] in CRITERIA_BY_ID:
        return slot[len(SLOT_PREFIX) :]
    return None


def from_slots(slots: Mapping[str, object]) -> Assessment:
    """The assessment the criterion slots hold (anything malformed counts as unknown)."""
    findings = []
    for criterion in CRITERIA:
        value = slots.get(slot_of(criterion.id))
        status = Status(value) if value in (Status.MET.value, Status.NOT_MET.value) else Status.UNKNOWN
        findings.append(Finding(criterion, status))
    return Assessment(tuple(findings))


def asked_or_known(slots: Mapping[str, object]) -> set[str]:
    """Criteria the slots already settle or that were asked about."""
    return {c.id for c in CRITERIA if slots.get(slot_of(c.id)) is not None}


def slot_value(finding: Finding) -> str | None:
    """What a criterion slot holds after ``finding`` (None: still to be asked)."""
    return finding.status.value if finding.known else None


_MOBILE_TEAM = re.compile(r"\bmobil\w* (?:vard)?team\w*\b|\bmobila teamet\b")
_CRITERIA = re.compile(r"\bkriteri\w*\b")


def mentions_mobile_team(text: str) -> bool:
    return bool(_MOBILE_TEAM.search(fold(text)))


def starts_questioning(text: str) -> bool:
    """Whether a message starts the questioning: it describes a patient and is about the mobile
    care team or its criteria, or describes two criteria or more ("82 år, hemsjukvård ..."). One
    criterion in a question about something else ("tandvård för äldre med hemsjukvård") is not."""
    described = assess(text)
    settled = len(described.findings) - len(described.unknown)
    about_it = mentions_mobile_team(text) or bool(_CRITERIA.search(fold(text)))
    return settled >= 2 or (settled == 1 and about_it)


def describes_patient(assessment: Assessment) -> bool:
    """Whether a text said anything about a patient's criteria (else it is a general question)."""
    return len(assessment.unknown) < len(assessment.findings)


def still_to_ask(assessment: Assessment, settled: set[str]) -> list[str]:
    """The criteria to ask about, in order: none once four of six are met or out of reach."""
    if assessment.eligible is not None:
        return []
    return [c.id for c in assessment.unknown if c.id not in settled]


def read_reply(criterion_id: str, text: str) -> Finding | None:
    """The user's reply to the question about ``criterion_id``: a finding (unknown for "vet
    inte"), or None when the text does not answer it (a new question, a new subject)."""
    finding = parse_answer(criterion_id, text)
    if finding.known:
        return finding
    if is_unsure(text):
        return Finding(CRITERIA_BY_ID[criterion_id], Status.UNKNOWN)
    return None


def is_unclear_reply(text: str) -> bool:
    """A short reply that answers nothing ("hmm", "typ"): asked again rather than taken as a
    new question."""
    return "?" not in text and len(text.split()) <= _SHORT_REPLY_WORDS and not describes_patient(assess(text))


def rule_answer() -> Answer:
    """The general rule and the six criteria, for a question that describes no patient."""
    rules = (get_rule("mobile_team"), get_rule("mobile_team_criteria"))
    return Answer(AnswerKind.RULE, "\n".join(r.text for r in rules), sources(), 1.0)


def summary(assessment: Assessment) -> str:
    """What the description settled: the count and each criterion met or not met."""
    lines = [templates.CRITERIA_COUNT.format(met=assessment.met_count)]
    lines += [templates.CRITERION_MET.format(label=c.label) for c in assessment.met]
    lines += [templates.CRITERION_NOT_MET.format(label=c.label) for c in assessment.not_met]
    return "\n".join(lines)


def noted(finding: Finding, assessment: Assessment) -> str:
    """The acknowledgement of a reply: what it settled and the count so far."""
    return templates.CRITERION_NOTED.format(finding=_mark(finding), met=assessment.met_count)


def question(criterion_id: str, assessment: Assessment) -> Answer:
    """The question about one criterion, with how many more are needed and Ja/Nej/Vet inte."""
    lines = [
        templates.CRITERIA_UNDECIDED.format(missing=REQUIRED - assessment.met_count),
        CRITERIA_BY_ID[criterion_id].question,
    ]
    return Answer(AnswerKind.RULE, "\n".join(lines), sources(), 0.5, buttons=REPLY_BUTTONS)


def verdict(assessment: Assessment) -> Answer:
    """The count of criteria met, whether four of six are met, and the rule (wish, joint decision, SIP)."""
    lines = [summary(assessment)]
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
    return Answer(AnswerKind.RULE, "\n".join(lines), sources(), confidence)


def _mark(finding: Finding) -> str:
    template = {
        Status.MET: templates.CRITERION_MET,
        Status.NOT_MET: templates.CRITERION_NOT_MET,
        Status.UNKNOWN: templates.CRITERION_UNKNOWN,
    }[finding.status]
    return template.format(label=finding.criterion.label)


def sources() -> tuple[SourceRef, ...]:
    found = rule_sources(get_rule("mobile_team")) + rule_sources(get_rule("mobile_team_criteria"))
    return tuple(dict.fromkeys(found))


REPLY_BUTTONS = (
    (templates.BUTTON_YES, "ja"),
    (templates.BUTTON_NO, "nej"),
    (templates.BUTTON_UNSURE, "vet inte"),
)
