"""`stocktake scores`, `benchmark` and `trend` on a real workspace, as a user runs them."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import (ANSWERED, Answer, Response, ResponseKey)

from helpers.filling import WAVE, one_respondent, worked_example


@pytest.fixture
def narrow(monkeypatch):
    """An 80-column terminal: the shared consoles read COLUMNS only once, at import."""
    from stocktake.cli import common

    monkeypatch.setattr(common.console, "width", 80)
    monkeypatch.setattr(common.err_console, "width", 80)


def assert_fits(text: str, columns: int = 80) -> None:
    assert text.strip(), "nothing printed: an empty output fits any width"
    too_wide = [line for line in text.splitlines() if len(line) > columns]
    assert not too_wide, f"lines wider than {columns}: {too_wide}"
    assert "\x1b[" not in text  # NO_COLOR: no escape codes at all


# ---------------------------------------------------------------- scores


def test_scores_json_is_the_worked_example_with_moderation(cli, nation):
    result = cli("scores", "E09000007", "--bank", "mini", "--wave", WAVE, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["partnership"] == "E09000007" and data["bank"] == "mini" and data["wave"] == WAVE
    assert data["overall"] == {"score": 57.5, "level": "Established", "n": 4}  # (40 + 75) / 2
    assert data["min_count"] == 5
    vision, risk = data["areas"]
    # Issue 13 added the partners' views; the mini bank says nothing of partnership_score, so
    # the partnership score stays the mean over respondents and these figures stand.
    for area in (vision, risk):
        for key in ("by_role", "apart", "apart_differs", "quorum"):
            area.pop(key)
        assert area.pop("n") == area["respondents"]
    assert data["partnership_score"] == "respondents" and data["min_roles"] == 1
    assert vision == {"id": "vision", "title": "Vision", "score": 40.0, "level": "Developing",
                      "coverage": 0.6667, "respondents": 3, "spread": 77.08, "divergent": True,
                      "moderated": True, "self_assessed": 34.03}
    assert risk == {"id": "risk", "title": "Risk", "score": 75.0, "level": "Embedded",
                    "coverage": 1.0, "respondents": 2, "spread": 50.0, "divergent": True,
                    "moderated": False, "self_assessed": 75.0}


def test_scores_table_reads_at_80_columns_with_marks_and_national_quartile(cli, nation, narrow):
    result = cli("scores", "E09000007", "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    out = " ".join(result.stdout.split())  # phrases may wrap at 80 columns
    assert "Camden (E09000007), London" in out
    assert "40.0*" in out and "34.0" in out  # adviser's score, self-assessed beside it
    assert "moderated by Pat Adviser" in out and "Evidence at review day" in out
    assert "◆ 77" in out and "divergent" in out
    assert "Q: quartile in this round (5 of 153 authorities), 1 lowest to 4 highest." in out
    assert "Withheld:" in out and "Dev (council) answered 1 of 3 questions (33%)" in out
    assert "Embedded" in out and "Overall" in out and "57.5" in out
    assert "█" in out  # the bar


def test_scores_without_other_partnerships_has_no_quartile_column(cli, workspace):
    workspace.write_responses("E09000007", worked_example())
    result = cli("scores", "E09000007", "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    assert "national quartile" not in result.stdout and "34.0" in result.stdout


def test_scores_of_an_unknown_partnership_or_empty_wave_is_a_clear_error(cli, nation):
    result = cli("scores", "E06000001", "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 1 and "E06000001 is not in the workspace" in result.stderr
    assert "Hint:" in result.stderr and "Traceback" not in result.output
    result = cli("scores", "E09000007", "--bank", "mini", "--wave", "2024-25")
    assert result.exit_code == 1
    assert "no responses to mini in wave 2024-25" in result.stderr and "2026-27" in result.stderr
    result = cli("scores", "E09000007", "--bank", "nope", "--wave", WAVE)
    assert result.exit_code == 2 and "unknown bank 'nope'" in result.stderr  # usage


# ---------------------------------------------------------------- benchmark


def test_benchmark_json_shape_and_figures(cli, nation):
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Issue 13 added below_quorum and unmatched_groups, and a position's quorum and band;
    # issue 23 min_count, and the n a position is placed among.
    assert set(data) == {"bank", "wave", "count", "areas", "positions", "below_quorum",
                         "unmatched_groups", "min_count", "simulated"}
    assert data["count"] == 5 and len(data["positions"]) == 10
    vision = data["areas"][0]
    # vision, 100 x (yes 1 + 2 x (level - 1)/3 + staff 0.25) / 4 for levels 4, 1, 2, 3:
    # 81.25, 31.25, 47.92, 64.58, and Camden's moderated 40
    assert (vision["n"], vision["min"], vision["median"], vision["max"]) == \
        (5, 31.25, 47.92, 81.25)
    camden = next(p for p in data["positions"]
                  if p["partnership"] == "E09000007" and p["area"] == "vision")
    assert set(camden) == {"partnership", "area", "score", "quartile", "percentile_rank",
                           "vs_median", "vs_region", "quorum", "band", "n", "region_n"}
    assert camden["n"] == 5 and camden["region_n"] == 3
    # one of the other four below it: rank 1/4; Q1 is 40 itself, so quartile 2, band C
    assert camden["quartile"] == 2 and camden["percentile_rank"] == 0.25
    assert camden["band"] == "C" and camden["quorum"] is True


def test_benchmark_exclude_small_region_and_groups(cli, nation, tmp_path):
    small = json.loads(cli("benchmark", "--bank", "mini", "--wave", WAVE, "--exclude-small",
                           "--json").stdout)
    assert small["count"] == 3
    assert {p["partnership"] for p in small["positions"]} == {"E09000007", "E08000025",
                                                              "E09000033"}
    london = json.loads(cli("benchmark", "--bank", "mini", "--wave", WAVE, "--region", "London",
                            "--json").stdout)
    assert london["count"] == 3
    groups = tmp_path / "sn.csv"
    groups.write_text("code,group\nE09000007,Inner\nE09000033,Inner\n", encoding="utf-8")
    grouped = json.loads(cli("benchmark", "--bank", "mini", "--wave", WAVE, "--groups", groups,
                             "--json").stdout)
    camden = next(p for p in grouped["positions"]
                  if p["partnership"] == "E09000007" and p["area"] == "vision")
    # A group of two is no comparison under the bank's minimum of 5 ...
    assert camden["vs_group"] is None and camden["group_n"] == 2
    # ... but is with --min-count 2.
    grouped = json.loads(cli("benchmark", "--bank", "mini", "--wave", WAVE, "--groups", groups,
                             "--min-count", "2", "--json").stdout)
    camden = next(p for p in grouped["positions"]
                  if p["partnership"] == "E09000007" and p["area"] == "vision")
    assert camden["vs_group"] == pytest.approx(40 - (40 + 64.58) / 2, abs=0.01)
    assert grouped["min_count"] == 2


def test_benchmark_bad_groups_file_lists_each_bad_line(cli, nation, tmp_path):
    groups = tmp_path / "sn.csv"
    groups.write_text("code,group\nE09000007\nE09000007,Inner\n???,X\n", encoding="utf-8")
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--groups", groups)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "sn.csv:2:" in result.stderr and "sn.csv:4:" in result.stderr


def test_benchmark_table_reads_at_80_columns(cli, nation, narrow):
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert_fits(out)
    assert "5 partnerships" in out and "├" in out and "█" in out and "┤" in out
    assert "0" in out and "100" in out
    # Issue 13: listed by region then name, not as a league table
    assert "league" not in out.lower().replace("not a league table", "")
    listed = [line for line in out.splitlines() if "(E0" in line]
    assert [line.split("(E0")[0].strip() for line in listed] == \
        ["Camden", "City of London", "Westminster", "Isles of Scilly",
         "Birmingham"]  # London; South West; West Midlands
    by_score = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--sort", "score").stdout
    ranked = [line for line in by_score.splitlines() if "(E0" in line]
    # by overall score: City of London first (overall 90.6), Birmingham last (15.6)
    assert "City of London" in ranked[0] and "Birmingham" in ranked[-1]
    assert "A" in ranked[0].split() and "D" in ranked[-1].split()


def test_benchmark_region_unknown_or_empty_wave_fails_cleanly(cli, nation):
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--region", "Narnia")
    assert result.exit_code == 1 and "unknown region" in result.stderr
    result = cli("benchmark", "--bank", "mini", "--wave", "2030-31")
    assert result.exit_code == 1 and "no responses to mini in wave 2030-31" in result.stderr


def test_benchmark_writes_the_workbook_where_asked(cli, nation, tmp_path):
    pytest.importorskip("stocktake.workbooks.benchmark")
    target = tmp_path / "bench.xlsx"
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--xlsx", target)
    assert result.exit_code == 0, result.output
    assert target.exists() and str(target) in result.stdout.replace("\n", "")


# ---------------------------------------------------------------- trend


def test_trend_json_and_table(cli, nation):
    nation.write_responses("E09000007", one_respondent("E09000007", 1, "none", wave="2025-26"))
    result = cli("trend", "E09000007", "--bank", "mini", "--from", "2025-26", "--to", WAVE,
                 "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 2025-26: vision (1 + 0 + 0.25) / 4 = 31.25, risk 0; 2026-27: vision 40 (moderated), risk 75
    assert data["partnership"] == "E09000007" and (data["from"], data["to"]) == ("2025-26", WAVE)
    assert data["areas"][0] == {"id": "vision", "title": "Vision", "from": 31.25, "to": 40.0,
                                "change": 8.75}
    assert data["areas"][1]["change"] == 75.0
    assert data["overall"] == {"from": 15.62, "to": 57.5, "change": 41.88}
    table = cli("trend", "E09000007", "--bank", "mini", "--from", "2025-26", "--to", WAVE)
    assert table.exit_code == 0 and "▲ +8.8" in table.stdout and "Overall" in table.stdout


def test_trend_needs_both_waves(cli, nation):
    result = cli("trend", "E09000007", "--bank", "mini", "--from", "2019-20", "--to", WAVE)
    assert result.exit_code == 1 and "wave 2019-20" in result.stderr
    result = cli("trend", "E09000007", "--bank", "mini", "--to", WAVE)
    assert result.exit_code == 2


# ---------------------------------------------------------------- help and a real terminal


@pytest.mark.parametrize("command", ["scores", "benchmark", "trend"])
def test_each_command_has_help_with_an_example(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout


def test_real_terminal_80_columns_no_color(nation, tmp_path):
    """The installed command in a subprocess with COLUMNS=80 and NO_COLOR, as a user would."""
    exe = Path(sys.executable).with_name("stocktake")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "stocktake"]
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    for args, shown in ((["scores", "E09000007"], "Camden (E09000007), London"),
                        (["benchmark"], "5 partnerships")):
        done = subprocess.run(command + ["-w", str(nation.root), *args, "--bank", "mini",
                                         "--wave", WAVE],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        assert_fits(done.stdout)
        assert shown in " ".join(done.stdout.split()), (args, done.stdout[:400])


# ---------------------------------------------------------------- partners' scores (issue 13)

WORKED_BANK = '''id = "worked"
title = "Worked example"
version = "1"
description = "Two areas, one scored number question each."
partnership_score = "roles"
min_roles = 2

[[roles]]
id = "council"
title = "Council"

[[roles]]
id = "police"
title = "Police"

[[roles]]
id = "young-people"
title = "Children and young people, answering for themselves"
reported_apart = true

[[areas]]
id = "safety"
title = "Keeping children safe"

[[areas]]
id = "help"
title = "Early help"

[[questions]]
id = "safety.q"
area = "safety"
type = "number"
text = "How far?"
scored = true
min = 0
max = 100

[[questions]]
id = "help.q"
area = "help"
type = "number"
text = "How far?"
scored = true
min = 0
max = 100
roles = ["council", "young-people"]
'''


@pytest.fixture
def worked(workspace, tmp_path, monkeypatch):
    """3 council, 1 police, 2 young people (tests/scoring/test_partner_views.py works it by hand);
    early help is asked of the council and young people only, so it has no partner quorum."""
    bank = tmp_path / "worked.toml"
    bank.write_text(WORKED_BANK, encoding="utf-8")
    # On the bank path too, as `stocktake doctor` needs to check answers against it.
    monkeypatch.setenv("STOCKTAKE_BANK_PATH",
                       os.pathsep.join([os.environ["STOCKTAKE_BANK_PATH"], str(tmp_path)]))
    workspace.add_partnerships([partnership_for("E09000007")])
    people = [("Ann", "council", 40, 60), ("Bob", "council", 50, 60), ("Cat", "council", 60, 60),
              ("Dan", "police", 90, None), ("Eve", "young-people", 20, 50),
              ("Fay", "young-people", 30, 50)]
    responses = []
    for name, role, safety, help_ in people:
        answers = {"safety.q": Answer("safety.q", ANSWERED, safety)}
        if help_ is not None:
            answers["help.q"] = Answer("help.q", ANSWERED, help_)
        responses.append(Response(ResponseKey("E09000007", "worked", WAVE, name), role,
                                  answers=answers))
    workspace.write_responses("E09000007", responses)
    return bank


def test_scores_json_carries_roles_by_role_apart_and_quorum(cli, worked):
    data = json.loads(cli("scores", "E09000007", "--bank", worked, "--wave", WAVE,
                          "--json").stdout)
    assert [(r["id"], r["respondents"], r["reported_apart"]) for r in data["roles"]] == \
        [("council", 3, False), ("police", 1, False), ("young-people", 2, True)]
    safety, help_ = data["areas"]
    assert safety["score"] == 70.0 and safety["spread"] == 40.0 and safety["quorum"] is True
    assert safety["by_role"]["council"] == {"score": 50.0, "respondents": 3, "n": 3,
                                            "spread": 20.0}
    # Two young people: fewer than the bank's min_count of 5, so no figure, and why.
    assert safety["apart"] == {"young-people": {"score": None, "respondents": 2, "n": 2,
                                                "withheld": "fewer than 5"}}
    two = json.loads(cli("scores", "E09000007", "--bank", worked, "--wave", WAVE,
                         "--min-count", "2", "--json").stdout)
    assert two["areas"][0]["apart"] == {"young-people": {"score": 25.0, "respondents": 2,
                                                         "n": 2}}
    assert help_["score"] == 60.0 and help_["quorum"] is False
    assert list(help_["by_role"]) == ["council"]


def test_scores_shows_partners_heat_row_apart_flag_and_quorum_mark_at_80_columns(cli, worked,
                                                                                 narrow):
    result = cli("scores", "E09000007", "--bank", worked, "--wave", WAVE)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    out = " ".join(result.stdout.split())
    assert "Cou Pol │YP" in out  # the partners, then the view reported apart
    # The partners' table marks early help, no partnership view, in a column headed by the
    # mark itself (it was "Q", as the quartile column above).
    assert "Cou Pol │YP °" in out
    # safety: council 50, police 90; two young people are a count, not a figure
    assert "50 90 (2)" in out
    assert "60.0°" in out  # early help: shown, but not a partnership view
    assert "Early help: not a partnership view: only council answered" in out
    assert ("Keeping children safe: Children and young people: 2 answered, fewer than 5, so "
            "not reported") in out
    assert "against the partnership's" not in out
    out = " ".join(cli("scores", "E09000007", "--bank", worked, "--wave", WAVE,
                       "--min-count", "2").stdout.split())
    assert "50 90 25!" in out
    assert ("Keeping children safe: what the 2 children and young people said is less "
            "positive than the partners' answers") in out
    assert "Cou Council (3), Pol Police (1), YP Children and young people (2)" in out


def test_scores_by_role_lists_every_role_with_respondents_and_spread_within(cli, worked, narrow):
    result = cli("scores", "E09000007", "--bank", worked, "--wave", WAVE, "--by-role")
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "Council 50.0 Established 3 20.0 -20.0" in lines
    assert "Police 90.0 Embedded 1 – +20.0" in lines
    # Two young people, fewer than the bank's 5: their count alone, in full as in the heat
    # row (their 25, 45 points below the partnership, is neither shown nor flagged).
    out = " ".join(result.stdout.split())  # the role's name wraps at 72 columns
    assert re.search(r"Children and young people (\(apart\) )?[–-] [–-] 2 [–-] [–-]", out), out
    assert "25.0" not in out and "-45.0" not in out
    data = json.loads(cli("scores", "E09000007", "--bank", worked, "--wave", WAVE,
                          "--by-role", "--json").stdout)
    assert data["areas"][0]["apart"]["young-people"]["score"] is None
    assert data["areas"][0]["apart_differs"] == []
    result = cli("scores", "E09000007", "--bank", worked, "--wave", WAVE, "--by-role",
                 "--min-count", "2")
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "Children and young people (apart) 25.0 Developing 2 10.0 ! -45.0" in lines


def test_benchmark_lists_groups_codes_not_in_the_workspace(cli, nation, tmp_path):
    groups = tmp_path / "sn.csv"
    groups.write_text("code,group\nE09000007,Inner\nE09000020,Inner\nE08000026,West\n",
                      encoding="utf-8")
    result = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--groups", groups, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["unmatched_groups"] == ["E08000026", "E09000020"]
    assert "2 code(s) have no partnership compared here" in " ".join(result.stderr.split())
    assert "E08000026, E09000020" in " ".join(result.stderr.split())


def test_the_partners_table_has_no_empty_mark_column_where_every_area_is_a_partnership_view(
        cli, tmp_path):
    assert cli("demo", "--partnerships", "1", "--respondents", "4").exit_code == 0
    code = json.loads(cli("partnerships", "list", "--json").stdout)[0]["code"]
    out = cli("scores", code, "--bank", "idea-stocktake", "--wave", "2026-27").stdout
    head = next(line for line in out.splitlines()
                if line.split()[:1] == ["Area"] and "Cou" in line)
    assert head.split()[-1] != "Q" and "°" not in head, head
