"""Build the question bank once: the blind-written cases (tests/eval/blind/), the hand-checked
edits (tests/eval/curation.yaml), and a split by passage with a fixed seed into a dev half
(looked at, tuned on) and a test half (only ever scored).

    .venv/bin/python -m tests.eval.build_bank          # writes tests/eval/bank-{dev,test}.yaml
    .venv/bin/python -m tests.eval.build_bank --workplace   # writes bank-workplace-{dev,test}.yaml

The workplace additions (tests/eval/blind/workplace/: long Teams messages, and conversations of
three turns whose topic changes at each turn; edits in curation-workplace.yaml) are split the
same way without touching the halves made before: a long message goes to the half its evidence
passage already belongs to, new passages and cases without one are split by the same seed; a
conversation's turns are checked one by one (``turns``), the first and last also in ask_bot.py's
form (``first``, ``expect``).

Every answerable case is assigned to the passage of the current chunker that holds its
`evidence`; all cases of one passage land in the same half, so no test question shares a
passage with a question tuned on. Cases without a passage (must-abstain, register) are split
by the same seed. The output files are committed: the split is made once and not redone.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from index.models import Chunk
from index.store import chunk_corpus
from knowledge.documents import load_documents
from knowledge.settings import get_settings
from tests.eval.passages import passages_for

HERE = Path(__file__).parent
BLIND = HERE / "blind"
CURATION = HERE / "curation.yaml"
WORKPLACE = BLIND / "workplace"
WORKPLACE_CURATION = HERE / "curation-workplace.yaml"
SEED = 20261201
OUT = {"dev": HERE / "bank-dev.yaml", "test": HERE / "bank-test.yaml"}
WORKPLACE_OUT = {"dev": HERE / "bank-workplace-dev.yaml", "test": HERE / "bank-workplace-test.yaml"}
HEADER = """# HÖK-assistenten question bank, {half} half ({count} cases), built by tests/eval/build_bank.py.
# Written blind (a writer who saw only ../shared/sources/), checked by hand (tests/eval/curation.yaml),
# split by passage with seed {seed}. Format of ../shared/eval/devset.yaml, plus:
#   sources:  every document that states the answer (the reply must cite one of them)
#   evidence: the source sentence(s) that answer the question (for passage recall)
#   category: for must-abstain cases, near-topic | off-topic | injection
# {purpose}
"""
PURPOSE = {
    "dev": "The dev half: look at it and tune on it.",
    "test": "The test half: only ever scored (make bench); never tuned on.",
}


def load_blind() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(BLIND.glob("*.yaml")):
        cases.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    return cases


def _expand(names: str | list[str], aliases: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name in [names] if isinstance(names, str) else names:
        value = aliases.get(name, name)
        out.extend(_expand(value, aliases) if isinstance(value, list) else [value])
    return list(dict.fromkeys(out))


def curate(cases: list[dict[str, Any]], curation: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {c["id"]: c for c in cases}
    aliases = curation["aliases"]
    for edit in curation["edits"]:
        case = by_id[edit["id"]]
        if "sources" in edit:
            sources = _expand(edit["sources"], aliases)
            assert case["source"] in sources, edit
            case["sources"] = sources
            if len(sources) > 1:
                del case["source"]
        for group, extra in (edit.get("expect_add") or {}).items():
            case["expect"][int(group)] = list(dict.fromkeys([*case["expect"][int(group)], *extra]))
        for key in ("expect", "kind", "category"):
            if key in edit:
                if edit[key] is None:
                    case.pop(key, None)
                else:
                    case[key] = edit[key]
    return cases


def split(cases: list[dict[str, Any]], chunks: list[Chunk]) -> dict[str, list[dict[str, Any]]]:
    by_passage: dict[str, list[dict[str, Any]]] = defaultdict(list)
    loose: list[dict[str, Any]] = []
    for case in cases:
        found = passages_for(case, chunks) if case.get("evidence") else []
        if found:
            by_passage[found[0].id].append(case)
        else:
            loose.append(case)
    rng = random.Random(SEED)
    passages = sorted(by_passage)
    rng.shuffle(passages)
    halves: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    for i, passage in enumerate(passages):
        halves["dev" if i % 2 == 0 else "test"].extend(by_passage[passage])
    loose.sort(key=lambda c: c["id"])
    rng.shuffle(loose)
    for i, case in enumerate(loose):
        halves["dev" if i % 2 == 0 else "test"].append(case)
    for half in halves.values():
        half.sort(key=lambda c: c["id"])
    return halves


def curate_workplace(cases: list[dict[str, Any]], curation: dict[str, Any]) -> list[dict[str, Any]]:
    """The workplace edits (``sources`` only; a turn is named "<id>#<turn>"), then each
    conversation's first and last turn in ask_bot.py's form."""
    aliases = curation["aliases"]
    by_id = {c["id"]: c for c in cases}
    for edit in curation["edits"]:
        case_id, _, turn = str(edit["id"]).partition("#")
        target = by_id[case_id]["turns"][int(turn) - 1] if turn else by_id[case_id]
        sources = _expand(edit["sources"], aliases)
        assert target["source"] in sources, edit
        target["sources"] = sources
        del target["source"]
    for case in cases:
        case["set"] = "conversation" if "turns" in case else "long"
        if "turns" in case:
            first, last = case["turns"][0], case["turns"][-1]
            if first.get("expect"):
                case["first"] = copy.deepcopy(first["expect"])
            for key in ("expect", "source", "sources", "kind", "category"):
                if key in last:
                    case[key] = copy.deepcopy(last[key])
    return cases


def passage_halves(halves: dict[str, list[dict[str, Any]]], chunks: list[Chunk]) -> dict[str, str]:
    """The half each evidence passage of the existing bank belongs to."""
    out: dict[str, str] = {}
    for name, cases in halves.items():
        for case in cases:
            found = passages_for(case, chunks) if case.get("evidence") else []
            if found:
                out.setdefault(found[0].id, name)
    return out


def split_workplace(
    cases: list[dict[str, Any]], chunks: list[Chunk], known: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Long messages by passage (a passage keeps the half it has), the rest by the seed."""
    halves: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    new_passages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    loose: list[dict[str, Any]] = []
    for case in cases:
        found = passages_for(case, chunks) if case["set"] == "long" and case.get("evidence") else []
        if found and found[0].id in known:
            halves[known[found[0].id]].append(case)
        elif found:
            new_passages[found[0].id].append(case)
        else:
            loose.append(case)
    rng = random.Random(SEED)
    passages = sorted(new_passages)
    rng.shuffle(passages)
    for i, passage in enumerate(passages):
        halves["dev" if i % 2 == 0 else "test"].extend(new_passages[passage])
    loose.sort(key=lambda c: c["id"])
    rng.shuffle(loose)
    for i, case in enumerate(loose):
        halves["dev" if i % 2 == 0 else "test"].append(case)
    for half in halves.values():
        half.sort(key=lambda c: c["id"])
    return halves


