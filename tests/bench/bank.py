"""The question bank (tests/eval/bank-{dev,test}.yaml), scored in process or through the bot.

In process (the answering core, the real model and index, no Rasa):

    .venv/bin/python -m tests.bench.bank --half dev [-v] [--signals out.jsonl]

Through a running bot (as ../shared/eval/ask_bot.py plays it, one cookie jar per conversation):

    .venv/bin/python -m tests.bench.bank --half test --url http://localhost:5055

Reports, per half: the answer pass rate on answerable cases, the abstention rate on
must-abstain cases, passage Recall@1/@3 (in process), and, through the bot, agreement questions
answered with small talk and per-turn latency. A case's `sources` (several documents stating the
same fact) must include a cited document, as `source` must for ask_bot.py.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from knowledge.settings import PROJECT_ROOT
from tests.bench.devset import load_ask_bot
from tests.eval.passages import answer_passages
from tests.fictitious import fictitious_id

HALVES = ("dev", "test", "workplace-dev", "workplace-test")
BANK = {half: PROJECT_ROOT / "tests" / "eval" / f"bank-{half}.yaml" for half in HALVES}
ask_bot = load_ask_bot


def load(half: str) -> list[dict[str, Any]]:
    """A half of the bank ("dev", "test"), or the cases of any file in the same format."""
    path = BANK.get(half) or Path(half)
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


def turns(case: dict[str, Any]) -> list[str]:
    return case["ask"] if isinstance(case["ask"], list) else [case["ask"]]


def must_abstain(case: dict[str, Any]) -> bool:
    return case.get("kind") == "abstain"


def turn_cases(case: dict[str, Any]) -> list[dict[str, Any]]:
    """A conversation's turns as cases of their own, each with its own expectations (none for a
    case without per-turn ``turns``)."""
    return [
        {"id": f"{case['id']}.{i + 1}", "ask": text, **spec}
        for i, (text, spec) in enumerate(zip(turns(case), case.get("turns") or [], strict=False))
    ]


@dataclass
class Outcome:
    id: str
    ok: bool
    problems: list[str]
    reply: str
    answer: dict[str, Any]
    abstain_case: bool
    small_talk: bool = False  # an agreement question answered without an answer payload
    signals: dict[str, Any] = field(default_factory=dict)
    set: str = ""  # the bank's set of the case ("long", "conversation"; "" in the first bank)
    turns_ok: tuple[bool, ...] = ()  # per turn, for a conversation whose turns each expect
    quoted: int | None = None  # characters of source text quoted, for an answer from the sources


def judge(bot: ModuleType, case: dict[str, Any], first: list[dict], last: list[dict]) -> list[str]:
    """ask_bot.py's checks, plus: a reply must cite one of the case's `sources`."""
    problems = list(bot.check(case, first, last))
    allowed = set(case.get("sources") or [])
    if allowed and "source" not in case:
        cited = {s.get("doc") for s in bot.answer_meta(last).get("sources", []) if isinstance(s, dict)}
        if not cited & allowed:
            problems.append(f"sources {sorted(allowed)} not in {sorted(d for d in cited if d)}")
    return problems


@dataclass
class Report:
    half: str
    outcomes: list[Outcome]
    latencies: list[float] = field(default_factory=list)
    recall: tuple[float, float] | None = None

    def rate(self, abstain: bool) -> tuple[int, int]:
        picked = [o for o in self.outcomes if o.abstain_case == abstain]
        return sum(o.ok for o in picked), len(picked)

    def false_abstentions(self) -> tuple[int, int]:
        """Answerable cases that were abstained on."""
        picked = [o for o in self.outcomes if not o.abstain_case]
        return sum(o.answer.get("kind") == "abstain" for o in picked), len(picked)

    def lines(self) -> list[str]:
        ok, n = self.rate(False)
        ab_ok, ab_n = self.rate(True)
        wrongly, answerable = self.false_abstentions()
        out = [
            f"bank {self.half}: answers {ok}/{n} = {ok / max(n, 1):.1%}; "
            f"abstained {ab_ok}/{ab_n} = {ab_ok / max(ab_n, 1):.1%}; "
            f"answerable abstained {wrongly}/{answerable} = {wrongly / max(answerable, 1):.1%}"
        ]
        for name in sorted({o.set for o in self.outcomes if o.set}):
            picked = [o for o in self.outcomes if o.set == name]
            right = sum(o.ok for o in picked)
            line = f"bank {self.half}, {name}: {right}/{len(picked)} = {right / len(picked):.1%}"
            per_turn = [t for o in picked for t in o.turns_ok]
            if per_turn:
                whole = sum(all(o.turns_ok) for o in picked)
                line += (
                    f" (last turn); every turn right {whole}/{len(picked)} = {whole / len(picked):.1%}; "
                    f"turns {sum(per_turn)}/{len(per_turn)} = {sum(per_turn) / len(per_turn):.1%}"
                )
            out.append(line)
        quoted = sorted(o.quoted for o in self.outcomes if o.quoted is not None)
        if quoted:
            out.append(
                f"bank {self.half}: quoted source text median {statistics.median(quoted):.0f} characters "
                f"over {len(quoted)} answers from the sources"
            )
        if self.recall:
            out.append(f"bank {self.half}: passage Recall@1 {self.recall[0]:.3f}, @3 {self.recall[1]:.3f}")
        talk = [o.id for o in self.outcomes if o.small_talk]
        if self.latencies:
            lat = sorted(self.latencies)
            p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
            out.append(
                f"bank {self.half}: agreement questions answered with small talk: {len(talk)} {talk}; "
                f"latency median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
                f"over {len(lat)} turns"
            )
        return out


def quoted_chars(meta: dict[str, Any], reply: str) -> int | None:
    """The characters of source text an answer quotes: its reply without the short answer it
    may lead with and from the source line on (None: not an answer from the sources)."""
    if meta.get("kind") != "passage":
        return None
    body = reply.split("Källa:", 1)[0].strip()
    if body.startswith("Kort svar:"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    return len(body.strip())


def run_in_process(
    half: str,
    verbose: bool = False,
    signals_path: Path | None = None,
    one_conversation: bool = False,
    core: Any = None,
    only: Callable[[dict[str, Any]], bool] | None = None,
) -> Report:
    """The half's cases asked of the answering core in process; ``one_conversation`` asks them
    all in one chat (each case's first turn follows the previous case's last); ``core`` is the
    core to ask (the bench's own by default) and ``only`` picks the cases."""
    from actions.core.engine import AnsweringCore
    from actions.core.passages import Considered
    from actions.core.question import Question
    from tests.bench.local import core_for_bench

    bot = ask_bot()
    core = core if core is not None else core_for_bench()
    assert isinstance(core, AnsweringCore)
    cases = [c for c in load(half) if only is None or only(c)]
    outcomes: list[Outcome] = []
    hits1 = hits3 = counted = 0
    chunks = core.passages.engine.retriever.stored.chunks
    previous: str | None = None
    context: str | None = None
    for case in cases:
        asked = turns(case)
        if not one_conversation:
            previous = context = None
        first: list[dict] = []
        last: list[dict] = []
        considered: Any = None
        replies: list[list[dict]] = []
        for i, text in enumerate(asked):
            question = Question(text, previous=previous, context_unit=context)
            considered = core.consider(question)
            answer = considered.answer if isinstance(considered, Considered) else considered
            buttons = [{"title": t, "payload": p} for t, p in answer.buttons]
            last = [{"text": answer.text, "buttons": buttons}, {"custom": answer.payload()}]
            replies.append(last)
            if i == 0:
                first = last
            previous, context = text, answer.unit
        problems = judge(bot, case, first, last)
        turns_ok = tuple(not judge(bot, t, r, r) for t, r in zip(turn_cases(case), replies, strict=False))
        signals: dict[str, Any] = {}
        if isinstance(considered, Considered):
            signals = {k: str(v) for k, v in vars(considered.signals).items()}
            signals["reason"] = str(considered.decision.reason)
        meta = bot.answer_meta(last)
        outcomes.append(
            Outcome(case["id"], not problems, problems, bot.reply_text(last), meta, must_abstain(case),
                    signals=signals, set=str(case.get("set", "")), turns_ok=turns_ok,
                    quoted=quoted_chars(meta, bot.reply_text(last)))
        )  # fmt: skip
        targets = {c.id for c in answer_passages(case, chunks)} if not must_abstain(case) else set()
        if targets:
            last_turn = Question(asked[-1], previous=asked[-2] if len(asked) > 1 else None)
            search = core.passages.engine.search(last_turn.in_context, region=core.region_of(last_turn))
            hits = [h.chunk.id for h in search.hits]
            counted += 1
            hits1 += hits[0] in targets
            hits3 += bool(targets & set(hits[:3]))
        if verbose and problems:
            _print_failure(case, outcomes[-1])
    report = Report(half, outcomes, recall=(hits1 / max(counted, 1), hits3 / max(counted, 1)))
    if signals_path:
        with signals_path.open("w", encoding="utf-8") as fh:
            for case, o in zip(cases, outcomes, strict=True):
                row = {"id": o.id, "ok": o.ok, "abstain_case": o.abstain_case, "ask": turns(case)[-1]}
                fh.write(json.dumps(row | o.signals, ensure_ascii=False) + "\n")
    return report


RATE_LIMIT_RETRIES = 10


def _client(url: str) -> Callable[[str, str], tuple[list[dict], float]]:
    """Send a turn as a polite chat client: told to slow down (429, as the whole bank asked in one
    conversation is, faster than any person types), it waits the ``Retry-After`` and sends again;
    the latency is that of the turn that was answered."""
    bot = ask_bot()
    jars: dict[str, urllib.request.OpenerDirector] = {}

    def send(sender: str, message: str) -> tuple[list[dict], float]:
        opener = jars.setdefault(
            sender,
            urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())),
        )
        for _ in range(RATE_LIMIT_RETRIES):
            try:
                replies, took = bot.send(url, sender, message, 60.0, opener)
                return list(replies), float(took)
            except urllib.error.HTTPError as exc:
                if exc.code != 429:
                    raise
                time.sleep(float(exc.headers.get("Retry-After") or 1))
        raise RuntimeError(f"still rate-limited after {RATE_LIMIT_RETRIES} tries")

    return send


