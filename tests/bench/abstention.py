"""How the abstention rule separates answerable from off-topic questions (NLU intent not used).

python -m tests.bench.abstention [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from actions.sources import SourceAnswerer
from index.service import SearchEngine
from knowledge.answer import AnswerKind
from knowledge.settings import get_settings

CASES = Path(__file__).with_name("abstention.yaml")


def run(verbose: bool = False) -> dict[str, float]:
    settings = get_settings()
    engine = SearchEngine(settings)
    engine.ensure_index(rebuild=True)
    answerer = SourceAnswerer(engine, settings)
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    answered_on = abstained_off = 0
    on = [c for c in cases if c["answer"]]
    off = [c for c in cases if not c["answer"]]
    for case in cases:
        answer = answerer.answer(case["q"])
        answered = answer.kind is not AnswerKind.ABSTAIN
        if case["answer"] and answered:
            answered_on += 1
        if not case["answer"] and not answered:
            abstained_off += 1
        if verbose or answered != case["answer"]:
            mark = "ok  " if answered == case["answer"] else "MISS"
            print(f"{mark} {'answered' if answered else 'abstained'} ({answer.confidence:.2f}): {case['q']}")
    figures = {"answered_on_topic": answered_on / len(on), "abstained_off_topic": abstained_off / len(off)}
    print(
        f"abstention: answered {answered_on}/{len(on)} answerable questions, "
        f"abstained on {abstained_off}/{len(off)} off-topic ones (retrieval signals alone, no NLU)"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    run(parser.parse_args().verbose)
