"""Ingest the shared source texts into the project's own Markdown copies.

``python -m knowledge.ingest`` reads every ``<id>.txt`` in the shared sources directory,
drops web-page chrome, repairs the OCR document, turns the text into clean Markdown and writes
``knowledge/sources/<id>.md`` with YAML front matter. The rules per document live in
``knowledge/sources.yaml``. The output depends only on the inputs: running it twice gives the
same bytes.

Markdown normalisation:
- lines wrapped inside a paragraph (PDF line breaks, trailing double-space breaks) are joined
  into one line per paragraph, also across a blank line when a long paragraph stops mid-sentence
  and the next one continues in lower case;
- bullets (``•``, ``-``, numbered ``1.``, the OCR's ``e``) become list items, one per line, with
  their wrapped continuation lines joined; short lower-case lines after a line ending in ``:``
  are list items too;
- Markdown headings keep their level and lose their emphasis; a short line without final
  punctuation standing alone between blank lines becomes ``##``; the line equal to the
  document's title becomes ``#``; ``sources.yaml`` overrides both.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from knowledge.documents import REGIONS
from knowledge.ocr import load_ocr_map, repair
from knowledge.text import normalize

SPECS_PATH = Path(__file__).resolve().parent / "sources.yaml"

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_EMPHASIS = re.compile(r"^(\*{1,3}|_{1,3})(.+?)\1$")
_BULLET = re.compile(r"^[•\-–]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d{1,2}\.)\s+(.*)$")
_TERMINAL = (".", "!", "?", ":", ";", ",")
_HEADING_MAX_WORDS = 12
_JOIN_MIN_WORDS = 6
_LIST_ITEM_MAX_WORDS = 12
_SUSPENDED_JOINERS = ("och", "eller", "samt", "till")


class IngestError(ValueError):
    """A source or a rule in sources.yaml does not fit the text it describes."""


@dataclass(frozen=True)
class SourceSpec:
    """Metadata and ingestion rules of one source document (one entry of sources.yaml)."""

    id: str
    file: str
    title: str
    issuer: str
    date: str | None
    region: str
    ocr: bool = False
    drop_lines: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()
    headings: tuple[tuple[str, int], ...] = ()
    not_headings: tuple[str, ...] = ()
    heading_heuristic: bool = True
    list_blocks: tuple[str, ...] = ()
    bullet_markers: tuple[str, ...] = ()

    @property
    def heading_levels(self) -> dict[str, int]:
        return dict(self.headings)


@dataclass(frozen=True)
class Element:
    """One Markdown block: a heading, a paragraph or a list item."""

    kind: str  # "heading" | "para" | "item"
    text: str
    level: int = 0
    marker: str = "-"
    block: int = 0
    lines: int = 1
    fixed: bool = field(default=False, compare=False)  # set by a rule: never joined or reclassified


# --- sources.yaml ---------------------------------------------------------------------------


def load_specs(path: Path | None = None) -> list[SourceSpec]:
    """Read and validate ``sources.yaml``; the specs come back sorted by id."""
    source = path or SPECS_PATH
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise IngestError(f"{source}: expected a mapping with a 'documents' list")
    specs = [_spec(entry, source) for entry in data["documents"]]
    ids = [spec.id for spec in specs]
    if len(set(ids)) != len(ids):
        raise IngestError(f"{source}: duplicate document ids")
    return sorted(specs, key=lambda spec: spec.id)


def _spec(entry: Any, source: Path) -> SourceSpec:
    if not isinstance(entry, dict):
        raise IngestError(f"{source}: every document must be a mapping, got {entry!r}")
    missing = {"id", "file", "title", "issuer", "date", "region"} - entry.keys()
    if missing:
        raise IngestError(f"{source}: document {entry.get('id')!r} lacks {sorted(missing)}")
    if entry["region"] not in REGIONS:
        raise IngestError(f"{source}: {entry['id']}: region must be one of {REGIONS}")
    date = entry["date"]
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        raise IngestError(f"{source}: {entry['id']}: date must be ISO (YYYY-MM-DD) or null")
    headings = {normalize(str(text)): int(level) for text, level in (entry.get("headings") or {}).items()}
    if any(level not in (1, 2, 3) for level in headings.values()):
        raise IngestError(f"{source}: {entry['id']}: heading levels must be 1, 2 or 3")
    return SourceSpec(
        id=str(entry["id"]),
        file=str(entry["file"]),
        title=normalize(str(entry["title"])),
        issuer=normalize(str(entry["issuer"])),
        date=None if date is None else str(date),
        region=str(entry["region"]),
        ocr=bool(entry.get("ocr", False)),
        drop_lines=tuple(normalize(str(line)) for line in entry.get("drop_lines") or ()),
        replace=tuple((str(rule["from"]), str(rule["to"])) for rule in entry.get("replace") or ()),
        headings=tuple(sorted(headings.items())),
        not_headings=tuple(normalize(str(line)) for line in entry.get("not_headings") or ()),
        heading_heuristic=bool(entry.get("heading_heuristic", True)),
        list_blocks=tuple(normalize(str(line)) for line in entry.get("list_blocks") or ()),
        bullet_markers=tuple(str(marker) for marker in entry.get("bullet_markers") or ()),
    )


# --- text to Markdown -----------------------------------------------------------------------


def to_markdown(raw: str, spec: SourceSpec, ocr_map: Mapping[str, str] | None = None) -> str:
    """The Markdown body of one source text (without front matter), ending in one newline."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if spec.ocr:
        if ocr_map is None:
            raise IngestError(f"{spec.id}: needs OCR repair but no correction map was given")
        text = repair(text, ocr_map)
    text = _apply_replacements(text, spec)
    blocks = _blocks(text, spec)
    missing = set(spec.list_blocks) - {block[0] for block in blocks}
    if missing:
        raise IngestError(f"{spec.id}: list_blocks start no block: {sorted(missing)}")
    elements = [
        element for number, block in enumerate(blocks) for element in _parse_block(block, number, spec)
    ]
    elements = _colon_lists(elements)
    elements = _join_across_blocks(elements)
    elements = _classify_headings(elements, spec)
    return _render(elements)


