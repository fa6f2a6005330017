"""Saving one answer in a national workspace against a one-partnership workspace.

    python benchmarks/bench_store.py [--partnerships 153] [--respondents 20] [--saves 60]

Builds both workspaces in a temporary folder with the demo's simulation (bulk writes, one per
partnership), then times `Workspace.save_answer` (read the shard, change it, write it atomically
with fsync, under the lock) in each, alternating between them so that machine noise falls on
both alike. Prints medians and the ratio; the goal is a ratio of at most 1.2 and under 20 ms a
save.
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

from stocktake.banks.loading import find_bank  # noqa: E402
from stocktake.demo.simulation import simulate_demo, write_demo  # noqa: E402
from stocktake.records.responses import ANSWERED, Answer, ResponseKey  # noqa: E402
from stocktake.store.workspace import Workspace  # noqa: E402

WAVE = "2026-27"


def build(root: Path, partnerships: int, respondents: int, bank) -> tuple[Workspace, str]:
    ws = Workspace.open(root)
    demo = simulate_demo(bank, WAVE, random.Random(1), partnerships=partnerships,
                         respondents=respondents)
    write_demo(ws, demo)
    return ws, demo.partnerships[0].partnership.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--saves", type=int, default=60)
    args = parser.parse_args()
    bank = find_bank("idea-stocktake")
    scale_q = next(q for q in bank.questions if q.type == "scale" and q.asked_of("council"))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        national, national_code = build(Path(tmp) / "national", args.partnerships,
                                        args.respondents, bank)
        built = time.perf_counter() - started
        single, single_code = build(Path(tmp) / "single", 1, args.respondents, bank)
        timings: dict[str, list[float]] = {"national": [], "single": []}
        for n in range(args.saves):
            for name, ws, code in (("national", national, national_code),
                                   ("single", single, single_code)):
                key = ResponseKey(code, bank.id, WAVE, "Benchmark respondent")
                answer = Answer(scale_q.id, ANSWERED, 1 + n % len(scale_q.levels))
                t0 = time.perf_counter()
                ws.save_answer(key, answer, role="council")
                timings[name].append(time.perf_counter() - t0)
        shard_kib = national.shard_path(national_code).stat().st_size / 1024
        single_kib = single.shard_path(single_code).stat().st_size / 1024
    nat = statistics.median(timings["national"]) * 1000
    one = statistics.median(timings["single"]) * 1000
    print(f"workspace: {args.partnerships} partnerships x {args.respondents} respondents, "
          f"bank {bank.id} ({len(bank.questions)} questions); built in {built:.1f} s; "
          f"shard saved to {shard_kib:.0f} KiB (national), {single_kib:.0f} KiB (one)")
    print(f"{'measure':<44}{'median ms':>10}")
    print(f"{'save one answer, one-partnership workspace':<44}{one:>10.2f}")
    print(f"{'save one answer, national workspace':<44}{nat:>10.2f}")
    print(f"{'ratio national / one-partnership':<44}{nat / one:>10.2f}")


if __name__ == "__main__":
    main()
