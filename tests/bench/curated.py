"""How curated answers match questions they were not written for: every answerable bank case
whose evidence sentence is shared with another case becomes, once, a curated answer with that
case's question as its only phrasing; every other question is then matched against them all.

    .venv/bin/python -m tests.bench.curated [--half dev|test]

Reports: of the questions whose evidence has a curated answer, how many get it (recall) and how
many get another one (wrong); of the rest, and of the must-abstain cases, how many get any (a
false match). Run in process with the real model and index, no database.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from actions.core.curated import CuratedAnswers, MatchThresholds
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from knowledge.curated import Content, CuratedStore
from knowledge.db import Database
from knowledge.settings import get_settings
from tests.bench.bank import load


def _first(ask: object) -> str:
    return ask if isinstance(ask, str) else str(ask)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="dev")
    args = parser.parse_args()
    print("\n".join(report(args.half)))


def report(half: str) -> list[str]:
    """The figures for one half of the bank, as printed lines."""
    settings = get_settings()
    engine = SearchEngine(settings)
    engine.ensure_index(rebuild=False)
    thresholds = MatchThresholds(settings.curated_min_dense, settings.curated_min_lexical, 0.0)
    Database("sqlite://").init()  # the matcher is asked directly; its store stays empty
    store = CuratedStore("sqlite://")
    matcher = CuratedAnswers(store, QuestionSimilarity(lambda: engine.retriever), dict, thresholds)
    cases = [c for c in load(half) if isinstance(c.get("ask"), str)]
    answerable = [c for c in cases if c.get("kind") != "abstain" and c.get("evidence")]
    by_evidence: dict[str, list[dict]] = defaultdict(list)
    for case in answerable:
        by_evidence[str(case["evidence"])[:80]].append(case)
    curated, asked = [], []
    for n, group in enumerate(g for g in by_evidence.values() if len(g) > 1):
        curated.append(matcher.candidate(n, Content((_first(group[0]["ask"]),), "x", (), "all")))
        asked += [(n, _first(c["ask"])) for c in group[1:]]
    others = [_first(c["ask"]) for g in by_evidence.values() if len(g) == 1 for c in g]
    abstain = [_first(c["ask"]) for c in cases if c.get("kind") == "abstain"]
    right = wrong = 0
    for n, question in asked:
        match = matcher.best(question, curated)
        right += bool(match and match.answer_id == n)
        wrong += bool(match and match.answer_id != n)
    false_others = sum(1 for q in others if matcher.best(q, curated))
    false_abstain = sum(1 for q in abstain if matcher.best(q, curated))
    return [
        f"curated answers: {len(curated)} (one phrasing each), bank {half}",
        f"  same evidence, other words: {right}/{len(asked)} matched, {wrong} matched another answer",
        f"  other answerable questions matched anyway: {false_others}/{len(others)}",
        f"  must-abstain questions matched: {false_abstain}/{len(abstain)}",
    ]


if __name__ == "__main__":
    main()
