"""Command line: ``python -m index build|status|search "fråga"``."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from index import store
from index.evidence import Asked
from index.service import SearchEngine
from knowledge.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the index when it is missing or stale")
    b.add_argument("--force", action="store_true", help="rebuild even when up to date")
    sub.add_parser("status", help="say whether the index is up to date (exit 1 when not)")
    s = sub.add_parser("search", help="weigh a question against the units and print the best")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()

    reasons = store.staleness(
        settings.sources_dir, settings.index_dir, settings.embedding_model, settings.questions_dir
    )
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
            settings.sources_dir,
            settings.index_dir,
            engine.embedder,
            settings.embedding_model,
            settings.questions_dir,
            engine.analyzer,
        )
        took = time.perf_counter() - start
        print(
            f"built {manifest.chunks} passages, {manifest.units} sentence units and "
            f"{manifest.questions} written questions in {took:.1f} s"
        )
        return 0
    if reasons:
        print("index stale: " + "; ".join(reasons) + ". Run `python -m index build`.", file=sys.stderr)
        return 1
    judgement = engine.judge(Asked(args.query))
    print(f"asked for: {judgement.evidence.analysis.answer_type}  "
          f"probability that the sources answer it: {judgement.probability:.3f}")  # fmt: skip
    units = engine.evidence.units
    for place, i in enumerate(judgement.ranked.order[: args.k], start=1):
        unit = units[i]
        share = judgement.ranked.probabilities[i]
        print(f"{place}. [{unit.doc_id} | {unit.section}] p={share:.3f}")
        print("   " + unit.text.replace("\n", " ")[:200])
    return 0


if __name__ == "__main__":
    sys.exit(main())
