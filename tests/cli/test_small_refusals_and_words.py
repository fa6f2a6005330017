"""Refusals that say what is wrong and where, with the right exit code, and summaries whose
words fit their numbers: a groups file without its header, a wave with nothing in it, an
unknown --bank, the demo's workbook of another workspace, and merge's --out and plurals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.filling import WAVE

EMPTY_WAVE = "2019-20"


def said(result) -> str:
    """Everything printed, on one line: rich wraps at the terminal's width."""
    return " ".join((result.stdout + " " + result.stderr).split())


# ------------------------------------------------------------------ 1. the groups CSV


def groups_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sn.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_groups_file_whose_first_line_is_no_header_is_refused_naming_line_1(
        cli, nation, tmp_path):
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE,
                 "--groups", groups_file(tmp_path, "x,y\nE09000007,Inner\n"))
    assert result.exit_code == 1, result.output
    out = said(result)
    assert "sn.csv:1:" in out and "found 'x,y'" in out and "should read code,group" in out
    assert "Traceback" not in result.output
    assert "no partnership compared" not in out  # "x" is not taken for a code


def test_groups_rows_with_no_partnership_code_or_an_empty_group_are_named_by_line(
        cli, nation, tmp_path):
    sn = groups_file(tmp_path, "code,group\nE09000007,Inner\nE0900003,Inner\n???,X\n"
                               "E09000033,\n,Outer\n")
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--groups", sn)
    assert result.exit_code == 1, result.output
    out = said(result)
    assert "sn.csv:3: 'E0900003' is not a partnership code" in out  # a digit short
    assert "sn.csv:4: '???' is not a partnership code" in out
    assert "sn.csv:5:" in out and "(no group)" in out
    assert "sn.csv:6: the code is empty" in out
    assert "sn.csv:2" not in out and "Traceback" not in result.output


@pytest.mark.parametrize("text", ["code,group\nE09000007,Inner\nE09000033,Inner\n",
                                  "LA code,SN group\n202,Inner\nWestminster,Inner\n",
                                  "E09000007,Inner\nE09000033,Inner\n"])
def test_documented_groups_files_still_work_with_or_without_the_header(cli, nation, tmp_path,
                                                                     text):
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--json", "--min-count", "1",
                 "--groups", groups_file(tmp_path, text))
    assert result.exit_code == 0, result.output
    positions = json.loads(result.stdout)["positions"]
    assert {p["group"] for p in positions if p["partnership"] == "E09000007"} == {"Inner"}


# ------------------------------------------------------------------ 2. a wave with nothing


@pytest.mark.parametrize("command", [("export", "--all"), ("export", "E09000007"),
                                     ("report", "E09000007"), ("report", "--national")])
def test_a_wave_with_no_answers_names_the_wave_the_bank_and_the_waves_there_are(
        cli, nation, tmp_path, command):
    if command[0] == "report":
        pytest.importorskip("docx")
        pytest.importorskip("matplotlib")
    result = cli(*command, "--wave", EMPTY_WAVE, "--out",
                 tmp_path / ("out.html" if command[0] == "report" else "out"))
    assert result.exit_code == 1, result.output
    out = said(result)
    assert "no answers" in out and f"to mini in wave {EMPTY_WAVE}" in out, out
    assert f"has {WAVE}" in out and f"--wave {WAVE}" in out
    assert "nothing to" not in out and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.html").exists()


