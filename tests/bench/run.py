"""`make bench`: every figure in one run.

1. The question bank (tests/eval/bank-{dev,test}.yaml and the workplace additions
   bank-workplace-{dev,test}.yaml) in process: answer pass rate, abstention on must-abstain
   questions, answerable questions abstained on, the long messages and the topic-changing
   conversations as their own rows (per turn too), the quoted text's median length, passage
   Recall@1/@3, per half; each test half also asked in one conversation; curated answers
   matched in other words (tests/bench/curated.py); leave one document out (tests/bench/lodo.py,
   about 20 minutes; --skip-lodo); the workspace's inbox page on a seeded year of 2,100
   questions (tests/bench/inbox.py);
2. Rasa NLU cross-validation (intent F1, area entity F1 per extractor), unless --skip-nlu;
3. through the running bot (real Rasa and knowledge service): the dev set with
   ../shared/eval/ask_bot.py (its pass line), the bank per half (with agreement questions
   answered by small talk and per-turn latency), circuit breakers in Rasa's log, and per-turn
   latency over repeated dev questions over Rasa's REST channel and the widget's /chat proxy; the
   test halves asked through the bot in one conversation, as ask_bot.py --one-conversation does.

    python -m tests.bench.run --rasa .venv-rasa/bin/rasa [--skip-nlu] [--skip-lodo] [--skip-in-process]
                              [--rounds 4]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

from actions.processes.launcher import BOT_DIR, running
from knowledge.secrets import new_secret_key
from tests.bench import bank, curated, inbox, lodo
from tests.bench.devset import ASK_BOT, DEVSET
from tests.databases import initialised, sqlite_url
from tests.fictitious import fictitious_id

CIRCUIT_BREAKER = "Circuit breaker tripped"


def nlu_cross_validation(rasa: str, out: Path) -> dict[str, float]:
    subprocess.run(
        [rasa, "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml", "--domain", "domain",
         "--cross-validation", "--folds", "3", "--out", str(out)],
        cwd=BOT_DIR, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def f1(report: str, key: str) -> float:
        return float(json.loads((out / report).read_text(encoding="utf-8"))[key]["f1-score"])

    figures = {
        "intent_f1_weighted": f1("intent_report.json", "weighted avg"),
        "intent_f1_macro": f1("intent_report.json", "macro avg"),
        "area_f1_diet": f1("DIETClassifier_report.json", "area"),
        "area_f1_lookup": f1("RegexEntityExtractor_report.json", "area"),
    }
    print(
        f"NLU 3-fold cross-validation: intent F1 weighted {figures['intent_f1_weighted']:.3f}, "
        f"macro {figures['intent_f1_macro']:.3f}; area entity F1 DIET {figures['area_f1_diet']:.3f}, "
        f"lookup extractor {figures['area_f1_lookup']:.3f}"
    )
    return figures


def dev_questions() -> list[str]:
    cases = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    return [t for c in cases for t in (c["ask"] if isinstance(c["ask"], list) else [c["ask"]])]


def turn_latency(url: str, rounds: int, label: str, token: str | None = None) -> dict[str, float]:
    """Median and p95 of one chat turn posted to ``url`` (Rasa's REST channel with the front
    door's token, or the front door)."""
    took = []
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for _ in range(rounds):
        for q in dev_questions():
            body = json.dumps({"sender": fictitious_id(), "message": q}).encode()
            req = urllib.request.Request(url, data=body, headers=headers)
            start = time.perf_counter()
            with urllib.request.urlopen(req, timeout=60) as resp:
                resp.read()
            took.append(time.perf_counter() - start)
    took.sort()
    figures = {
        "latency_median_ms": statistics.median(took) * 1000,
        "latency_p95_ms": took[min(len(took) - 1, round(0.95 * (len(took) - 1)))] * 1000,
    }
    print(
        f"{label} turn latency over {len(took)} turns: median {figures['latency_median_ms']:.0f} ms, "
        f"p95 {figures['latency_p95_ms']:.0f} ms"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rasa", required=True)
    parser.add_argument("--skip-nlu", action="store_true")
    parser.add_argument("--skip-lodo", action="store_true", help="skip leaving each document out")
    parser.add_argument(
        "--skip-in-process", action="store_true", help="only the figures through the running bot"
    )
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    if not args.skip_in_process:
        print("Question bank in process (answering core, real model and index, no NLU):")
        for half in bank.HALVES:
            print("\n".join("  " + line for line in bank.run_in_process(half).lines()))
        for half in ("test", "workplace-test"):
            report = bank.run_in_process(half, one_conversation=True)
            print("\n".join(f"  {line} (in one conversation)" for line in report.lines()[:1]))
        print("Curated answers matched in other words (tests/bench/curated.py):")
        print("\n".join("  " + line for line in curated.paraphrase_report("dev")))
        for half in ("dev", "test"):
            print("\n".join("  " + line for line in curated.report(half)))
        print("The workspace's inbox on a seeded year (tests/bench/inbox.py):")
        inbox.main([])
        if not args.skip_lodo:
            print("Leave one document out (tests/bench/lodo.py), the bank's test half:")
            lodo.main(["--half", "test"])
    with tempfile.TemporaryDirectory(prefix="hok-bench-") as tmp:
        if not args.skip_nlu:
            nlu_cross_validation(args.rasa, Path(tmp) / "nlu")
        logs = Path(tmp) / "logs"
        env = {  # a throwaway knowledge database and secret key
            "HOK_DATABASE_URL": initialised(sqlite_url(Path(tmp))),
            "HOK_SECRET_KEY": new_secret_key(),
        }
        with running(
            args.rasa, 17005, 17055, tracker_db=Path(tmp) / "t.db", env=env, log_dir=logs
        ) as servers:
            dev = subprocess.run(
                [sys.executable, str(ASK_BOT), str(DEVSET), "--url", servers.knowledge_url],
                capture_output=True, text=True,
            )  # fmt: skip
            print("dev set through the bot (ask_bot.py):")
            print("\n".join("  " + line for line in dev.stdout.strip().splitlines()[-2:]))
            print("Question bank through the bot (the front door, Rasa's REST form):")
            for half in bank.HALVES:
                report = bank.run_through_bot(half, servers.knowledge_url)
                print("\n".join("  " + line for line in report.lines()))
            for half in ("test", "workplace-test"):
                report = bank.run_through_bot(half, servers.knowledge_url, one_conversation=True)
                print("\n".join("  " + line for line in report.lines()[:1]))
            breakers = (
                (logs / "rasa.log").read_text(encoding="utf-8", errors="replace").count(CIRCUIT_BREAKER)
            )
            print(f"circuit breakers tripped in Rasa's log: {breakers}")
            rest = f"{servers.rasa_url}/webhooks/rest/webhook"
            turn_latency(rest, args.rounds, "Rasa REST (direct, the front door's token)", servers.rasa_token)
            turn_latency(
                f"{servers.knowledge_url}/chat", args.rounds, "Front door /chat (limits, redaction, Rasa)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
