"""stocktake.scoring's views (partnership_view, trend_view, benchmark_view, self_view): the
results `scores`, `trend`, `benchmark` and `evidence` render and print as JSON, built from a
real workspace and checked against the scoring they rest on."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey
from stocktake.records.roster_and_plans import PlanItem

WAVE, EARLIER = "2026-27", "2025-26"
CODES = ["E09000007", "E09000001", "E08000025", "E06000053", "E09000033"]


def lead(code: str, level: int, register: str, wave: str = WAVE) -> list[Response]:
    answers = {"vision.statement": Answer("vision.statement", ANSWERED, "yes"),
               "vision.known": Answer("vision.known", ANSWERED, level),
               "vision.consulted": Answer("vision.consulted", ANSWERED, ["staff"]),
               "risk.register": Answer("risk.register", ANSWERED, register)}
    return [Response(ResponseKey(code, "mini", wave, "Lead"), "council", answers=answers)]


@pytest.fixture
def nation(workspace):
    """Five partnerships of the test bank, each one council lead; Camden in two waves."""
    workspace.add_partnerships([partnership_for(c) for c in CODES])
    for code, level, register in zip(CODES, (3, 4, 1, 2, 3),
                                     ("partial", "full", "none", "partial", "full"), strict=True):
        workspace.write_responses(code, lead(code, level, register))
    workspace.write_responses("E09000007", lead("E09000007", 1, "none", EARLIER))
    return workspace


def test_the_scores_view_is_the_scores_with_flags_and_plan(nation, mini_bank):
    from stocktake.scoring.national import national_benchmark, partnership_scores
    from stocktake.scoring.partnership_view import partnership_view

    kept = nation.add_plan_item(PlanItem("E09000007", "mini", WAVE, "risk", "Embedded",
                                         "Keep a register", "Pat", "2027-03-31"))
    gone = nation.add_plan_item(PlanItem("E09000007", "mini", WAVE, "vision", "Embedded",
                                         "Dropped", "Pat", "2027-03-31"))
    nation.set_plan_status("E09000007", gone.id, "removed")
    view = partnership_view(nation, mini_bank, WAVE, "E09000007")
    scores = partnership_scores(nation, mini_bank, WAVE, "E09000007")
    risk = next(a for a in scores.areas if a.id == "risk")
    got = view.to_json()
    assert {k: v for k, v in got.items() if k not in ("evidence_flags", "plan")} == \
        scores.to_json(mini_bank.min_count)
    assert got["evidence_flags"] == []  # the test bank links no published measure
    assert [(p["id"], p["current_level"]) for p in got["plan"]] == [(kept.id, risk.level)]
    assert view.label == "Camden (E09000007), London"
    assert view.nation.count == national_benchmark(nation, mini_bank, WAVE).count == 5
    assert partnership_view(nation, mini_bank, WAVE, "E09000007", national=False).nation is None


def test_a_nation_of_one_gives_no_quartiles(workspace, mini_bank):
    from stocktake.scoring.partnership_view import partnership_view

    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.write_responses("E09000007", lead("E09000007", 3, "full"))
    view = partnership_view(workspace, mini_bank, WAVE, "E09000007")
    assert view.nation is None and view.nation_left_out == ""


def test_a_name_outside_the_workspace_comes_from_the_shipped_list(workspace):
    from stocktake.scoring.partnership_view import partnership_label, partnership_name

    assert partnership_name("E09000007", {}) == "Camden"
    assert partnership_name("X99999999", {}) == "X99999999"
    assert partnership_label(workspace, "E09000007") == "Camden (E09000007), London"


def test_the_trend_view_is_the_change_between_the_waves(nation, mini_bank):
    from stocktake.scoring.national import partnership_scores
    from stocktake.scoring.trend_view import trend_view

    before = partnership_scores(nation, mini_bank, EARLIER, "E09000007")
    after = partnership_scores(nation, mini_bank, WAVE, "E09000007")
    view = trend_view(nation, mini_bank, mini_bank, EARLIER, WAVE, "E09000007")
    got = view.to_json()
    assert (got["from"], got["to"], got["bank"]) == (EARLIER, WAVE, "mini")
    assert got["overall"]["from"] == pytest.approx(before.overall, abs=0.01)
    assert got["overall"]["change"] == pytest.approx(after.overall - before.overall, abs=0.01)
    assert got["overall"]["change"] > 0
    assert [a["id"] for a in got["areas"]] == [a.id for a in mini_bank.areas]
    assert view.one_wave_only() == [] and got["versions"]["changed"] is False


def test_a_trend_from_another_bank_is_refused(nation, mini_bank):
    from stocktake.banks.loading import load_bank
    from stocktake.scoring.trend_view import check_edition, trend_view

    other = load_bank(Path(__file__).resolve().parents[1] / "data" / "children.toml")
    assert other.id != "mini"
    for call in (lambda: check_edition(mini_bank, other),
                 lambda: trend_view(nation, mini_bank, other, EARLIER, WAVE, "E09000007")):
        with pytest.raises(StocktakeError) as caught:
            call()
        assert caught.value.message == \
            f"--from-bank is bank '{other.id}', not an edition of 'mini'"


def test_the_benchmark_view_with_and_without_neighbours(nation, mini_bank):
    from stocktake.scoring.benchmark_view import benchmark_view
    from stocktake.scoring.national import national_benchmark

    plain = benchmark_view(nation, mini_bank, WAVE)
    assert plain.to_json() == national_benchmark(nation, mini_bank, WAVE).to_json()
    assert plain.compared is None and plain.names["E09000007"] == "Camden"
    assert set(plain.partnerships) == set(CODES)
    london = benchmark_view(nation, mini_bank, WAVE, region="London", neighbours=True)
    assert {r.code for r in london.compared} <= {"E09000007", "E09000001", "E09000033"}
    assert london.to_json()["neighbours"] == [r.to_json() for r in london.compared]
    with pytest.raises(StocktakeError) as caught:
        benchmark_view(nation, mini_bank, WAVE, region="London",
                       exclude=("E09000007", "E09000001", "E09000033"))
    assert caught.value.message == "no partnerships left to compare"


def test_evidence_view_without_a_workspace_has_no_self_view(tmp_path, mini_bank):
    from stocktake.evidence.indicators import load_shipped
    from stocktake.scoring.self_view import evidence_view

    some = sorted(load_shipped().series)[:1]
    missing = tmp_path / "no-such-workspace"
    shown = evidence_view(missing, "E09000007", [mini_bank], indicators=some)
    assert shown.self_views == () and not missing.exists()  # looking creates nothing
    assert shown.to_json()["self_view"] == []
    assert [m["id"] for m in shown.to_json()["indicators"]] == some


def _printed(cli, *args: str):
    import json

    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _as_printed(data):
    import json

    return json.loads(json.dumps(data))


def test_each_commands_json_is_its_views_to_json(nation, mini_bank, cli):
    from stocktake.scoring.benchmark_view import benchmark_view
    from stocktake.scoring.partnership_view import partnership_view
    from stocktake.scoring.trend_view import trend_view

    assert _printed(cli, "scores", "Camden", "--bank", "mini") == \
        _as_printed(partnership_view(nation, mini_bank, WAVE, "E09000007").to_json())
    assert _printed(cli, "trend", "E09000007", "--bank", "mini", "--from", EARLIER,
                    "--to", WAVE) == \
        _as_printed(trend_view(nation, mini_bank, mini_bank, EARLIER, WAVE,
                               "E09000007").to_json())
    assert _printed(cli, "benchmark", "--bank", "mini", "--neighbours") == \
        _as_printed(benchmark_view(nation, mini_bank, WAVE, neighbours=True).to_json())