def test_another_bank_with_no_answers_is_named_with_the_bank_answered(cli, nation, tmp_path):
    result = cli("export", "--all", "--bank", "idea-stocktake", "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert f"no answers to idea-stocktake; this workspace has answers to mini {WAVE}" \
        in said(result)


@pytest.mark.parametrize("command", [("scores", "E09000007", "--bank", "mini"),
                                     ("benchmark", "--bank", "mini")])
def test_scores_and_benchmark_name_the_empty_wave_and_the_waves_there_are(cli, nation,
                                                                          command):
    result = cli(*command, "--wave", EMPTY_WAVE)
    assert result.exit_code == 1, result.output
    out = said(result)
    assert f"mini in wave {EMPTY_WAVE}" in out and WAVE in out and "Traceback" not in out


# ------------------------------------------------------------------ 3. an unknown --bank


@pytest.mark.parametrize("command", [("scores", "E09000007"), ("benchmark",),
                                     ("export", "--all"), ("report", "--national"),
                                     ("status",), ("roster", "list"), ("codebook",),
                                     ("demo", "-n", "1")])
def test_an_unknown_bank_is_a_usage_error_listing_the_banks(cli, nation, command):
    if command[0] == "report":
        pytest.importorskip("docx")
        pytest.importorskip("matplotlib")
    args = (*command, "nope") if command[0] == "codebook" else (*command, "--bank", "nope")
    result = cli(*args)
    assert result.exit_code == 2, result.output
    out = said(result)
    assert "unknown bank 'nope'" in out and "known banks:" in out and "mini" in out
    assert "Traceback" not in result.output


def test_a_bank_file_that_fails_validation_is_bad_input_not_usage(cli, nation, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "broken"\n', encoding="utf-8")
    result = cli("scores", "E09000007", "--bank", broken)
    assert result.exit_code == 1, result.output
    assert "problem(s) in the bank" in said(result) and "Traceback" not in result.output


# ------------------------------------------------------------------ 4. the demo's workbook


def test_the_demo_writes_inside_its_workspace_and_never_over_another_workspaces_file(
        cli, tmp_path, monkeypatch):
    pytest.importorskip("stocktake.workbooks.benchmark")
    monkeypatch.chdir(tmp_path)
    name = f"benchmark-idea-stocktake-{WAVE}.xlsx"
    one, two = tmp_path / "one", tmp_path / "two"
    first = cli("demo", "-n", "2", "-m", "2", "--wave", WAVE, workspace=one)
    assert first.exit_code == 0, first.output
    assert (one / "exports" / name).is_file() and not (tmp_path / "exports").exists()
    assert str(one / "exports" / name) in said(first)

    shared = tmp_path / "shared"
    assert cli("demo", "-n", "2", "-m", "2", "--wave", WAVE, "--out", shared,
               workspace=one).exit_code == 0
    kept = (shared / name).read_bytes()
    other = cli("demo", "-n", "3", "-m", "2", "--wave", WAVE, "--out", shared, workspace=two)
    assert other.exit_code == 0, other.output
    beside = shared / name.replace(".xlsx", "-2.xlsx")
    assert (shared / name).read_bytes() == kept and beside.is_file()
    out = said(other)
    assert "was not made from this workspace" in out and str(beside) in out

    again = cli("demo", "-n", "2", "-m", "2", "--wave", WAVE, "--out", shared, "--json",
                workspace=one)
    summary = json.loads(again.stdout)  # the first workspace's own file is replaced
    assert Path(summary["workbook"]) == shared / name and summary["kept_other"] is None


# ------------------------------------------------------------------ 5. merge's --out and words


@pytest.fixture
def two_waves(cli, tmp_path):
    """One partnership's exports of two waves (the demo's), in a folder."""
    pytest.importorskip("stocktake.workbooks.benchmark")
    ws = tmp_path / "demo-ws"
    assert cli("demo", "-n", "1", "-m", "2", "--wave", WAVE, "--out", tmp_path / "bench",
               workspace=ws).exit_code == 0
    exports = tmp_path / "exports"
    done = cli("export", "--all", "--out", exports, workspace=ws)
    assert done.exit_code == 0, done.output
    return exports


def test_merge_says_first_why_out_is_renamed_and_counts_one_partnership(cli, two_waves,
                                                                        tmp_path):
    out = tmp_path / "m1.xlsx"
    result = cli("merge", two_waves, "--out", out)
    assert result.exit_code == 0, result.output
    first = " ".join(result.stdout.split("\n\n")[0].split())
    assert first.startswith("2 banks and waves") and "m1-BANK-WAVE.xlsx instead of" in first
    assert not out.exists()
    out_text = said(result)
    assert "1 partnership," in out_text and "1 partnerships" not in out_text
    assert "(s)" not in out_text


def test_merge_of_one_bank_and_wave_writes_exactly_the_out_name(cli, two_waves, tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    for path in two_waves.glob(f"*-{WAVE}.xlsx"):
        (one / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "m1.xlsx"
    result = cli("merge", one, "--out", out, "--into-workspace", workspace=tmp_path / "nat")
    assert result.exit_code == 0, result.output
    assert out.is_file() and sorted(p.name for p in tmp_path.glob("m1*")) == ["m1.xlsx"]
    out_text = said(result)
    assert "banks and waves" not in out_text
    assert "1 partnership," in out_text and "answers of 1 partnership in" in out_text
    assert "(s)" not in out_text
