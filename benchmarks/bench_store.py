"""Saving one answer in a national workspace against a one-partnership workspace.

    python benchmarks/bench_store.py [--partnerships 153] [--respondents 20] [--saves 60]

Builds both workspaces in a temporary folder (bulk writes, one per partnership), then times
`Workspace.save_answer` (read the shard, change it, write it atomically with fsync, under the lock)
in each, alternating between them so that machine noise falls on both alike. Prints medians and
the ratio; the goal is a ratio of at most 1.2 and under 20 ms a save.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stocktake.banks import find_bank  # noqa: E402
from stocktake.reference import current_authorities  # noqa: E402
from stocktake.responses import ANSWERED, Answer, Response, ResponseKey, now_iso  # noqa: E402
from stocktake.store import Workspace  # noqa: E402

ROLES = ["council", "schools", "health", "police", "voluntary"]
WAVE = "2026-27"


def random_value(question, rng: random.Random):
    if question.type == "scale":
        return rng.randint(1, len(question.levels))
    if question.type == "choice":
        return rng.choice(question.options).id
    if question.type == "multi":
        return [o.id for o in rng.sample(question.options, rng.randint(1, len(question.options)))]
    if question.type == "yesno":
        return rng.choice(["yes", "no"])
    if question.type == "number":
        return rng.randint(int(question.min or 0), int(question.max or 100))
    return "Joint commissioning is slow to agree."


def build(root: Path, codes: list[str], respondents: int, bank, rng: random.Random) -> Workspace:
    ws = Workspace.open(root)
    stamp = now_iso()
    for code in codes:
        batch = []
        for r in range(respondents):
            role = ROLES[r % len(ROLES)]
            key = ResponseKey(code, bank.id, WAVE, f"Respondent {r + 1} ({role})")
            answers = {q.id: Answer(q.id, ANSWERED, random_value(q, rng), "", stamp)
                       for q in bank.questions_for_role(role)}
            batch.append(Response(key, role, "interview", "", bank.version, bank.hash, stamp,
                                  stamp, answers))
        ws.write_responses(code, batch)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--saves", type=int, default=60)
    args = parser.parse_args()
    bank = find_bank("idea-stocktake")
    rng = random.Random(1)
    codes = [a.code for a in current_authorities()][: args.partnerships]
    scale_q = next(q for q in bank.questions if q.type == "scale" and q.asked_of("council"))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        national = build(Path(tmp) / "national", codes, args.respondents, bank, rng)
        built = time.perf_counter() - started
        single = build(Path(tmp) / "single", codes[:1], args.respondents, bank, rng)
        key = ResponseKey(codes[0], bank.id, WAVE, "Respondent 1 (council)")
        timings = {"national": [], "single": []}
        for n in range(args.saves):
            for name, ws in (("national", national), ("single", single)):
                answer = Answer(scale_q.id, ANSWERED, 1 + n % len(scale_q.levels))
                t0 = time.perf_counter()
                ws.save_answer(key, answer, role="council")
                timings[name].append(time.perf_counter() - t0)
        shard_kib = national.shard_path(codes[0]).stat().st_size / 1024
    nat = statistics.median(timings["national"]) * 1000
    one = statistics.median(timings["single"]) * 1000
    print(f"workspace: {len(codes)} partnerships x {args.respondents} respondents, "
          f"bank {bank.id} ({len(bank.questions)} questions); built in {built:.1f} s; "
          f"one shard {shard_kib:.0f} KiB")
    print(f"{'measure':<44}{'median ms':>10}")
    print(f"{'save one answer, one-partnership workspace':<44}{one:>10.2f}")
    print(f"{'save one answer, national workspace':<44}{nat:>10.2f}")
    print(f"{'ratio national / one-partnership':<44}{nat / one:>10.2f}")


if __name__ == "__main__":
    main()
