"""Choose the answer threshold (``HOK_ANSWER_THRESHOLD``) on the dev half of the question bank.

    .venv/bin/python -m tests.bench.calibrate \
        [--half dev,workplace-dev,../shared/eval/devset.yaml,tests/eval/calibration.yaml] \
        [--runner-up 1.0,0.5,0.3,0.2]

Every case is answered in process with no threshold at all, which gives the reply it would get if
answered and the learned probability that the sources answer it; a threshold then decides which of
them abstain. Printed per threshold: the answer pass rate, how many answerable cases abstained, and
the abstention rate on must-abstain cases; the chosen threshold maximises the sum of the answer and
abstention rates (a wrong answer and a wrong abstention cost alike), the lowest on a tie.
With ``--runner-up``, the same for each share of the best unit's probability at which the
ranker's runner-up of the same document is quoted beside it (``HOK_RUNNER_UP_SHARE``,
index/quote.py), and the share whose threshold scores best is chosen with it (the larger share,
which quotes less, on a tie). Only the dev half is ever used to choose: the test half
is for scoring (``make bench``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from knowledge.settings import PROJECT_ROOT
from tests.bench.bank import ask_bot, judge, load, must_abstain, turns
from tests.bench.devset import DEVSET

# Written for choosing the threshold: half of it questions the sources do not answer, of which the
# dev halves hold too few (tests/eval/calibration.yaml says how it was written).
CALIBRATION = PROJECT_ROOT / "tests" / "eval" / "calibration.yaml"


@dataclass(frozen=True)
class Scored:
    id: str
    abstain_case: bool
    probability: float | None  # None: answered by a route that the threshold does not decide
    ok_answered: bool  # whether the reply is right when answered
    ok_abstained: bool  # whether abstaining is right


def score(half: str, runner_up: float | None = None) -> list[Scored]:
    from actions.core.passages import Considered
    from actions.core.question import Question
    from tests.bench.local import core_for_bench

    bot = ask_bot()
    core = core_for_bench()
    update: dict[str, float] = {"answer_threshold": 0.0}
    if runner_up is not None:
        update["runner_up_share"] = runner_up
    core.passages.settings = core.passages.settings.model_copy(update=update)
    out = []
    for case in load(half):
        asked = turns(case)
        previous: str | None = None
        context: str | None = None
        considered = None
        first: list[dict] = []
        last: list[dict] = []
        for i, text in enumerate(asked):
            question = Question(text, previous=previous, context_unit=context)
            considered = core.consider(question)
            answer = considered.answer if isinstance(considered, Considered) else considered
            last = [{"text": answer.text}, {"custom": answer.payload()}]
            first = last if i == 0 else first
            previous, context = text, answer.unit
        probability = considered.signals.probability if isinstance(considered, Considered) else None
        abstain_case = must_abstain(case)
        ok_answered = not judge(bot, case, first, last)
        abstained = replace_kind(last)
        ok_abstained = not judge(bot, case, first, abstained) if abstain_case else False
        out.append(Scored(case["id"], abstain_case, probability, ok_answered, ok_abstained))
    return out


def replace_kind(replies: list[dict]) -> list[dict]:
    """The replies as an abstention would be (kind abstain, no sources)."""
    return [
        {"text": "Jag hittar inget svar på det."},
        {"custom": {"answer": {"kind": "abstain", "sources": []}}},
    ]


def rates(scored: list[Scored], threshold: float) -> tuple[float, float, float]:
    """The answer pass rate, the share of answerable cases abstained, the abstention rate."""
    answerable = [s for s in scored if not s.abstain_case]
    refused = [s for s in scored if s.abstain_case]

    def abstains(s: Scored) -> bool:
        return s.probability is not None and s.probability < threshold

    right = sum(s.ok_abstained if abstains(s) else s.ok_answered for s in answerable)
    abstained = sum(abstains(s) for s in answerable)
    refused_right = sum(True if abstains(s) else s.ok_answered for s in refused)
    n, m = max(len(answerable), 1), max(len(refused), 1)
    return right / n, abstained / n, refused_right / m


def choose(scored: list[Scored]) -> float:
    candidates = [t / 100 for t in range(5, 96)]
    return max(candidates, key=lambda t: (round(rates(scored, t)[0] + rates(scored, t)[2], 6), -t))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--half",
        default=f"dev,workplace-dev,{DEVSET},{CALIBRATION}",
        help="the dev sets to choose on, comma-separated (the default: all four); a test half is refused",
    )
    parser.add_argument(
        "--runner-up",
        default="",
        help="shares of the best unit's probability to choose the runner-up's from, comma-separated "
        "(the default: keep HOK_RUNNER_UP_SHARE)",
    )
    args = parser.parse_args(argv)
    if any(h.endswith("test") or h.endswith("-test.yaml") for h in args.half.split(",")):
        parser.error("the threshold is never chosen on the test half")
    given = sorted((float(x) for x in args.runner_up.split(",") if x), reverse=True)
    shares: list[float | None] = list(given) or [None]
    best: tuple[float, float | None, float] | None = None
    for share in shares:
        scored = [s for half in args.half.split(",") for s in score(half, share)]
        if share is not None:
            print(f"runner-up share {share:.2f}:")
        for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            answered, abstained, refused = rates(scored, t)
            print(f"threshold {t:.2f}: answers {answered:.1%}, answerable abstained {abstained:.1%}, "
                  f"must-abstain {refused:.1%}")  # fmt: skip
        chosen = choose(scored)
        answered, abstained, refused = rates(scored, chosen)
        print(f"chosen threshold {chosen:.2f}: answers {answered:.1%}, answerable abstained {abstained:.1%}, "
              f"must-abstain {refused:.1%}")  # fmt: skip
        total = round(answered + refused, 6)
        if best is None or total > best[0]:  # shares are tried largest first: a tie keeps the larger
            best = (total, share, chosen)
    if best is not None and best[1] is not None:
        total, share, chosen = best
        print(f"chosen runner-up share {share:.2f} with threshold {chosen:.2f} "
              f"(answers + must-abstain {total:.3f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
