"""Leave one document out: what a newly added agreement gets before anyone wrote questions for it.

    .venv/bin/python -m tests.bench.lodo [--half test] [--documents ID ...]

For each document, the index is built (in a throwaway directory, about two minutes) from the
question corpus without that document's written questions, so neither the question index nor the
learned ranker and decision have seen a question about it; then the half's cases that cite the
document (``source`` or ``sources``) are asked in process. Printed per document: the answer pass
rate on those cases.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from knowledge.documents import load_documents
from knowledge.questions import ABSTAIN_FILE
from knowledge.settings import get_settings
from tests.bench import bank
from tests.bench.local import core_for_bench


def cites(case: dict[str, Any], doc_id: str) -> bool:
    return not bank.must_abstain(case) and doc_id in {case.get("source"), *(case.get("sources") or [])}


def without(questions_dir: Path, doc_id: str, out: Path) -> Path:
    """A copy of the question files with ``doc_id``'s left out."""
    out.mkdir(parents=True)
    for path in questions_dir.glob("*.yaml"):
        if path.name == ABSTAIN_FILE or path.stem != doc_id:
            shutil.copy(path, out / path.name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--half", default="test")
    parser.add_argument("--documents", nargs="*", help="the documents to leave out (all by default)")
    args = parser.parse_args(argv)
    settings = get_settings()
    documents = args.documents or [d.id for d in load_documents(settings.sources_dir)]
    for doc_id in documents:
        with tempfile.TemporaryDirectory(prefix="hok-lodo-") as tmp:
            left_out = settings.model_copy(
                update={
                    "questions_dir": without(settings.questions_dir, doc_id, Path(tmp) / "questions"),
                    "index_dir": Path(tmp) / "build",
                }
            )
            core = core_for_bench(left_out)
            report = bank.run_in_process(args.half, core=core, only=lambda c, d=doc_id: cites(c, d))
            ok, n = report.rate(False)
            print(f"left out {doc_id}: its {args.half} cases answered {ok}/{n} = {ok / max(n, 1):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
