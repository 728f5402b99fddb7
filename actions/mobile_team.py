"""Mobile care team (Skåne): count which of the six criteria a described patient meets."""

from __future__ import annotations

from actions import templates
from knowledge.answer import Answer, AnswerKind
from knowledge.eligibility import Assessment
from knowledge.rules import get_rule, rule_sources


def eligibility_answer(assessment: Assessment) -> Answer:
    """The count of criteria met, what is still unknown, and the rule (wish, joint decision, SIP)."""
    rule = get_rule("mobile_team")
    lines = [templates.CRITERIA_COUNT.format(met=assessment.met_count)]
    lines += [templates.CRITERION_MET.format(label=c.label) for c in assessment.met]
    lines += [templates.CRITERION_NOT_MET.format(label=c.label) for c in assessment.not_met]
    if assessment.eligible is True:
        lines.append(templates.CRITERIA_FULFILLED)
    elif assessment.eligible is False:
        lines.append(templates.CRITERIA_NOT_FULFILLED)
    else:
        lines.append(templates.CRITERIA_UNDECIDED.format(missing=4 - assessment.met_count))
        lines += [f"- {c.question}" for c in assessment.unknown]
    lines.append(rule.text)
    lines.append(templates.NO_MEDICAL_ADVICE)
    confidence = 1.0 if assessment.eligible is not None else 0.5
    sources = rule_sources(rule) + rule_sources(get_rule("mobile_team_criteria"))
    return Answer(AnswerKind.RULE, "\n".join(lines), tuple(dict.fromkeys(sources)), confidence)


def describes_patient(assessment: Assessment) -> bool:
    """Whether a text said anything about a patient's criteria (else it is a general question)."""
    return len(assessment.unknown) < 6