def run_through_bot(half: str, url: str, verbose: bool = False, one_conversation: bool = False) -> Report:
    """The half's cases asked through a running bot, a conversation each, or all in one
    (``one_conversation``, as ``ask_bot.py --one-conversation`` asks them)."""
    bot = ask_bot()
    send = _client(url)
    outcomes: list[Outcome] = []
    latencies: list[float] = []
    one_sender = f"bank-all-{fictitious_id(length=8)}"
    for case in load(half):
        sender = one_sender if one_conversation else f"bank-{case['id']}-{fictitious_id(length=8)}"
        first: list[dict] = []
        last: list[dict] = []
        replies: list[list[dict]] = []
        try:
            for i, text in enumerate(turns(case)):
                last, took = send(sender, text)
                replies.append(last)
                latencies.append(took)
                if i == 0:
                    first = last
            problems = judge(bot, case, first, last)
        except Exception as exc:  # a failing bot is a failed case, not a crash
            problems = [f"error: {exc}"]
        meta = bot.answer_meta(last)
        small_talk = not must_abstain(case) and bool(last) and not meta
        turns_ok = tuple(not judge(bot, t, r, r) for t, r in zip(turn_cases(case), replies, strict=False))
        outcome = Outcome(
            case["id"], not problems, problems, bot.reply_text(last), meta, must_abstain(case), small_talk,
            set=str(case.get("set", "")), turns_ok=turns_ok, quoted=quoted_chars(meta, bot.reply_text(last)),
        )  # fmt: skip
        outcomes.append(outcome)
        if verbose and problems:
            _print_failure(case, outcome)
    return Report(f"{half} in one conversation" if one_conversation else half, outcomes, latencies)


def _print_failure(case: dict[str, Any], outcome: Outcome) -> None:
    print(f"FAIL {case['id']}: {turns(case)}")
    for problem in outcome.problems:
        print(f"       {problem}")
    print("       reply: " + outcome.reply.replace("\n", " | ")[:300])
    if outcome.signals:
        print(f"       signals: {outcome.signals}")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--half",
        default="dev",
        help="dev, test, workplace-dev, workplace-test, both (dev, test), or a file",
    )
    parser.add_argument("--url", help="score through a running bot instead of in process")
    parser.add_argument("--one-conversation", action="store_true", help="ask every case in one chat")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--signals", type=Path, help="in process: write each case's signals (JSON lines)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    halves = ("dev", "test") if args.half == "both" else (args.half,)
    start = time.perf_counter()
    for half in halves:
        if args.url:
            report = run_through_bot(half, args.url, args.verbose, args.one_conversation)
        else:
            report = run_in_process(half, args.verbose, args.signals, args.one_conversation)
        print("\n".join(report.lines()))
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
