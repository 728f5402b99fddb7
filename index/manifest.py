"""The index manifest: what an index was built from, to refuse or rebuild a stale one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.questions import load_corpus

FORMAT_VERSION = 7  # 7: a refused question's year counts against that year only; person-name questions
TUNING_FILE = "tuning.json"  # what a domain-tuned model was tuned from (index/tune.py)
TUNER_VERSION = "2"  # 2: the written questions are tuned on with their å/ä/ö restored


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model_id: str
    model_fingerprint: str
    dimension: int
    corpus_hash: str
    chunker_version: str
    chunks: int
    units: int
    questions_fingerprint: str = ""  # the written questions (knowledge/questions/) learned from
    questions: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def mismatches(self, expected: Manifest) -> list[str]:
        """Human-readable reasons why this index does not match what is expected now."""
        reasons = []
        checks = {
            "format_version": "index format",
            "model_fingerprint": "embedding model",
            "corpus_hash": "source documents",
            "chunker_version": "chunker version",
            "questions_fingerprint": "written questions",
        }
        for field, label in checks.items():
            if getattr(self, field) != getattr(expected, field):
                reasons.append(f"{label} changed ({getattr(self, field)} -> {getattr(expected, field)})")
        return reasons


def corpus_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def model_fingerprint(model: str) -> str:
    """Identifies a model directory by its configuration files (or a hub name by itself)."""
    path = Path(model)
    h = hashlib.sha256()
    if path.is_dir():
        for name in (
            "conversion.json",
            "tuning.json",
            "config.json",
            "modules.json",
            "config_sentence_transformers.json",
        ):
            f = path / name
            if f.exists():
                h.update(f.read_bytes())
    else:
        h.update(model.encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class TuningRecord:
    """What a tuned model was tuned from (``tuning.json``)."""

    tuner_version: str
    base_fingerprint: str
    questions_fingerprint: str
    sources_hash: str
    parameters: dict[str, float | int]
    pairs: int
    seconds: float

    @classmethod
    def read(cls, directory: Path) -> TuningRecord | None:
        path = directory / TUNING_FILE
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def stale_tuning(model: str, questions_dir: Path | None, sources_dir: Path) -> str | None:
    """Why the tuned model at ``model`` may not be used with these questions and sources (None:
    it may, or it is no tuned model)."""
    record = TuningRecord.read(Path(model))
    if record is None:
        return None
    if record.tuner_version != TUNER_VERSION:
        return "the embedding model was tuned by an older tuner"
    if questions_dir is not None and record.questions_fingerprint != load_corpus(questions_dir).fingerprint:
        return "the embedding model was tuned on other written questions (run `make tune`)"
    if record.sources_hash != corpus_hash(list(sources_dir.glob("*.md"))):
        return "the embedding model was tuned on other sources (run `make tune`)"
    return None
