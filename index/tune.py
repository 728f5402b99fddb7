"""The domain-tuned embedding model: multilingual-e5-small fine-tuned on the written questions.

    python -m index.tune [--base DIR] [--out DIR] [--force]

Contrastive training (in-batch negatives plus one hard negative per pair, the loss of
sentence-transformers' MultipleNegativesRankingLoss) on two kinds of pairs built from the committed
question corpus (knowledge/questions/):
- a written question and the unit it answers (``query: `` / ``passage: `` with title and section),
  the hard negative being the other unit of the sources the base model finds closest;
- two written questions of the same unit (both ``query: ``), as the question index compares them.
A batch never holds two pairs of one unit, so no in-batch negative is really a positive. Only the
top ``tuned_layers`` transformer layers are tuned: the states below them are computed once per text
and kept, so a step costs a few layers' forward and backward pass, and the rest of the model (the
word embeddings above all, which generalise to words the corpus does not use) stays as it was.
Everything is seeded and on the CPU; the output directory records what it was tuned from
(``tuning.json``: base model, question corpus, sources), and the index refuses a tuned model whose
record no longer matches (``index.store.staleness``). Nothing is committed: ``make tune`` builds it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.analysis import SwedishAnalyzer
from index.manifest import (
    TUNER_VERSION,
    TUNING_FILE,
    TuningRecord,
    corpus_hash,
    model_fingerprint,
    stale_tuning,
)
from index.question_index import in_context
from index.service import learn_restorer
from index.store import chunk_corpus
from index.units import Unit, anchored, units_of
from knowledge.documents import load_documents
from knowledge.questions import QuestionCorpus, load_corpus
from knowledge.settings import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)
DEFAULT_BASE = PROJECT_ROOT / ".models" / "multilingual-e5-small"
DEFAULT_OUT = PROJECT_ROOT / ".models" / "hok-e5-tuned"


@dataclass(frozen=True)
class TuningParameters:
    seed: int = 20261206
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 3e-5
    warmup_share: float = 0.1
    scale: float = 20.0  # the inverse temperature of the contrastive softmax
    max_tokens: int = 96
    question_pairs_per_unit: int = 4  # (question, question) pairs drawn per unit
    tuned_layers: int = 3  # the top transformer layers tuned; the rest are frozen


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    negative: str
    unit: str  # the unit both point at (a batch holds one pair per unit)


def _questions_by_unit(corpus: QuestionCorpus, anchors: dict[str, Unit]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for q in corpus.questions:
        unit = anchors.get(q.anchor_id)
        if unit is not None:
            out[unit.id].append(in_context(q.text, q.after))
    return out


def build_pairs(
    units: Sequence[Unit],
    by_unit: dict[str, list[str]],
    unit_vectors: np.ndarray,
    question_vectors: dict[str, np.ndarray],
    parameters: TuningParameters,
) -> list[Pair]:
    """(question, its unit, the closest other unit) and (question, question of the same unit,
    a question of the closest other unit) pairs."""
    rng = random.Random(parameters.seed)
    position = {u.id: i for i, u in enumerate(units)}
    pairs: list[Pair] = []
    for unit_id, questions in sorted(by_unit.items()):
        i = position[unit_id]
        for q in questions:
            sims = unit_vectors @ question_vectors[q]
            sims[i] = -np.inf
            hard = units[int(np.argmax(sims))]
            pairs.append(Pair("query: " + q, "passage: " + units[i].indexed_text,
                              "passage: " + hard.indexed_text, unit_id))  # fmt: skip
        if len(questions) >= 2:
            others = [u for u in by_unit if u != unit_id]
            for _ in range(parameters.question_pairs_per_unit):
                a, b = rng.sample(questions, 2)
                sims = unit_vectors @ question_vectors[a]
                sims[i] = -np.inf
                ranked = [units[int(j)].id for j in np.argsort(-sims)]
                near = next((u for u in ranked if u in by_unit), rng.choice(others))
                pairs.append(
                    Pair("query: " + a, "query: " + b, "query: " + rng.choice(by_unit[near]), unit_id)
                )
    return pairs


def batches(pairs: Sequence[Pair], size: int, seed: int) -> list[list[Pair]]:
    """Shuffled batches in which no unit appears twice."""
    rng = random.Random(seed)
    pool = list(pairs)
    rng.shuffle(pool)
    out: list[list[Pair]] = []
    while pool:
        batch: list[Pair] = []
        seen: set[str] = set()
        rest: list[Pair] = []
        for pair in pool:
            if len(batch) < size and pair.unit not in seen:
                batch.append(pair)
                seen.add(pair.unit)
            else:
                rest.append(pair)
        out.append(batch)
        pool = rest
    return out


def tune(base: Path, out: Path, parameters: TuningParameters | None = None) -> TuningRecord:
    import torch
    from sentence_transformers import SentenceTransformer

    p = parameters or TuningParameters()
    settings = get_settings()
    started = time.perf_counter()
    random.seed(p.seed)
    np.random.seed(p.seed)
    torch.manual_seed(p.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))

    documents = load_documents(settings.sources_dir)
    units = units_of(chunk_corpus(documents))
    corpus = load_corpus(settings.questions_dir)
    anchors = anchored(units, corpus, [d.id for d in documents])
    restore = learn_restorer(settings, SwedishAnalyzer()).restore  # read as the engine reads them
    by_unit = {u: [restore(q) for q in qs] for u, qs in _questions_by_unit(corpus, anchors).items()}

    model = SentenceTransformer(str(base), device="cpu", local_files_only=True)
    model.max_seq_length = p.max_tokens
    with torch.no_grad():
        unit_vectors = model.encode(["passage: " + u.indexed_text for u in units], normalize_embeddings=True,
                                    batch_size=32, show_progress_bar=False)  # fmt: skip
        texts = sorted({q for qs in by_unit.values() for q in qs})
        encoded = model.encode(["query: " + t for t in texts], normalize_embeddings=True, batch_size=64,
                               show_progress_bar=False)  # fmt: skip
    question_vectors = dict(zip(texts, encoded, strict=True))
    pairs = build_pairs(units, by_unit, np.asarray(unit_vectors), question_vectors, p)
    log.info("tuning on %d pairs over %d units", len(pairs), len(by_unit))

    bert: Any = model[0].auto_model
    layers: Any = bert.encoder.layer
    first_tuned = len(layers) - p.tuned_layers
    for parameter in model.parameters():
        parameter.requires_grad = False
    for layer in layers[first_tuned:]:
        for parameter in layer.parameters():
            parameter.requires_grad = True
    texts_needed = sorted({t for pair in pairs for t in (pair.anchor, pair.positive, pair.negative)})
    states = _frozen_states(model, layers[first_tuned], texts_needed)
    trainable = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=p.learning_rate)
    plan = [b for epoch in range(p.epochs) for b in batches(pairs, p.batch_size, p.seed + epoch)]
    warmup = max(1, int(p.warmup_share * len(plan)))

    def embed(texts: list[str]) -> torch.Tensor:
        """Mean-pooled, normalised embeddings through the tuned layers, from the kept states."""
        length = max(len(states[t]) for t in texts)
        hidden = torch.zeros(len(texts), length, states[texts[0]].shape[1])
        mask = torch.zeros(len(texts), length, dtype=torch.bool)
        for i, t in enumerate(texts):
            hidden[i, : len(states[t])] = states[t]
            mask[i, : len(states[t])] = True
        attention = mask[:, None, None, :].expand(len(texts), 1, length, length)
        for layer in layers[first_tuned:]:
            hidden = layer(hidden, attention)
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return torch.nn.functional.normalize(pooled, dim=-1)

    model.train()
    for step, batch in enumerate(plan, start=1):
        rate = p.learning_rate * min(step / warmup, (len(plan) - step + 1) / max(1, len(plan) - warmup))
        for group in optimizer.param_groups:
            group["lr"] = rate
        distinct = list(dict.fromkeys([b.anchor for b in batch] + [b.positive for b in batch]
                                      + [b.negative for b in batch]))  # fmt: skip
        vectors = embed(distinct)
        row = {t: i for i, t in enumerate(distinct)}
        anchors_v = vectors[[row[b.anchor] for b in batch]]
        candidates = vectors[[row[b.positive] for b in batch] + [row[b.negative] for b in batch]]
        scores = p.scale * anchors_v @ candidates.T
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 20 == 0 or step == len(plan):
            log.info("step %d/%d loss %.4f", step, len(plan), loss.item())
    model.eval()

    if out.exists():
        shutil.rmtree(out)
    model.save(str(out))
    for name in ("LICENSE-NOTICE.txt",):
        if (base / name).exists():
            shutil.copy(base / name, out / name)
    record = TuningRecord(
        tuner_version=TUNER_VERSION,
        base_fingerprint=model_fingerprint(str(base)),
        questions_fingerprint=corpus.fingerprint,
        sources_hash=corpus_hash(list(settings.sources_dir.glob("*.md"))),
        parameters=asdict(p),
        pairs=len(pairs),
        seconds=round(time.perf_counter() - started, 1),
    )
    (out / TUNING_FILE).write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    return record


class _Stop(Exception):
    """Raised by the hook that keeps a layer's input: nothing above it needs computing."""


