"""Two checkouts of stocktake timed on the same commands, run by turns: is the newer one slower?

    git worktree add /tmp/before <commit>
    python benchmarks/compare.py /tmp/before .  [--partnerships 153] [--respondents 20] [--repeat 5]
                                                [--banks /tmp/before/question_banks]

Each measure runs the older and the newer checkout alternately (A B A B ...), each as a new
process with PYTHONPATH at its checkout, on workspaces the older one built (the newer must read
them: stores and workbooks of earlier versions stay readable). The median of each is reported
with the ratio newer / older; running them by turns keeps a busy machine's drift out of the
ratio. Commands whose output the newer version writes differently (exports, merges) are timed
on the same inputs. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(checkout: Path, args: list[str], env: dict) -> float:
    """Seconds one `stocktake ARGS` takes with `checkout` first on the path."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "stocktake", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env={**env, "PYTHONPATH": str(checkout)})
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: stocktake {' '.join(args)} failed:\n"
                         f"{done.stderr.decode()[-2000:]}")
    return took


def by_turns(before: Path, after: Path, args: list[str], repeat: int, env: dict
             ) -> tuple[float, float]:
    """Medians (before, after) of `repeat` runs each, alternating, after one warm-up each."""
    run(before, args, env), run(after, args, env)
    a, b = [], []
    for _ in range(repeat):
        a.append(run(before, args, env))
        b.append(run(after, args, env))
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the older checkout (its root folder)")
    parser.add_argument("after", type=Path, help="the newer checkout")
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--banks", type=Path, help="a folder of bank files both checkouts use "
                        "(STOCKTAKE_BANK_PATH): the older one's banks, when the newer ships "
                        "new editions, so both do the same work")
    args = parser.parse_args()
    before, after = args.before.resolve(), args.after.resolve()
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("STOCKTAKE_WORKSPACE", None)
    # As installed, with byte-code cached: without it every run compiles the package again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.banks:
        env["STOCKTAKE_BANK_PATH"] = str(args.banks.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-compare-"))
    national, out = tmp / "national", tmp / "out"
    bank = "idea-stocktake"
    run(before, ["-w", str(national), "demo", "--partnerships", str(args.partnerships),
                 "--respondents", str(args.respondents), "--out", str(out / "demo")], env)
    listing = subprocess.run([sys.executable, "-m", "stocktake", "-w", str(national),
                              "partnerships", "list", "--json"], capture_output=True, check=True,
                             env={**env, "PYTHONPATH": str(before)})
    code = json.loads(listing.stdout)[0]["code"]
    answers = tmp / "one.csv"
    run(before, ["-w", str(national), "export", "--all", "--out", str(out / "all")], env)
    form = out / "form.xlsx"
    run(before, ["-w", str(national), "forms", "create", code, "--bank", bank, "--role",
                 "council", "--out", str(form)], env)
    from openpyxl import load_workbook

    # Filled as a respondent would: every question asked of the role, by its hidden id (H) in
    # the Answer column (F), with what the older version's own form offers.
    book = load_workbook(form)
    sheet = book["Form"]
    question = None
    for row in sheet.iter_rows(min_row=1):
        qid, allowed = row[7].value, row[4].value
        if qid and isinstance(allowed, str):
            if allowed.startswith("1 - "):
                row[5].value, question = 3, question or qid
            elif allowed.startswith("Yes or No"):
                row[5].value = "Yes"
    sheet["C3"] = "Head of early help"
    filled = out / "filled.xlsx"
    book.save(filled)
    answers.write_text(f"question,value,evidence\n{question},3,\n")

    measures = [
        ("stocktake --help", ["--help"]),
        ("stocktake banks list", ["banks", "list"]),
        ("interview --answers (1 row), national",
         ["-w", str(national), "interview", code, "--bank", bank, "--respondent",
          "Benchmark respondent", "--role", "council", "--answers", str(answers)]),
        ("scores CODE, national", ["-w", str(national), "scores", code]),
        ("benchmark --json, national", ["-w", str(national), "benchmark", "--json"]),
        ("export CODE, national", ["-w", str(national), "export", code, "--out",
                                   str(out / "one")]),
        ("forms create", ["-w", str(national), "forms", "create", code, "--bank", bank,
                          "--role", "council", "--out", str(out / "form2.xlsx")]),
        ("forms import, one filled form", ["-w", str(national), "forms", "import",
                                           str(filled)]),
        (f"merge {args.partnerships} workbooks", ["merge", str(out / "all"), "--out",
                                                  str(out / "national.xlsx")]),
    ]
    print(f"before {before}\nafter  {after}\n{os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, {args.partnerships} x {args.respondents}, "
          f"{args.repeat} runs each by turns\n")
    print("| measure | before ms | after ms | after / before |\n|---|---:|---:|---:|")
    for name, command in measures:
        a, b = by_turns(before, after, command, args.repeat, env)
        print(f"| {name} | {a * 1000:.1f} | {b * 1000:.1f} | {b / a:.3f} |", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
