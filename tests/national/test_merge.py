"""The national merge: exported workbooks read back, checked, grouped and scored."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.national.reading import read_returned_workbook
from stocktake.scoring.national import national_benchmark
from stocktake.scoring.method import score_partnership
from stocktake.store.workspace import Workspace

from helpers.cells import answer_cell
from helpers.filling import CODES, WAVE


def path_of(folder: Path, code: str) -> Path:
    return folder / f"{code}-mini-{WAVE}.xlsx"


def test_merged_scores_equal_the_workspaces(exported, workspace, mini_bank, tmp_path):
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    assert result.rejected == [] and len(result.merged) == 3
    bench = result.outputs[0].benchmark
    assert bench.to_json() == national_benchmark(workspace, mini_bank, WAVE).to_json()
    for scores in bench.scores:
        assert scores == score_partnership(mini_bank, workspace.responses(scores.partnership),
                                           partnership=scores.partnership, wave=WAVE)


def test_merge_rebuilds_every_response_exactly(exported, workspace, mini_bank):
    back = read_returned_workbook(path_of(exported, "E09000007"))
    assert list(back.responses) == sorted(workspace.responses("E09000007"),
                                          key=lambda r: r.key.respondent)


def test_an_answer_altered_by_hand_is_refused_as_edited(exported, tmp_path):
    target = path_of(exported, "E06000001")
    wb, cell = answer_cell(target, "Ann Council", "vision.known")
    cell.value = 4 if cell.value != 4 else 3
    wb.save(target)
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    assert [r.path.name for r in result.rejected] == [target.name]
    assert "edited after export" in result.rejected[0].reason
    assert sorted(w.partnership.code for w in result.merged) == ["E08000025", "E09000007"]


def test_a_resave_that_changes_types_but_not_meaning_keeps_the_seal(exported):
    target = path_of(exported, "E09000007")
    wb = load_workbook(target)
    ws = wb["Answers"]
    for row in ws.iter_rows(min_row=2):
        if isinstance(row[6].value, int):
            row[6].value = float(row[6].value)  # numbers come back as floats
        if row[9].value == "":
            row[9].value = None
        row[10].value = datetime.fromisoformat(row[10].value).replace(tzinfo=None)
    wb.save(target)
    assert read_returned_workbook(target).answers > 0


def test_the_newest_export_of_a_partnership_wins(workspace, mini_bank, exported, tmp_path):
    later = tmp_path / "later"
    export = gather_export(workspace, mini_bank, "E09000007", WAVE, with_names=True,
                           exported_at="2099-01-01T00:00:00+00:00")
    newer = write_export(export, "xlsx", later)[0]
    result = merge_workbooks([exported, newer], tmp_path / "national.xlsx")
    camden = [w for w in result.merged if w.partnership.code == "E09000007"]
    assert [w.path for w in camden] == [newer]
    assert [r.path for r in result.rejected] == [path_of(exported, "E09000007")]
    assert "duplicate" in result.rejected[0].reason and str(newer) in result.rejected[0].reason


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_text("not a workbook"), "not"),
    (lambda p: Workbook().save(p), "not a stocktake export"),
])
def test_foreign_files_are_refused_and_the_rest_merge(exported, tmp_path, make, reason):
    bad = exported / "zz-bad.xlsx"
    make(bad)
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    assert [r.path for r in result.rejected] == [bad]
    assert reason in result.rejected[0].reason
    assert len(result.merged) == 3


def test_a_missing_sheet_is_named(exported, tmp_path):
    target = path_of(exported, "E08000025")
    wb = load_workbook(target)
    del wb["_responses"]
    wb.save(target)
    result = merge_workbooks([target], tmp_path / "national.xlsx")
    assert "_responses" in result.rejected[0].reason and result.outputs == []


def test_a_different_bank_version_is_refused(exported, tmp_path):
    target = path_of(exported, "E08000025")
    wb = load_workbook(target)
    for row in wb["About"].iter_rows():
        if row[0].value == "bank_version":
            row[1].value = "0.9"
    wb.save(target)
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    assert result.rejected[0].reason == "different bank version: exported with mini 0.9, " \
                                        "this merge uses 1.0"


def test_a_response_form_is_pointed_to_forms_import(workspace, mini_bank, tmp_path):
    from stocktake.partnerships.model import partnership_for
    from stocktake.workbooks.forms import create_form

    form = create_form(tmp_path / "form.xlsx", mini_bank, partnership_for("E09000007"),
                       "council", WAVE)
    result = merge_workbooks([form], tmp_path / "national.xlsx")
    assert "forms import" in result.rejected[0].reason


def test_into_workspace_stores_the_merged_responses(exported, workspace, tmp_path):
    fresh = Workspace.open(tmp_path / "national-ws")
    merge_workbooks([exported], tmp_path / "national.xlsx", workspace=fresh)
    for code in CODES:
        assert sorted(fresh.responses(code), key=lambda r: r.key.respondent) == \
            sorted(workspace.responses(code), key=lambda r: r.key.respondent)
    assert {p.code for p in fresh.partnerships()} == set(CODES)


def test_openpyxl_reader_and_worker_processes_give_the_same_result(exported, tmp_path):
    files = sorted(exported.glob("*.xlsx"))
    calamine = [read_returned_workbook(f) for f in files]
    parallel = merge_workbooks([exported], tmp_path / "a.xlsx", workers=2)
    serial = merge_workbooks([exported], tmp_path / "b.xlsx", workers=1)
    assert [r.path for r in parallel.merged] == files
    for a, b in zip(parallel.merged, serial.merged):
        assert (a, a.responses, a.scores) == (b, b.responses, b.scores)
    assert [(w.responses, w.moderations) for w in calamine] == \
        [(w.responses, w.moderations) for w in
         (read_returned_workbook(f, reader="openpyxl") for f in files)]


def test_national_workbook_lists_its_sources(exported, tmp_path):
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    wb = load_workbook(result.outputs[0].path)
    # Issue 13: a Contents sheet first, the merged answers in long form, an Areas lookup;
    # issue 29: the codebook of the data files.
    assert wb.sheetnames == ["Contents", "Scores", "Matrix", "Distribution", "Regions", "Sources",
                             "Answers", "Areas", "Codebook", "About"]
    files = [r[2] for r in wb["Sources"].iter_rows(min_row=2, values_only=True)]
    assert files == sorted(p.name for p in exported.glob("*.xlsx"))


# ---------------------------------------------------------------- the command


def test_merge_command_json_and_exit_code(exported, cli, tmp_path):
    bad = exported / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    (exported / "~$E09000007-mini-2026-27.xlsx").write_bytes(b"lock file")  # Excel's: ignored
    result = cli("merge", str(exported), "--out", str(tmp_path / "national.xlsx"), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert sorted(m["partnership"] for m in data["merged"]) == sorted(CODES)
    assert {"file", "partnership", "respondents", "answers"} <= set(data["merged"][0])
    assert [r["file"] for r in data["rejected"]] == [str(bad)]
    assert data["out"] == str(tmp_path / "national.xlsx")
    assert (tmp_path / "national.xlsx").exists()


def test_merge_command_summary_and_clean_exit(exported, cli, tmp_path):
    result = cli("merge", str(exported), "--out", str(tmp_path / "national.xlsx"))
    assert result.exit_code == 0, result.output
    assert "Merged (3)" in result.stdout and "national.xlsx" in result.stdout


def test_merge_command_with_nothing_mergeable_fails_without_traceback(cli, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("hello")
    result = cli("merge", str(junk), str(tmp_path / "missing.xlsx"),
                 "--out", str(tmp_path / "national.xlsx"))
    assert result.exit_code == 1
    assert "missing.xlsx" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "national.xlsx").exists()


def test_merge_help_has_an_example(cli):
    assert "Example: stocktake merge" in cli("merge", "--help").stdout


def test_benchmark_workbooks_in_a_folder_are_passed_over(exported, tmp_path):
    shutil.copy(merge_workbooks([exported], tmp_path / "n.xlsx").outputs[0].path,
                exported / "national.xlsx")
    result = merge_workbooks([exported], tmp_path / "n2.xlsx")
    assert result.rejected == [] and [s.path.name for s in result.skipped] == ["national.xlsx"]
