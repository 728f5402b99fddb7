"""Command line: ``python -m index build|status|search "fråga"``."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from index import store
from index.service import SearchEngine
from knowledge.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the index when it is missing or stale")
    b.add_argument("--force", action="store_true", help="rebuild even when up to date")
    sub.add_parser("status", help="say whether the index is up to date (exit 1 when not)")
    s = sub.add_parser("search", help="search the index and print the best passages")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()

    reasons = store.staleness(settings.sources_dir, settings.index_dir, settings.embedding_model)
    if args.command == "status":
        print("index up to date" if not reasons else "index stale: " + "; ".join(reasons))
        return 1 if reasons else 0
    engine = SearchEngine(settings)
    if args.command == "build":
        if not reasons and not args.force:
            print(f"index up to date in {settings.index_dir}")
            return 0
        start = time.perf_counter()
        manifest = store.build(
            settings.sources_dir, settings.index_dir, engine.embedder, settings.embedding_model
        )
        took = time.perf_counter() - start
        print(f"built {manifest.chunks} passages, {manifest.units} sentence units in {took:.1f} s")
        return 0
    if reasons:
        print("index stale: " + "; ".join(reasons) + ". Run `python -m index build`.", file=sys.stderr)
        return 1
    answer = engine.answer(args.query)
    result = answer.result
    print(f"terms: {' '.join(result.terms)}  coverage: {result.coverage:.2f}")
    for hit in result.hits[: args.k]:
        c = hit.chunk
        scores = f"rrf={hit.score:.4f} bm25={hit.bm25:.2f} cos={hit.dense:.3f}"
        print(f"{hit.rank}. [{c.doc_id} | {c.section}] {scores}")
        print("   " + c.text.replace("\n", " ")[:200])
    reading = answer.reading
    if reading:
        print(f"\nasked for: {reading.answer_type}  unknown words: {' '.join(result.analysis.unknown)}")
        print(f"answer ({reading.section}; cos={reading.dense:.3f} lexical={reading.lexical:.2f}):")
        print(reading.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
