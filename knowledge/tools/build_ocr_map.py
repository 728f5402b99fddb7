"""Draft the OCR correction map for ``storsthlm-rekommendation-hok-2021`` (development only).

This script is NOT used at run time and is not a project dependency. It needs a Swedish
Hunspell dictionary and a Hunspell reader, installed into a throwaway virtualenv::

    python3 -m venv /tmp/ocrvenv
    /tmp/ocrvenv/bin/pip install hunspell-sv spylls      # hunspell-sv is LGPL: never commit it
    /tmp/ocrvenv/bin/python knowledge/tools/build_ocr_map.py > /tmp/ocr_map.draft.tsv

For every token of the OCR text that the dictionary rejects, it substitutes the typical OCR
confusions of å/ä/ö (``a``, ``d``, ``é``, ``&``, ``i``, ``6``, ``G``, ``o`` and a few two-character
smears such as ``ia`` or ``éa``) and keeps the in-dictionary candidates with the fewest edits.
For tokens the dictionary accepts it lists diacritic variants that are words too, because OCR
often turns one real word into another (``for``/``för``, ``ar``/``är``/``år``).

The output is a *draft* for review: the committed ``knowledge/ocr_map.tsv`` is the reviewed,
hand-corrected result (real-word errors, ambiguous and unresolved tokens decided by reading
the whole document), not this script's raw output.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import combinations, pairwise, product
from pathlib import Path

DEFAULT_SOURCE = (
    Path(__file__).resolve().parents[3] / "shared" / "sources" / "storsthlm-rekommendation-hok-2021.txt"
)
DEFAULT_DICTIONARY = Path(sys.prefix) / "share" / "hunspell" / "sv_SE"

TOKEN = re.compile(r"[\w&]+")
# One broken character that stands for å, ä or ö.
SINGLE: dict[str, str] = {
    "a": "åä",
    "o": "ö",
    "é": "åäö",
    "i": "äå",
    "d": "äåö",
    "6": "ö",
    "&": "å",
    "g": "ö",
    "0": "ö",
}
# Two characters that the OCR made out of one å, ä or ö.
PAIRS: dict[str, str] = {
    "ia": "ä",
    "ai": "äå",
    "id": "ä",
    "ad": "å",
    "da": "ä",
    "éa": "å",
    "oé": "ö",
    "éi": "ä",
}
MAX_EDITS = 3


def edit_sites(word: str) -> list[tuple[int, int, str]]:
    """All places (start, length, replacements) where one å/ä/ö may hide."""
    sites = [(i, 1, SINGLE[ch]) for i, ch in enumerate(word) if ch in SINGLE]
    sites += [(i, 2, PAIRS[word[i : i + 2]]) for i in range(len(word) - 1) if word[i : i + 2] in PAIRS]
    return sites


def candidates(word: str, edits: int) -> Iterator[str]:
    """Variants of ``word`` with exactly ``edits`` non-overlapping substitutions."""
    for chosen in combinations(edit_sites(word), edits):
        spans = sorted(chosen)
        if any(a[0] + a[1] > b[0] for a, b in pairwise(spans)):
            continue
        for letters in product(*(site[2] for site in spans)):
            out, last = [], 0
            for (start, length, _), letter in zip(spans, letters, strict=True):
                out.append(word[last:start])
                out.append(letter)
                last = start + length
            out.append(word[last:])
            yield "".join(out)


def corrections(word: str, known: object) -> list[str]:
    """In-dictionary repairs of ``word`` with the fewest edits (empty if none)."""
    lookup = known.lookup  # type: ignore[attr-defined]
    for edits in range(1, MAX_EDITS + 1):
        found = sorted({cand for cand in candidates(word, edits) if lookup(cand)})
        if found:
            return found
    return []


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--dictionary", type=Path, default=DEFAULT_DICTIONARY, help="path without .dic/.aff")
    args = parser.parse_args()

    from spylls.hunspell import Dictionary  # dev-only dependency, imported here on purpose

    known = Dictionary.from_files(str(args.dictionary))
    counts = Counter(TOKEN.findall(args.source.read_text(encoding="utf-8")))
    automatic, ambiguous, unresolved, real_words = [], [], [], []
    for token in sorted(counts, key=str.lower):
        word = token.lower()
        if word.isdigit():
            continue
        if known.lookup(token) or known.lookup(word):
            variants = [c for c in candidates(word, 1) if known.lookup(c)]
            if variants:
                real_words.append(f"# {word}\t{', '.join(sorted(set(variants)))}\t(x{counts[token]})")
            continue
        found = corrections(word, known)
        if len(found) == 1:
            automatic.append(f"{word}\t{found[0]}")
        elif found:
            ambiguous.append(f"# {word}\t{' | '.join(found)}")
        else:
            unresolved.append(f"# {token}")
    print("# Draft OCR map (review before use). Automatic repairs:")
    print("\n".join(sorted(set(automatic))))
    print("\n# Ambiguous (pick by context):")
    print("\n".join(ambiguous))
    print("\n# Unresolved (not in the dictionary, no candidate):")
    print("\n".join(unresolved))
    print("\n# Accepted words with diacritic variants (possible real-word errors):")
    print("\n".join(real_words))


if __name__ == "__main__":
    main()