def _frozen_states(model: Any, layer: Any, texts: Sequence[str], batch_size: int = 64) -> dict[str, Any]:
    """Each text's hidden states as they enter ``layer`` (its tokens only), computed once."""
    import torch

    kept: dict[str, Any] = {}
    captured: list[Any] = []

    def hook(_module: Any, args: tuple[Any, ...], _kwargs: dict[str, Any]) -> None:
        captured.append(args[0].detach())
        raise _Stop

    handle = layer.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        for start in range(0, len(texts), batch_size):
            chunk = list(texts[start : start + batch_size])
            features = model.preprocess(chunk)
            captured.clear()
            with torch.no_grad(), contextlib.suppress(_Stop):
                model(features)
            lengths = features["attention_mask"].sum(1).tolist()
            for text, hidden, n in zip(chunk, captured[0], lengths, strict=True):
                kept[text] = hidden[: int(n)].clone()
    finally:
        handle.remove()
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.tune", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="tune even when the model is up to date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    record = TuningRecord.read(args.out)
    stale = stale_tuning(str(args.out), settings.questions_dir, settings.sources_dir)
    unchanged = record is not None and record.base_fingerprint == model_fingerprint(str(args.base))
    if unchanged and not stale and not args.force:
        print(f"tuned model up to date in {args.out}")
        return 0
    record = tune(args.base, args.out)
    print(f"tuned {args.out} on {record.pairs} pairs in {record.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