def _apply_replacements(text: str, spec: SourceSpec) -> str:
    for old, new in spec.replace:
        count = text.count(old)
        if count != 1:
            raise IngestError(f"{spec.id}: replace rule {old!r} matches {count} times, expected once")
        text = text.replace(old, new)
    return text


def _blocks(text: str, spec: SourceSpec) -> list[list[str]]:
    """Blank-line separated blocks of normalised lines, chrome dropped.

    A line indented in the source (a page break in the PDF text) starts a new block.
    """
    blocks: list[list[str]] = [[]]
    unused = set(spec.drop_lines)
    for raw_line in text.split("\n"):
        line = normalize(raw_line)
        if line in spec.drop_lines:
            unused.discard(line)
            line = ""
        if not line:
            blocks.append([])
            continue
        if raw_line[:1].isspace() and blocks[-1] and not _bullet(line, spec):
            blocks.append([])
        blocks[-1].append(line)
    if unused:
        raise IngestError(f"{spec.id}: drop_lines not found in the text: {sorted(unused)}")
    return [block for block in blocks if block]


def _bullet(line: str, spec: SourceSpec) -> tuple[str, str] | None:
    """(marker, text) if ``line`` starts a list item."""
    if match := _BULLET.match(line):
        return "-", match.group(1)
    if match := _NUMBERED.match(line):
        return match.group(1), match.group(2)
    for marker in spec.bullet_markers:
        if line.startswith(marker + " "):
            return "-", line[len(marker) :].strip()
    return None


def _strip_emphasis(text: str) -> str:
    match = _EMPHASIS.match(text)
    return match.group(2).strip() if match else text


def _parse_block(lines: list[str], number: int, spec: SourceSpec) -> list[Element]:
    if lines[0] in spec.list_blocks:
        return [Element("item", _strip_emphasis(line), block=number, fixed=True) for line in lines]
    forced = spec.heading_levels
    elements: list[Element] = []
    for line in lines:
        if match := _MD_HEADING.match(line):
            text = _strip_emphasis(match.group(2))
            elements.append(Element("heading", text, level=len(match.group(1)), block=number))
        elif _strip_emphasis(line) in forced:
            text = _strip_emphasis(line)
            elements.append(Element("heading", text, level=forced[text], block=number, fixed=True))
        elif bullet := _bullet(line, spec):
            elements.append(Element("item", bullet[1], marker=bullet[0], block=number))
        elif elements and _continues(elements[-1], line):
            last = elements[-1]
            elements[-1] = replace(last, text=_join(last.text, line), lines=last.lines + 1)
        else:
            elements.append(Element("para", line, block=number))
    return elements


def _continues(previous: Element, line: str) -> bool:
    """Whether ``line`` is a wrapped continuation of ``previous`` within one block."""
    if previous.kind == "para":
        return True
    if previous.kind == "item":
        return not (previous.text.endswith((".", "!", "?")) and line[:1].isupper())
    return False


def _join(left: str, right: str) -> str:
    """Join a wrapped line: ``vård-`` + ``och`` keeps the space, ``e-`` + ``post`` does not."""
    if left.endswith("-") and left[-2:-1].isalpha():
        if right.split(" ", 1)[0] in _SUSPENDED_JOINERS:
            return f"{left} {right}"
        return left + right
    return f"{left} {right}"


def _colon_lists(elements: list[Element]) -> list[Element]:
    """Short one-line lower-case paragraphs after a line ending in ``:`` are list items."""
    out: list[Element] = []
    in_list = False
    for element in elements:
        if (
            in_list
            and element.kind == "para"
            and not element.fixed
            and element.lines == 1
            and element.text[:1].islower()
            and not element.text.endswith(".")
            and len(element.text.split()) <= _LIST_ITEM_MAX_WORDS
        ):
            out.append(replace(element, kind="item"))
            continue
        in_list = (element.kind == "para" and element.text.endswith(":")) or (
            in_list and element.kind == "item"
        )
        out.append(element)
    return out


