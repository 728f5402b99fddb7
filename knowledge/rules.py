"""Rule texts for the structured answers, with their citations, kept as data in ``rules.yaml``.

A rule is a short Swedish text (who designates the GSA, who convenes, ...) and the verbatim
excerpts of the sources that support it. ``verify_citations`` checks every excerpt against the
project's copies of the sources, so that a rule can never cite something a source does not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.answer import SourceRef
from knowledge.documents import Document, load_documents
from knowledge.text import normalize

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yaml")

_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_RULE_KEYS = frozenset({"id", "text", "citations"})
_CITATION_KEYS = frozenset({"doc", "section", "excerpt"})


class RulesError(ValueError):
    """A rules file that is missing, not valid YAML or not in the expected shape."""


@dataclass(frozen=True)
class Citation:
    """A verbatim excerpt of a source document that supports a rule."""

    doc: str
    section: str
    excerpt: str


@dataclass(frozen=True)
class Rule:
    """A Swedish rule text and the citations that support it."""

    id: str
    text: str
    citations: tuple[Citation, ...]


def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """The rules in ``path`` (default: ``knowledge/rules.yaml``) by id; ``RulesError`` if invalid.

    The file is read on the first call for a path and cached; the result is a fresh dict each time.
    """
    return dict(_load_cached((path or DEFAULT_RULES_PATH).resolve()))


def get_rule(rule_id: str, path: Path | None = None) -> Rule:
    """The rule with id ``rule_id``; ``KeyError`` if there is none."""
    rules = load_rules(path)
    if rule_id not in rules:
        raise KeyError(f"no rule with id {rule_id!r}")
    return rules[rule_id]


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> tuple[tuple[str, Rule], ...]:
    return tuple((rule.id, rule) for rule in parse_rules(_read_yaml(path), str(path)))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesError(f"{path}: cannot read the rules file: {error}") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{path}: not valid YAML: {error}") from None


def parse_rules(data: Any, origin: str = "rules") -> list[Rule]:
    """Validate the parsed YAML of a rules file (``{"rules": [...]}``) and build its rules."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f"{origin}: expected a mapping with a list under 'rules'")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["rules"]):
        rule = _parse_rule(entry, f"{origin}: rule #{index + 1}")
        if rule.id in seen:
            raise RulesError(f"{origin}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _parse_rule(entry: Any, where: str) -> Rule:
    _check_keys(entry, _RULE_KEYS, where)
    rule_id = _text(entry, "id", where)
    if not _RULE_ID.match(rule_id):
        raise RulesError(f"{where}: id {rule_id!r} must be lower-case letters, digits and '_'")
    where = f"{where} ({rule_id})"
    citations = entry["citations"]
    if not isinstance(citations, list) or not citations:
        raise RulesError(f"{where}: 'citations' must be a non-empty list")
    return Rule(
        id=rule_id,
        text=_text(entry, "text", where),
        citations=tuple(
            _parse_citation(item, f"{where}, citation #{i + 1}") for i, item in enumerate(citations)
        ),
    )


def _parse_citation(item: Any, where: str) -> Citation:
    _check_keys(item, _CITATION_KEYS, where)
    return Citation(
        doc=_text(item, "doc", where),
        section=_text(item, "section", where),
        excerpt=_text(item, "excerpt", where),
    )


def _check_keys(entry: Any, expected: frozenset[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: expected a mapping")
    missing = sorted(expected - entry.keys())
    unknown = sorted(str(key) for key in entry.keys() - expected)
    if missing:
        raise RulesError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise RulesError(f"{where}: unknown field(s) {', '.join(unknown)}")


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


# --- Checking citations against the sources ------------------------------------------------------


def sections(document: Document) -> dict[str, str]:
    """The text under each heading of ``document`` (up to the next heading of any level).

    Text before the first heading is not a section. A heading that occurs twice gets both texts.
    """
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in document.body.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = found.setdefault(heading.group(1).strip(), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines) for title, lines in found.items()}


def verify_citations(
    rules: Mapping[str, Rule] | Iterable[Rule], sources_dir: Path | None = None
) -> list[str]:
    """Problems with the rules' citations (empty when all are sound).

    Each citation's document must exist in ``sources_dir`` (default: the settings' sources),
    its section heading must exist in that document, and its excerpt must occur verbatim in that
    section, up to whitespace.
    """
    documents = {document.id: document for document in load_documents(sources_dir)}
    section_texts = {doc_id: _normalized_sections(document) for doc_id, document in documents.items()}
    items = rules.values() if isinstance(rules, Mapping) else rules
    return [
        problem
        for rule in items
        for number, citation in enumerate(rule.citations, start=1)
        if (problem := _citation_problem(rule.id, number, citation, section_texts))
    ]


def _normalized_sections(document: Document) -> dict[str, str]:
    return {title: normalize(text) for title, text in sections(document).items()}


def _citation_problem(
    rule_id: str, number: int, citation: Citation, section_texts: dict[str, dict[str, str]]
) -> str | None:
    where = f"rule {rule_id!r}, citation #{number}"
    if citation.doc not in section_texts:
        return f"{where}: no source document {citation.doc!r}"
    doc_sections = section_texts[citation.doc]
    if citation.section not in doc_sections:
        return f"{where}: {citation.doc} has no section {citation.section!r}"
    if normalize(citation.excerpt) not in doc_sections[citation.section]:
        return f"{where}: the excerpt does not occur in {citation.doc} § {citation.section!r}"
    return None


def rule_sources(rule: Rule, sources_dir: Path | None = None) -> tuple[SourceRef, ...]:
    """The rule's citations as the answer payload's sources (with each document's title)."""
    titles = _titles(sources_dir.resolve() if sources_dir else None)
    return tuple(
        SourceRef(doc=c.doc, title=titles.get(c.doc, c.doc), section=c.section, excerpt=c.excerpt)
        for c in rule.citations
    )


@lru_cache(maxsize=4)
def _titles(sources_dir: Path | None) -> dict[str, str]:
    return {document.id: document.title for document in load_documents(sources_dir)}
