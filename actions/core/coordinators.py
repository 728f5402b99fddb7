"""Structured answers: who is GSA/KSA in an area, and who convenes the local collaboration.

Answers come from the register (designations recorded by the process lead) and from rule texts
with citations (knowledge/rules.yaml); a name is never made up."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.core import templates
from actions.core.abstention import offered
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.registry import Area, Designation, DesignationStore, Register, Resolution
from knowledge.rules import get_rule, rule_sources
from knowledge.text import fold

ROLES = ("gsa", "ksa")
# A role is named by its abbreviation, or by its parts in any order: a coordinating ("samordn…")
# health centre ("vårdcentral", "vc", "hälsocentral") is the region's GSA, a coordinating function
# of the municipality the KSA ("vilken vc är samordnande", "vårdcentralen med samordningsansvar",
# "samordnande funktion i kommunen"). Folded text (no å/ä/ö).
_ABBREVIATIONS = {"gsa": re.compile(r"\bgsa\b"), "ksa": re.compile(r"\bksa\b")}
_COORDINATING = re.compile(r"\bsamordn\w*")  # samordnande, samordnar, samordningsansvar
_HEALTH_CENTRE = re.compile(r"\b(?:vardcentral\w*|vc|halsocentral\w*|huslakarmottagning\w*)\b")
_FUNCTION = re.compile(r"\bfunktion\w*")
_MUNICIPALITY = re.compile(r"\bkommun\w*")
_REGIONS_OWN = re.compile(r"\bregionens\b")  # "regionens samordnande funktion" is the GSA


def roles_named(folded: str) -> list[str]:
    """The roles ("gsa", "ksa") a folded text names, in the order of ROLES."""
    named = {role for role, pattern in _ABBREVIATIONS.items() if pattern.search(folded)}
    if _COORDINATING.search(folded):
        if _HEALTH_CENTRE.search(folded) or (_FUNCTION.search(folded) and _REGIONS_OWN.search(folded)):
            named.add("gsa")
        elif _FUNCTION.search(folded) and _MUNICIPALITY.search(folded):
            named.add("ksa")
    return [role for role in ROLES if role in named]


def role_named(folded: str) -> str | None:
    """The first role a folded text names (GSA before KSA), if any."""
    named = roles_named(folded)
    return named[0] if named else None


_WHO = re.compile(r"\b(vem|vilken|vilket|vilka)\b")
# "Vem är/har GSA", "vilken vårdcentral är ...", "vår KSA": asks who holds the role in an area.
_HOLDER = re.compile(
    r"\b(?:vem|vilka)\s+(?:ar|har|var|blev|samordnar)\b|\bvilken\s+(?:ar|vardcentral|vc|mottagning|enhet"
    r"|funktion|funktionen|samordnande)\b|\b(?:var|vart|min|mitt|hos\s+oss)\b|\bkontakt\w*"
    r"|\b(?:heter|namn\w*|telefon\w*|nummer|mejl\w*|e-?post\w*|adress\w*)\b"
)
# What a role must know or do, how it is appointed: a question for the sources, not the register.
_ROLE_PROPERTY = re.compile(
    r"\b(?:kunskap\w*|kompetens\w*|uppgift\w*|ansvar\w*|roll(?:en)?|gora|gor|innebar\w*|betyder"
    r"|menas|utse\w*|krav\w*|stod\w*|stott\w*|skillnad\w*|forklara|beskriv\w*|syfte\w*|kunna|kan)\b"
)
# Where one question of a message ends and the next begins.
_PARTS = re.compile(r"\boch\b|\bsamt\b|[,;?]", re.IGNORECASE)
REGION_STOCKHOLM = "stockholm"
REGION_SKANE = "skane"
STOCKHOLM_CITY = "stockholm"


@dataclass(frozen=True)
class Coordinators:
    register: Register
    store: DesignationStore

    def answer(self, role: str, resolution: Resolution | None) -> Answer:
        """Who holds ``role`` ("gsa" or "ksa") in the resolved area."""
        if resolution is None:
            return Answer(AnswerKind.CLARIFY, templates.ASK_AREA)
        area = resolution.area
        understood = (
            ""
            if resolution.exact
            else templates.UNDERSTOOD_AS.format(matched=resolution.matched, name=area.name) + " "
        )
        if area.region == REGION_SKANE:
            # Skåne's routine names no GSA or KSA: the holder asked for is not known, so this is
            # an abstention (offered to the process lead) that says what the routine has instead.
            told = _rules_answer(
                understood + templates.SKANE_AREA.format(name=area.name),
                ("skane_no_gsa", "convener_skane"),
                area,
            )
            return offered(told.text, told.sources, told.confidence, told.area)
        if area.id == STOCKHOLM_CITY:
            districts = self.register.children(STOCKHOLM_CITY)
            return Answer(
                AnswerKind.CLARIFY,
                understood + templates.ASK_DISTRICT[role],
                area=area.id,
                buttons=tuple((d.name, d.name) for d in districts),
            )
        if area.coordination is not None:
            rule = get_rule("norrtalje") if area.id == "norrtalje" else None
            sources = (
                rule_sources(rule)
                if rule
                else (
                    SourceRef(
                        area.coordination.source,
                        area.coordination.source,
                        area.coordination.section,
                        area.coordination.note,
                    ),
                )
            )
            text = understood + (rule.text if rule else area.coordination.note)
            return Answer(AnswerKind.RULE, text, sources, 1.0, area.id)
        designation = self.store.get(area.id, role)
        rule_id = f"{role}_designation"
        if designation is not None:
            text = (
                understood
                + _registered(designation, area, role)
                + "\n"
                + templates.RULE_BACKGROUND
                + " "
                + get_rule(rule_id).text
            )
            return Answer(AnswerKind.REGISTRY, text, rule_sources(get_rule(rule_id)), 1.0, area.id)
        support = ("gsa_designation", "gsa_support") if role == "gsa" else ("ksa_designation",)
        lead = understood + templates.NONE_REGISTERED[role].format(name=area.name, kind=area.kind_label)
        return _rules_answer(lead, support, area)

    def route(self, text: str) -> Answer | None:
        """A "who is GSA/KSA in <area>" question that NLU did not recognise, answered structurally;
        None for anything else."""
        folded = fold(text)
        role = role_named(folded)
        if role is None:
            return None
        # "Vem är GSA i Farsta?", "KSA Huddinge", "vad heter KSA i Huddinge": who holds the role
        # there; not "Vem utser GSA i Nacka?" or "Vad ska KSA i Huddinge göra?" (the sources).
        if not (_HOLDER.search(folded) or len(folded.split()) <= 4):
            return None
        resolution = self.register.resolve(text)
        return self.answer(role, resolution) if resolution else None

    def pairs(self, text: str) -> list[tuple[str, Resolution]]:
        """The (role, area) pairs a message asks about, in order: "vem är GSA i Farsta och KSA i
        Bromma?" asks two, "GSA i Farsta och Bromma" two of one role. Each part of the message
        (split at "och", commas and question marks) pairs its own area with its own role, or the
        role named before it."""
        out: list[tuple[str, Resolution]] = []
        role: str | None = None
        for part in _PARTS.split(text):
            folded = fold(part)
            named = roles_named(folded)
            role = named[0] if len(named) == 1 else role
            if role is None:
                continue  # no role named yet: whatever area this part names pairs with none
            area = self.register.find_all(part)
            if len(area) == 1:
                out.append((role, area[0]))
        return _distinct(out)

    def route_several(self, text: str) -> Answer | None:
        """Two or more (role, area) questions in one message, each answered for its own area and
        role; None when a message asks fewer."""
        if sum(1 for part in _PARTS.split(text) if part.strip()) < 2:
            return None  # one part asks one question at most
        pairs = self.pairs(text)
        if len(pairs) < 2 or not (_HOLDER.search(fold(text)) or len(fold(text).split()) <= 8):
            return None
        answers = [self.answer(role, resolution) for role, resolution in pairs]
        kinds = {a.kind for a in answers}
        kind = AnswerKind.REGISTRY if AnswerKind.REGISTRY in kinds else answers[0].kind
        sources = _unique(tuple(s for a in answers for s in a.sources))
        text_out = "\n\n".join(a.text for a in answers)
        if not sources:
            return Answer(AnswerKind.CLARIFY, text_out)
        return Answer(kind, text_out, sources, min(a.confidence for a in answers))

    def asks_about_the_role(self, text: str) -> bool:
        """Whether a GSA/KSA question asks what the role is or must do ("Vilken kunskap bör KSA ha?")
        rather than who holds it somewhere ("Vem är KSA i Solna?")."""
        folded = fold(text)
        if self.register.find_all(text) or _HOLDER.search(folded):
            return False
        return bool(_ROLE_PROPERTY.search(folded))

    def convener_in_region(self, region: str) -> Answer:
        """Who convenes in a region named without an area ("i Skåne")."""
        if region == REGION_SKANE:
            return _rules_answer("", ("convener_skane",), None)
        return _rules_answer("", ("convener_stockholm",), None)

    def convener(self, resolution: Resolution | None) -> Answer:
        """Who convenes the local collaboration: region-aware, HÖK (Stockholm County) by default."""
        area = resolution.area if resolution else None
        if area is not None and area.region == REGION_SKANE:
            return _rules_answer(templates.SKANE_AREA.format(name=area.name), ("convener_skane",), area)
        if area is not None:
            return _rules_answer("", ("convener_stockholm",), area)
        return _rules_answer("", ("convener_stockholm", "convener_other_region_note"), None)


def _registered(d: Designation, area: Area, role: str) -> str:
    parts = [templates.REGISTERED[role].format(name=area.name, holder=d.name)]
    if d.unit:
        parts.append(templates.REGISTERED_UNIT.format(unit=d.unit))
    if d.contact:
        parts.append(templates.REGISTERED_CONTACT.format(contact=d.contact))
    if d.valid_from:
        parts.append(templates.REGISTERED_VALID_FROM.format(date=d.valid_from.isoformat()))
    parts.append(templates.REGISTERED_ON.format(date=d.recorded_at.date().isoformat()))
    if d.note:
        parts.append(templates.REGISTERED_NOTE.format(note=d.note))
    return " ".join(parts)


def _rules_answer(lead: str, rule_ids: tuple[str, ...], area: Area | None) -> Answer:
    rules = [get_rule(r) for r in rule_ids]
    text = " ".join(p for p in [lead.strip(), *(r.text for r in rules)] if p)
    sources = tuple(s for r in rules for s in rule_sources(r))
    return Answer(AnswerKind.RULE, text, _unique(sources), 1.0, area.id if area else None)


def _distinct(pairs: list[tuple[str, Resolution]]) -> list[tuple[str, Resolution]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for role, resolution in pairs:
        if (role, resolution.area.id) not in seen:
            seen.add((role, resolution.area.id))
            out.append((role, resolution))
    return out


def _unique(sources: tuple[SourceRef, ...]) -> tuple[SourceRef, ...]:
    return tuple(dict.fromkeys(sources))
