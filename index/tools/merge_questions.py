"""Merge the blind writers' files into the question corpus (knowledge/questions/).

    .venv/bin/python -m index.tools.merge_questions OUT_DIR [--add] --exclude tests/eval/bank-dev.yaml \
        tests/eval/bank-test.yaml

The writers (prompts in knowledge/questions/prompts/given/) each wrote one file in OUT_DIR:
``units-<persona>-<group>.yaml`` (questions per unit id, u01 … in document order, of the units
the unit lister gave them) and ``abstain-<x>.yaml`` (questions the sources do not answer). This
tool anchors each question to its unit's text, drops exact repeats, and drops every question that
is, or is within cosine ``--max-cosine`` of, a question of the excluded files (the question bank:
nothing evaluated on may be trained on). Questions are compared as the assistant embeds them
(with the å/ä/ö they were typed without restored: index/diacritics.py). It prints what it dropped
and why. With ``--add``, the questions already in the corpus are kept (first, as they are, through
the same checks) and OUT_DIR's are added to them: a new writer joins without the earlier writers'
files, and run with an empty OUT_DIR it checks the corpus again.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from index.question_index import in_context
from index.store import chunk_corpus
from index.units import Unit, units_of
from knowledge.documents import load_documents
from knowledge.questions import ABSTAIN_FILE, QUESTIONS_DIR, anchor_key, load_refused
from knowledge.settings import get_settings
from knowledge.text import fold

# Which persona wrote each must-abstain file (knowledge/questions/prompts/given/abstain-*.md).
ABSTAIN_WRITERS = {"abstain-a": "district-administrator", "abstain-b": "health-centre-nurse",
                   "abstain-c": "municipal-mas", "abstain-d": "keyword-searcher",
                   "abstain-e": "teams-writer", "abstain-f": "district-administrator",
                   "abstain-g": "health-centre-nurse"}  # fmt: skip
HEADER = """# Written questions for {doc} ({title}): for each answer unit (anchored by its text), the
# questions it answers, written blind from the sources by writers with different personas
# (knowledge/questions/prompts/). Built by index/tools/merge_questions.py; edit freely: a unit
# whose text changes in the source must be re-anchored (the index build says which).
"""
ABSTAIN_HEADER = """# Questions the sources do not answer, which the assistant must refuse: near-topic,
# off-topic, chit-chat and injections, written blind (knowledge/questions/prompts/abstain.md).
# Built by index/tools/merge_questions.py; edit freely.
"""


def bank_questions(paths: list[Path]) -> list[str]:
    """Every turn of every case, and every turn with the one before it (as a follow-up is read)."""
    out: list[str] = []
    for path in paths:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            asked = [str(a) for a in (case["ask"] if isinstance(case["ask"], list) else [case["ask"]])]
            out.extend(asked)
            out.extend(f"{a} {b}" for a, b in itertools.pairwise(asked))
    return list(dict.fromkeys(out))


def _items(value: Any, persona: str | None = None) -> list[tuple[str, str | None, str]]:
    """A writer's questions for one unit (``persona``: theirs; None: each names its own ``by``)."""
    if value == "skip" or value is None:
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            after = str(item["after"]).strip() if item.get("after") else None
            out.append((str(item["q"]).strip(), after, persona or str(item["by"])))
        else:
            out.append((str(item).strip(), None, persona or "unknown"))
    return out


