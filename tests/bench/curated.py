"""How curated answers match questions they were not written for.

    .venv/bin/python -m tests.bench.curated [--half dev|test]

Two measures, in process with the real model and index (no database):
- the paraphrase set (tests/eval/curated-paraphrases.yaml): 20 curated answers with their own
  phrasings, and questions written apart by another writer: how many of the 40 that each answer
  answers are found, missed or matched to another answer, and how many of the 20 near misses
  (nearby questions an answer does not answer) get that answer anyway; and how many bank
  questions (which no curated answer was written for) get one;
- from the bank: every answerable case whose evidence is shared with another case becomes, once,
  a curated answer with that case's question as its only phrasing; every other question is then
  matched against them all (recall, wrong answer, false match).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from functools import cache

import yaml

from actions.core.curated import CuratedAnswers
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from knowledge.curated import Content, CuratedStore
from knowledge.db import Database
from knowledge.settings import PROJECT_ROOT, get_settings
from tests.bench.bank import load


def _first(ask: object) -> str:
    return ask if isinstance(ask, str) else str(ask)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="dev")
    args = parser.parse_args()
    print("\n".join(paraphrase_report(args.half) + report(args.half)))


PARAPHRASES = PROJECT_ROOT / "tests" / "eval" / "curated-paraphrases.yaml"


def paraphrase_report(half: str) -> list[str]:
    """The paraphrase set's figures, as printed lines."""
    matcher = _matcher()
    answers = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    ids = {a["id"]: n for n, a in enumerate(answers)}
    curated = [
        matcher.candidate(n, Content(tuple(a["phrasings"]), a["answer"], (), "all"))
        for n, a in enumerate(answers)
    ]
    found = missed = wrong = near = 0
    for answer in answers:
        for question in answer["asks"]:
            match = matcher.best(question, curated)
            found += bool(match and match.answer_id == ids[answer["id"]])
            missed += match is None
            wrong += bool(match and match.answer_id != ids[answer["id"]])
        for question in answer["near_misses"]:
            match = matcher.best(question, curated)
            near += bool(match and match.answer_id == ids[answer["id"]])
    bank = [_first(c["ask"]) for c in load(half) if isinstance(c.get("ask"), str)]
    false_bank = sum(1 for q in bank if matcher.best(q, curated))
    asked = sum(len(a["asks"]) for a in answers)
    misses = sum(len(a["near_misses"]) for a in answers)
    return [
        f"curated paraphrases ({len(answers)} answers, questions written apart): {found}/{asked} found, "
        f"{missed} missed, {wrong} wrongly matched; near misses given the answer: {near}/{misses}; "
        f"bank {half} questions matched to one: {false_bank}/{len(bank)}",
    ]


@cache
def _matcher() -> CuratedAnswers:
    """The matcher over the built index, loaded once for every report of a run."""
    settings = get_settings()
    engine = SearchEngine(settings)
    engine.ensure_index(rebuild=False)
    Database("sqlite://").init()  # the matcher is asked directly; its store stays empty
    store = CuratedStore("sqlite://")
    similarity = QuestionSimilarity(lambda: engine.retriever)
    return CuratedAnswers(store, similarity, dict, lambda: engine.learned.phrasings, 0.0)


def report(half: str) -> list[str]:
    """The figures for one half of the bank, as printed lines."""
    matcher = _matcher()
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
