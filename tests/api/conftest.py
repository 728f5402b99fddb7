"""Shared by the workspace's API and page tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FICTITIOUS_DOC


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictitious sources (``sources/``) and their index (``build/``), built once a module."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "sources").mkdir()
    (root / "sources" / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    return root
