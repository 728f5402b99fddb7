"""The project's copies of the source documents (``knowledge/sources/<id>.md``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REQUIRED_FIELDS = ("id", "title", "issuer", "date", "region")
REGIONS = ("stockholm", "skane")
_FENCE = "---"


class FrontMatterError(ValueError):
    """A source file whose YAML front matter is missing or invalid."""


@dataclass(frozen=True)
class Document:
    """One ingested source document: its metadata and Markdown body."""

    id: str
    title: str
    issuer: str
    date: str | None
    region: str
    body: str
    path: Path


def parse_document(path: Path) -> Document:
    """Parse one ``.md`` file; raise ``FrontMatterError`` if its front matter is not valid."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        raise FrontMatterError(f"{path}: no front matter (the file must start with '---')")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    except StopIteration:
        raise FrontMatterError(f"{path}: front matter is not closed by '---'") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise FrontMatterError(f"{path}: front matter is not valid YAML: {error}") from None
    _check(meta, path)
    return Document(
        id=meta["id"],
        title=meta["title"],
        issuer=meta["issuer"],
        date=_date(meta["date"], path),
        region=meta["region"],
        body="\n".join(lines[end + 1 :]).strip("\n") + "\n",
        path=path,
    )


def _check(meta: Any, path: Path) -> None:
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{path}: front matter must be a YAML mapping")
    missing = [name for name in REQUIRED_FIELDS if name not in meta]
    if missing:
        raise FrontMatterError(f"{path}: front matter lacks {', '.join(missing)}")
    for name in ("id", "title", "issuer", "region"):
        if not isinstance(meta[name], str) or not meta[name].strip():
            raise FrontMatterError(f"{path}: front matter field {name!r} must be a non-empty string")
    if meta["region"] not in REGIONS:
        raise FrontMatterError(f"{path}: region {meta['region']!r} is not one of {', '.join(REGIONS)}")
    if meta["id"] != path.stem:
        raise FrontMatterError(f"{path}: front matter id {meta['id']!r} does not match the file name")


def _date(value: Any, path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise FrontMatterError(f"{path}: date {value!r} is not an ISO date (YYYY-MM-DD) or null") from None


def _sources_dir(sources_dir: Path | None) -> Path:
    if sources_dir is not None:
        return sources_dir
    from knowledge.settings import get_settings

    return get_settings().sources_dir


def load_documents(sources_dir: Path | None = None) -> list[Document]:
    """All documents in ``sources_dir`` (default: the settings' ``sources_dir``), sorted by id."""
    paths = sorted(_sources_dir(sources_dir).glob("*.md"))
    return sorted((parse_document(path) for path in paths), key=lambda document: document.id)


def get_document(doc_id: str, sources_dir: Path | None = None) -> Document:
    """The document with id ``doc_id``; ``KeyError`` if there is none."""
    path = _sources_dir(sources_dir) / f"{doc_id}.md"
    if not path.is_file():
        raise KeyError(f"no source document with id {doc_id!r} in {path.parent}")
    return parse_document(path)