def build_workplace(chunks: list[Chunk]) -> None:
    cases: list[dict[str, Any]] = []
    for path in sorted(WORKPLACE.glob("*.yaml")):
        cases.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    cases = curate_workplace(cases, yaml.safe_load(WORKPLACE_CURATION.read_text(encoding="utf-8")))
    existing = {name: list(yaml.safe_load(path.read_text(encoding="utf-8"))) for name, path in OUT.items()}
    for name, half in split_workplace(cases, chunks, passage_halves(existing, chunks)).items():
        text = WORKPLACE_HEADER.format(half=name, count=len(half), seed=SEED, purpose=PURPOSE[name])
        body = yaml.safe_dump(half, allow_unicode=True, sort_keys=False, width=110)
        WORKPLACE_OUT[name].write_text(text + "\n" + body, encoding="utf-8")
        counts = {kind: sum(c["set"] == kind for c in half) for kind in ("long", "conversation")}
        print(f"{WORKPLACE_OUT[name].name}: {len(half)} cases {counts}")


WORKPLACE_HEADER = """# HÖK-assistenten question bank, workplace additions, {half} half ({count} cases),
# built by tests/eval/build_bank.py --workplace: long Teams messages (set: long) and three-turn conversations
# whose topic changes at each turn (set: conversation, each turn checked in `turns`), written
# blind (tests/eval/blind/given/), checked by hand (tests/eval/curation-workplace.yaml), split with
# seed {seed} the way the bank was (a long message joins its evidence passage's half).
# {purpose}
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workplace", action="store_true", help="build the workplace additions only")
    args = parser.parse_args()
    settings = get_settings()
    chunks = chunk_corpus(load_documents(settings.sources_dir))
    if args.workplace:
        build_workplace(chunks)
        return 0
    curation = yaml.safe_load(CURATION.read_text(encoding="utf-8"))
    cases = curate(load_blind(), curation)
    for name, half in split(cases, chunks).items():
        text = HEADER.format(half=name, count=len(half), seed=SEED, purpose=PURPOSE[name])
        body = yaml.safe_dump(half, allow_unicode=True, sort_keys=False, width=110)
        OUT[name].write_text(text + "\n" + body, encoding="utf-8")
        print(f"{OUT[name].name}: {len(half)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
