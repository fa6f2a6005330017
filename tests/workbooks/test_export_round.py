"""Exporting a whole round: the workbooks written side by side are the ones written one at a
time, a target that cannot be exported is reported while the others are written, and the
command's --jobs option is checked like any other."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import load_bank
from stocktake.demo.simulation import simulate_waves, write_demo
from stocktake.national.merge import merge_workbooks
from stocktake.returns.about import BankShelf
from stocktake.workbooks.export_round import export_many

from helpers.paths import BANKS

WAVE = "2026-27"
IDEA = BANKS / "idea-stocktake.toml"
# What changes from one export to the next: the time of export, and the seals made over it.
MOMENT = {"exported_at", "seal", "keyed_seal"}


@pytest.fixture
def round_of_five(workspace):
    bank = load_bank(IDEA)
    for demo in simulate_waves(bank, WAVE, random.Random(11), partnerships=5, respondents=4):
        write_demo(workspace, demo)
    return workspace


def _targets(ws) -> list[tuple[str, str, str]]:
    return [(p.code, "idea-stocktake", WAVE) for p in ws.partnerships()]


def _contents(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        rows = [r for r in ws.iter_rows(values_only=True)]
        if ws.title == "About":
            rows = [r for r in rows if r[0] not in MOMENT]
        if ws.title == "Summary":
            rows = [r for r in rows if r[0] != "Exported"]
        sheets[ws.title] = rows
    return sheets


def test_workbooks_written_side_by_side_are_those_written_one_at_a_time(round_of_five, tmp_path):
    targets = _targets(round_of_five)
    alone = list(export_many(round_of_five, targets, BankShelf(), "xlsx", tmp_path / "one",
                             jobs=1))
    together = list(export_many(round_of_five, targets, BankShelf(), "xlsx", tmp_path / "two",
                                jobs=2))
    # Results come back in the order asked for, whichever worker finished first.
    assert [r.code for r in together] == [t[0] for t in targets] == [r.code for r in alone]
    assert all(r.ok for r in alone + together)
    assert [(r.respondents, r.answers) for r in alone] == \
        [(r.respondents, r.answers) for r in together]
    for a, b in zip(alone, together):
        first, second = _contents(Path(a.files[0])), _contents(Path(b.files[0]))
        assert first.keys() == second.keys()
        for sheet in first:
            assert first[sheet] == second[sheet], sheet
    # and what the workers wrote merges as a national return
    merged = merge_workbooks([tmp_path / "two"], tmp_path / "national.xlsx")
    assert len(merged.merged) == 5


def test_a_target_that_cannot_be_exported_is_reported_and_the_rest_are_written(round_of_five,
                                                                              tmp_path):
    targets = _targets(round_of_five)
    missing = (targets[0][0], "idea-stocktake", "2019-20")  # no responses in that wave
    results = list(export_many(round_of_five, targets[:2] + [missing] + targets[2:],
                               BankShelf(), "xlsx", tmp_path / "out", jobs=2))
    failed = [r for r in results if not r.ok]
    assert [(r.code, r.wave) for r in failed] == [(missing[0], "2019-20")]
    assert "no responses to idea-stocktake in wave 2019-20" in failed[0].reason
    assert not failed[0].files
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{code}-idea-stocktake-{WAVE}.xlsx" for code, _, _ in targets)


def test_export_all_takes_jobs_and_refuses_a_negative_count(round_of_five, cli, tmp_path):
    one = cli("-w", str(round_of_five.root), "export", "--all", "--jobs", "1", "--out",
              str(tmp_path / "a"), "--json")
    assert one.exit_code == 0, one.output
    assert len(list((tmp_path / "a").glob("*.xlsx"))) == 10  # two waves each
    bad = cli("-w", str(round_of_five.root), "export", "--all", "--jobs", "-1", "--out",
              str(tmp_path / "b"))
    assert bad.exit_code == 2
    assert "--jobs" in bad.output
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("kind", ["damaged", "disk full", "usage"])
def test_errors_cross_between_processes_whole(kind, tmp_path):
    """A worker's error reaches the command as raised: message, hint, exit code and path."""
    import pickle

    from stocktake.errors import DiskFull, UsageError
    from stocktake.store.store_files import DamagedStoreFile

    error = {"damaged": lambda: DamagedStoreFile(tmp_path / "E09000007.json", "not JSON"),
             "disk full": lambda: DiskFull("no space left writing out.xlsx",
                                           tmp_path / "out.xlsx", hint="free some space"),
             "usage": lambda: UsageError("bad", hint="h")}[kind]()
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert (back.message, back.hint, back.exit_code, back.details) == \
        (error.message, error.hint, error.exit_code, error.details)
    assert getattr(back, "path", None) == getattr(error, "path", None)


def test_progress_without_a_terminal_names_what_is_written(round_of_five, cli, tmp_path):
    done = cli("-w", str(round_of_five.root), "export", "--all", "--format", "csv", "--out",
               str(tmp_path / "csv"))
    assert done.exit_code == 0, done.output
    assert "exported 10 of 10 CSV exports" in done.stderr


def test_a_one_wave_read_of_a_file_holds_all_the_whole_file_holds_of_that_wave(round_of_five):
    """The tidy and analysts' exports read one bank and wave of each file (snapshot with
    bank and wave); what they get is what the whole file holds of it, nothing of the other."""
    from stocktake.records.responses import Moderation
    from stocktake.records.roster_and_plans import PlanItem

    ws = round_of_five
    code = ws.partnerships()[0].code
    for wave in ("2025-26", WAVE):
        ws.add_moderation(Moderation(code, "idea-stocktake", wave, "vision", 50.0, "seen", "Pat"))
        ws.add_plan_item(PlanItem(code, "idea-stocktake", wave, "vision", "Established",
                                  f"act in {wave}", "Pat", "2027-03-31"))
    whole = ws.snapshot(code)
    assert {r.key.wave for r in whole.all_responses} == {"2025-26", WAVE}
    for wave in ("2025-26", WAVE):
        one = ws.snapshot(code, "idea-stocktake", wave)
        assert one.all_responses and one.all_moderations and one.all_plan_items
        assert list(one.all_responses) == whole.responses("idea-stocktake", wave)
        assert list(one.all_moderations) == whole.moderations("idea-stocktake", wave)
        assert list(one.all_plan_items) == whole.plan_items("idea-stocktake", wave)
    assert ws.snapshot(code, "another-bank").all_responses == ()


def test_the_tidy_exports_of_a_two_wave_round_hold_the_wave_asked_for(round_of_five, cli,
                                                                      tmp_path):
    import csv

    for fmt in ("csv", "json"):
        result = cli("export", "--all", "--wave", WAVE, "--format", fmt, "--out",
                     str(tmp_path / fmt))
        assert result.exit_code == 0, result.output
    codes = {p.code for p in round_of_five.partnerships()}
    for code in codes:
        stem = f"{code}-idea-stocktake-{WAVE}"
        with open(tmp_path / "csv" / f"{stem}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        held = [r for r in round_of_five.responses(code, "idea-stocktake", WAVE) if r.answers]
        assert len(rows) == sum(len(r.answers) for r in held)
        assert {row["partnership"] for row in rows} == {code}
        scores = (tmp_path / "csv" / f"{stem}-scores.csv").read_text(encoding="utf-8-sig")
        assert f",{WAVE}," in scores and ",2025-26," not in scores
    assert not list((tmp_path / "csv").glob("*2025-26*"))
