"""Scoring and benchmarking a national workspace, in-process and end to end.

    python benchmarks/bench_scores.py [--partnerships 153] [--respondents 20] [--runs 3]
                                      [--keep DIR]

Builds a workspace of N partnerships x M respondents on idea-stocktake in a temporary folder (one
bulk write per partnership; answers follow skip logic, with some N/A and don't know, and a few
moderated areas), then times, as medians of --runs:

- json-loading every shard file: the floor any benchmark must pay, measured in the same run;
- `national.national_benchmark` in-process;
- `stocktake -w WS benchmark --json` and the terminal table, end to end in a subprocess;
- `stocktake -w WS scores CODE` end to end (it reads the nation for its quartile column).

The goal is the nation's benchmark in under 3 s end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stocktake.banks.applicability import is_applicable  # noqa: E402
from stocktake.banks.loading import find_bank  # noqa: E402
from stocktake.scoring.national import national_benchmark  # noqa: E402
from stocktake.partnerships.model import partnership_for  # noqa: E402
from stocktake.partnerships.reference import current_authorities  # noqa: E402
from stocktake.records.responses import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer,  # noqa: E402
                                 Moderation, Response, ResponseKey, now_iso)
from stocktake.store.workspace import Workspace  # noqa: E402

WAVE = "2026-27"
ROLES = ["council", "schools", "health", "police", "voluntary", "young-people"]
GOAL_SECONDS = 3.0


def answer_value(question, maturity: float, rng: random.Random):
    """A value near the respondent's maturity (0-1), so partnerships differ as real ones do."""
    m = min(1.0, max(0.0, rng.gauss(maturity, 0.2)))
    if question.type == "scale":
        return 1 + round(m * (len(question.levels) - 1))
    if question.type == "choice":
        ranked = sorted(question.options, key=lambda o: o.score)
        return ranked[round(m * (len(ranked) - 1))].id
    if question.type == "multi":
        picked = [o.id for o in question.options if rng.random() < m]
        return picked or [question.options[0].id]
    if question.type == "yesno":
        return "yes" if rng.random() < m else "no"
    if question.type == "number":
        return rng.randint(int(question.min or 0), int(question.max or 100))
    return "Joint commissioning is slow to agree."


def respondent(code: str, index: int, bank, maturity: float, stamp: str,
               rng: random.Random) -> Response:
    role = "district" if code.startswith("E10") and index % 7 == 6 else ROLES[index % len(ROLES)]
    answers: dict[str, Answer] = {}
    for question in bank.questions:
        if not is_applicable(bank, question, role, answers):
            continue
        roll = rng.random()
        if roll < 0.04:
            answers[question.id] = Answer(question.id, NOT_APPLICABLE, None, "", stamp)
        elif roll < 0.10:
            answers[question.id] = Answer(question.id, DONT_KNOW, None, "", stamp)
        elif roll < 0.97:  # the rest left unanswered
            answers[question.id] = Answer(question.id, ANSWERED,
                                          answer_value(question, maturity, rng), "", stamp)
    key = ResponseKey(code, bank.id, WAVE, f"Respondent {index + 1}")
    return Response(key, role, "interview", "", bank.version, bank.hash, stamp, stamp, answers)


def build(root: Path, codes: list[str], respondents: int, bank, rng: random.Random) -> Workspace:
    ws = Workspace.open(root)
    ws.add_partnerships([partnership_for(code) for code in codes])
    stamp = now_iso()
    for n, code in enumerate(codes):
        maturity = rng.uniform(0.2, 0.85)
        batch = [respondent(code, r, bank, min(1.0, max(0.0, maturity + rng.uniform(-0.15, 0.15))),
                            stamp, rng) for r in range(respondents)]
        ws.write_responses(code, batch)
        if n % 15 == 0:
            ws.add_moderation(Moderation(code, bank.id, WAVE, bank.areas[n % len(bank.areas)].id,
                                         round(rng.uniform(20, 90), 1),
                                         "Evidence seen at the review day", "A. Adviser"))
    return ws


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_cli(root: Path, *args: str) -> None:
    exe = Path(sys.executable).with_name("stocktake")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "stocktake"]
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(command + ["-w", str(root), *args], capture_output=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"stocktake {' '.join(args)} failed: {done.stderr.decode()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    bank = find_bank("idea-stocktake")
    rng = random.Random(4)
    codes = [a.code for a in current_authorities()][: args.partnerships]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "national"
        started = time.perf_counter()
        ws = build(root, codes, args.respondents, bank, rng)
        built = time.perf_counter() - started
        shards = sorted((root / "partnerships").glob("*.json"))
        size_mib = sum(p.stat().st_size for p in shards) / 2 ** 20
        answers = sum(len(r["answers"]) for p in shards
                      for r in json.loads(p.read_bytes())["responses"].values())

        rows = [
            ("json-load every shard (baseline)",
             timed(lambda: [json.loads(p.read_bytes()) for p in shards], args.runs)),
            ("national_benchmark, in-process",
             timed(lambda: national_benchmark(ws, bank, WAVE), args.runs)),
            ("stocktake benchmark --json, end to end",
             timed(lambda: run_cli(root, "benchmark", "--wave", WAVE, "--json"), args.runs)),
            ("stocktake benchmark (table), end to end",
             timed(lambda: run_cli(root, "benchmark", "--wave", WAVE), args.runs)),
            ("stocktake scores CODE, end to end",
             timed(lambda: run_cli(root, "scores", codes[0], "--wave", WAVE), args.runs)),
            ("stocktake --help (start-up floor)",
             timed(lambda: run_cli(root, "--help"), args.runs)),
        ]
    print(f"workspace: {len(codes)} partnerships x {args.respondents} respondents, bank {bank.id} "
          f"({len(bank.questions)} questions), {answers} answers in {size_mib:.1f} MiB; "
          f"built in {built:.1f} s")
    print(f"{'measure (median of ' + str(args.runs) + ')':<44}{'seconds':>9}")
    for label, seconds in rows:
        print(f"{label:<44}{seconds:>9.3f}")
    end_to_end = rows[2][1]
    verdict = "meets" if end_to_end < GOAL_SECONDS else "MISSES"
    print(f"benchmark of the nation end to end: {end_to_end:.2f} s, {verdict} the "
          f"{GOAL_SECONDS:.0f} s goal")


if __name__ == "__main__":
    main()