def _entries(path: Path) -> list[dict[str, Any]]:
    """The units of a document's question file, in order."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["units"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--max-cosine", type=float, default=0.95)
    parser.add_argument("--to", type=Path, default=QUESTIONS_DIR)
    parser.add_argument("--add", action="store_true", help="keep the corpus in --to and add to it")
    args = parser.parse_args(argv)
    settings = get_settings()
    documents = {d.id: d for d in load_documents(settings.sources_dir)}
    units_by_doc: dict[str, list[Unit]] = defaultdict(list)
    for unit in units_of(chunk_corpus(list(documents.values()))):
        units_by_doc[unit.doc_id].append(unit)

    # (doc, unit index) -> list of (question, after, persona); and skips
    written: dict[tuple[str, int], list[tuple[str, str | None, str]]] = defaultdict(list)
    skipped: dict[tuple[str, int], set[str]] = defaultdict(set)
    refused: list[tuple[str, str | None, str, str]] = []
    if args.add:
        for doc_id, units in units_by_doc.items():
            path = args.to / f"{doc_id}.yaml"
            entries_before = _entries(path) if path.exists() else []  # a new document has none yet
            for index, (unit, old) in enumerate(zip(units, entries_before, strict=bool(entries_before))):
                if anchor_key(old["unit"]) != anchor_key(unit.text):
                    raise SystemExit(f"{doc_id}.yaml: unit {index + 1} no longer matches the source")
                written[(doc_id, index)].extend(_items(old.get("questions")))
        refused.extend((r.text, r.after, r.category, r.by) for r in load_refused(args.to / ABSTAIN_FILE))
    for path in sorted(args.out_dir.glob("units-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        persona = data["persona"]
        for doc_id, per_unit in data["documents"].items():
            units = units_by_doc[doc_id]
            for key, value in per_unit.items():
                index = int(str(key).lstrip("u")) - 1
                if not 0 <= index < len(units):
                    raise SystemExit(f"{path.name}: {doc_id} has no unit {key}")
                if value == "skip":
                    skipped[(doc_id, index)].add(persona)
                written[(doc_id, index)].extend(_items(value, persona))
    for path in sorted(args.out_dir.glob("abstain-*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            after = str(item["after"]).strip() if item.get("after") else None
            refused.append((str(item["q"]).strip(), after, item["category"], ABSTAIN_WRITERS[path.stem]))

    # Leakage: nothing within max_cosine of a bank question (as the user's text, or a follow-up
    # with the question it follows), nor equal to one once folded.
    excluded = bank_questions(args.exclude)
    from index.service import SearchEngine

    embedder = SearchEngine(settings).embedder
    bank_vectors = embedder.embed_queries(excluded) if excluded else np.zeros((0, 384), np.float32)
    bank_folded = {fold(q) for q in excluded}

    def leaks(texts: list[str]) -> list[float]:
        if not len(bank_vectors):
            return [0.0] * len(texts)
        vectors = embedder.embed_queries(texts)
        return (vectors @ bank_vectors.T).max(axis=1).tolist()

    def forms(text: str, after: str | None) -> list[str]:
        """A question as it is written and, for a follow-up, with the question it follows."""
        return [text] if after is None else [text, f"{after} {text}"]

    items = [(t, a) for qs in written.values() for t, a, _ in qs] + [(t, a) for t, a, _, _ in refused]
    all_texts = list(dict.fromkeys(f for t, a in items for f in forms(t, a)))
    closest = dict(zip(all_texts, leaks(all_texts), strict=True))
    dropped = {"repeat": 0, "bank": 0}

    def keep(text: str, after: str | None, seen: set[str]) -> bool:
        key = fold(in_context(text, after))
        if key in seen:
            dropped["repeat"] += 1
            return False
        for form in forms(text, after):
            if fold(form) in bank_folded or closest[form] >= args.max_cosine:
                dropped["bank"] += 1
                print(f"  dropped (cosine {closest[form]:.3f} to a bank question): {form}")
                return False
        seen.add(key)
        return True

    seen: set[str] = set()
    for doc_id, units in units_by_doc.items():
        entries = []
        for index, unit in enumerate(units):
            questions = [
                {"q": t, **({"after": a} if a else {}), "by": p}
                for t, a, p in written.get((doc_id, index), [])
                if keep(t, a, seen)
            ]
            entry: dict[str, Any] = {"unit": unit.text}
            if questions:
                entry["questions"] = questions
            else:
                entry["answers_nothing"] = True
            entries.append(entry)
        document = documents[doc_id]
        body = yaml.safe_dump(
            {"document": doc_id, "units": entries}, allow_unicode=True, sort_keys=False, width=110
        )
        (args.to / f"{doc_id}.yaml").write_text(
            HEADER.format(doc=doc_id, title=document.title) + body, "utf-8"
        )
        counts = [len(e.get("questions", [])) for e in entries]
        print(f"{doc_id}: {len(entries)} units, {sum(counts)} questions, min {min(counts)} per unit; "
              f"{sum(1 for e in entries if e.get('answers_nothing'))} answer nothing")  # fmt: skip
    kept = [
        {"q": t, **({"after": a} if a else {}), "category": c, "by": p}
        for t, a, c, p in refused
        if keep(t, a, seen)
    ]
    body = yaml.safe_dump({"questions": kept}, allow_unicode=True, sort_keys=False, width=110)
    (args.to / ABSTAIN_FILE).write_text(ABSTAIN_HEADER + body, "utf-8")
    print(f"{ABSTAIN_FILE}: {len(kept)} questions")
    print(f"dropped: {dropped['repeat']} repeats, {dropped['bank']} near a bank question")
    return 0


if __name__ == "__main__":
    sys.exit(main())
