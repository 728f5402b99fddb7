"""Passage Recall@1/3/5 on the dev questions that name a source document.

python -m tests.bench.retrieval [-v]
"""

from __future__ import annotations

import argparse
import statistics
import time

from index.service import SearchEngine
from knowledge.settings import get_settings
from tests.bench.devset import answers, load_cases

KS = (1, 3, 5)


def run(verbose: bool = False) -> dict[str, float]:
    engine = SearchEngine(get_settings())
    engine.ensure_index(rebuild=True)
    engine.warm_up()
    cases = [c for c in load_cases() if c.source]
    found = {k: 0 for k in KS}
    took = []
    for case in cases:
        start = time.perf_counter()
        result = engine.search(case.question, top_k=max(KS))
        took.append(time.perf_counter() - start)
        rank = next((h.rank for h in result.hits if answers(case, h.chunk)), None)
        for k in KS:
            found[k] += rank is not None and rank <= k
        if verbose or rank != 1:
            top = result.hits[0].chunk
            print(f"{case.id} rank={rank} top={top.doc_id}/{top.section}: {case.question}")
    n = len(cases)
    figures = {f"recall@{k}": found[k] / n for k in KS}
    figures["search_median_ms"] = statistics.median(took) * 1000
    print(
        f"passage recall over {n} dev questions with a source: "
        + "  ".join(f"R@{k} {found[k] / n:.2f}" for k in KS)
        + f"  (search median {figures['search_median_ms']:.0f} ms)"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    run(parser.parse_args().verbose)