def _join_across_blocks(elements: list[Element]) -> list[Element]:
    """Rejoin a paragraph that a blank line cut in the middle of a sentence."""
    out: list[Element] = []
    for element in elements:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == element.kind == "para"
            and not (previous.fixed or element.fixed)
            and element.text[:1].islower()
            and (
                previous.text.endswith("-")
                or (not previous.text.endswith(_TERMINAL) and len(previous.text.split()) >= _JOIN_MIN_WORDS)
            )
        ):
            out[-1] = replace(
                previous, text=_join(previous.text, element.text), lines=previous.lines + element.lines
            )
            continue
        out.append(element)
    return out


def _classify_headings(elements: list[Element], spec: SourceSpec) -> list[Element]:
    per_block: dict[int, int] = {}
    for element in elements:
        per_block[element.block] = per_block.get(element.block, 0) + 1
    unused_not = set(spec.not_headings)
    unused_forced = set(spec.heading_levels)
    out: list[Element] = []
    for element in elements:
        if element.kind == "heading" and element.fixed:
            unused_forced.discard(element.text)
        if element.text in spec.not_headings:
            unused_not.discard(element.text)
            out.append(element if element.kind != "heading" else replace(element, kind="para", level=0))
            continue
        if element.text == spec.title and element.kind in ("para", "heading"):
            out.append(replace(element, kind="heading", level=1))
            continue
        if (
            spec.heading_heuristic
            and element.kind == "para"
            and not element.fixed
            and per_block[element.block] == 1
            and _looks_like_heading(element.text)
        ):
            out.append(replace(element, kind="heading", level=2))
            continue
        out.append(element)
    if unused_not or unused_forced:
        raise IngestError(f"{spec.id}: heading rules match no line: {sorted(unused_not | unused_forced)}")
    return out


def _looks_like_heading(text: str) -> bool:
    """A short line starting with a capital, without final punctuation or sentence breaks."""
    return (
        text[:1].isupper()
        and any(ch.islower() for ch in text)
        and not text.endswith(_TERMINAL)
        and len(text.split()) <= _HEADING_MAX_WORDS
        and ". " not in text
        and "@" not in text
        and "www." not in text
    )


def _render(elements: Iterable[Element]) -> str:
    parts: list[str] = []
    previous: Element | None = None
    for element in elements:
        if element.kind == "item":
            line = f"{element.marker} {element.text}"
            if previous is not None and previous.kind == "item" and _same_list(previous, element):
                parts[-1] += "\n" + line
                previous = element
                continue
        elif element.kind == "heading":
            line = f"{'#' * element.level} {element.text}"
        else:
            line = element.text
        parts.append(line)
        previous = element
    return "\n\n".join(parts) + "\n"


def _same_list(previous: Element, element: Element) -> bool:
    """Bullets continue a bullet list and numbers a numbered list."""
    return (previous.marker == "-") == (element.marker == "-")


# --- files ----------------------------------------------------------------------------------


def front_matter(spec: SourceSpec) -> str:
    """The YAML front matter block (with its ``---`` fences) for one document."""
    fields = {
        "id": spec.id,
        "title": spec.title,
        "issuer": spec.issuer,
        "date": spec.date,
        "region": spec.region,
        "source": spec.file,
    }
    dumped = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n"


def render_document(raw: str, spec: SourceSpec, ocr_map: Mapping[str, str] | None = None) -> str:
    """The complete ``<id>.md`` text: front matter, a blank line, the Markdown body."""
    return f"{front_matter(spec)}\n{to_markdown(raw, spec, ocr_map)}"


def ingest(
    shared_dir: Path,
    out_dir: Path,
    specs_path: Path | None = None,
    ocr_map_path: Path | None = None,
) -> list[Path]:
    """Write ``out_dir/<id>.md`` for every source in ``shared_dir``; return the paths by id."""
    specs = load_specs(specs_path)
    known = {spec.file for spec in specs}
    unknown = sorted(path.name for path in shared_dir.glob("*.txt") if path.name not in known)
    if unknown:
        raise IngestError(f"no entry in sources.yaml for {unknown}")
    ocr_map = load_ocr_map(ocr_map_path) if any(spec.ocr for spec in specs) else None
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for spec in specs:
        source = shared_dir / spec.file
        if not source.is_file():
            raise IngestError(f"{spec.id}: source file {source} not found")
        target = out_dir / f"{spec.id}.md"
        target.write_text(
            render_document(source.read_text(encoding="utf-8"), spec, ocr_map), encoding="utf-8", newline="\n"
        )
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    from knowledge.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(description="Ingest the shared sources into knowledge/sources/*.md.")
    parser.add_argument("--shared", type=Path, default=settings.shared_sources_dir, help="directory of *.txt")
    parser.add_argument("--out", type=Path, default=settings.sources_dir, help="output directory")
    args = parser.parse_args(argv)
    for path in ingest(args.shared, args.out):
        print(path)


if __name__ == "__main__":
    main()
