"""What an answer quotes: the unit the evidence points to, with the context it needs.

A list comes whole with its lead-in (it is one unit); a sentence that refers back ("Det", "Dessa",
"Därför") comes with the one before it; a very short sentence with the one after it; a neighbour in
the same section comes too when it holds an answer of the kind asked for and the best one does not,
or when the ranker finds it nearly as likely to answer; when no neighbour holds the kind asked for,
a unit elsewhere in the document that holds it and that the ranker finds nearly as likely does.
And when the ranker is unsure between its best unit and the runner-up of the same document (the
runner-up is at least ``runner_up`` as likely), both are quoted: the reply names one document
either way, and a question that two sentences share the answer to gets both. Quotes stay short:
at most a few units.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from index.answer_types import AnswerType, holds, marked
from index.units import Unit, beside
from knowledge.text import fold

SHORT_UNIT_WORDS = 8
# A unit this nearly as likely as the best one (a share of its probability) is quoted beside it.
NEARLY_AS_LIKELY = 0.5
# A sentence opening with one of these refers back to the one before it.
_REFERS_BACK = re.compile(
    r"^(?:det|den|detta|denna|dessa|de|dem|dess|deras|dar|darfor|darmed|dartill|da|han|hon|hen"
    r"|samtidigt|dessutom|aven|ocksa|uppdraget|overenskommelsen|forslaget|dialogen|rollen|funktionen)\b"
)


def quoted(
    units: Sequence[Unit],
    best: int,
    probabilities: np.ndarray,
    kind: AnswerType,
    max_units: int = 3,
    runner_up: float = 1.0,
) -> list[int]:
    """The indices (into ``units``, in reading order) of the units to quote for ``best``;
    ``runner_up``: the share of the best unit's probability at which the ranker's second unit of
    the same document is quoted beside it (1.0: never)."""
    unit = units[best]

    def neighbour(i: int) -> bool:
        return beside(units, best, i)

    def as_likely(i: int, share: float) -> bool:
        """Whether the ranker finds unit ``i`` at least ``share`` as likely as the best."""
        return bool(probabilities[i] > 0 and probabilities[i] >= share * probabilities[best])

    chosen = [best]
    if neighbour(best - 1) and _REFERS_BACK.match(fold(unit.text)):
        chosen.append(best - 1)
    if neighbour(best + 1) and len(unit.text.split()) < SHORT_UNIT_WORDS:
        chosen.append(best + 1)
    if marked(kind) and not holds(kind, unit.text):
        sharper = [i for i in (best - 1, best + 1) if neighbour(i) and holds(kind, units[i].text)]
        if not sharper:  # elsewhere in the document, a unit nearly as likely that holds it
            likely = np.argsort(-probabilities)
            sharper = [
                int(i)
                for i in likely
                if i != best
                and units[i].doc_id == unit.doc_id
                and probabilities[i] >= NEARLY_AS_LIKELY * probabilities[best]
                and holds(kind, units[i].text)
            ]
        chosen.extend(sharper[:1])
    chosen.extend(i for i in (best - 1, best + 1) if neighbour(i) and as_likely(i, NEARLY_AS_LIKELY))
    second = next((int(i) for i in np.argsort(-probabilities, kind="stable")[:2] if i != best), None)
    if second is not None and units[second].doc_id == unit.doc_id and as_likely(second, runner_up):
        chosen.append(second)
    kept = list(dict.fromkeys(chosen))[:max_units]
    return sorted(kept)
