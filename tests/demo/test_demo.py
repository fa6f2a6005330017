"""`stocktake demo`: the simulation (deterministic, valid for its bank) and storing it."""

from __future__ import annotations

import re

import json
import random
import statistics
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from stocktake.banks.answer_values import format_value, parse_answer
from stocktake.banks.applicability import is_applicable
from stocktake.banks.loading import find_bank
from stocktake.demo.simulation import (DEMO_MARK, ROLE_LABELS, Demo, is_demo_response,
                            simulate_demo, survey_window_start, write_demo)
from stocktake.demo.eras import job_titles
from stocktake.errors import StocktakeError, UsageError
from stocktake.partnerships.reference import authority, current_authorities, regions
from stocktake.records.responses import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer, ResponseKey,
                                 current_wave)

WAVE = "2026-27"
SHIPPED = ("idea-stocktake", "joint-area-review", "tomorrows-children", "partnership-2026")


def simulate(bank, seed: int = 1, partnerships: int = 20, respondents: int = 4) -> Demo:
    return simulate_demo(bank, WAVE, random.Random(seed), partnerships=partnerships,
                         respondents=respondents)


def all_responses(demo: Demo):
    return [r for p in demo.partnerships for r in p.responses]


@pytest.fixture(scope="module")
def idea():
    return find_bank("idea-stocktake")


@pytest.fixture(scope="module")
def national(idea) -> Demo:
    return simulate(idea, partnerships=153, respondents=6)


# ---------------------------------------------------------------- the simulation


def test_the_same_seed_gives_the_same_stocktakes_and_another_seed_different_ones(idea):
    first = [r.to_doc() for r in all_responses(simulate(idea, seed=7))]
    again = [r.to_doc() for r in all_responses(simulate(idea, seed=7))]
    other = [r.to_doc() for r in all_responses(simulate(idea, seed=8))]
    assert first == again
    assert first != other


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_every_answer_round_trips_through_the_answer_parser(bank_id):
    bank = find_bank(bank_id)
    for response in all_responses(simulate(bank, partnerships=12, respondents=8)):
        for answer in response.answers.values():
            question = bank.question(answer.question)
            if answer.status == ANSWERED:
                assert parse_answer(question, format_value(question, answer.value)) == \
                    (ANSWERED, answer.value), (question.id, answer.value)
            else:
                assert answer.status in (NOT_APPLICABLE, DONT_KNOW) and answer.value is None
                assert question.scored  # N/A and don't know are for scored questions


def test_the_mini_bank_with_every_question_type_gets_valid_answers(mini_bank):
    demo = simulate(mini_bank, partnerships=10, respondents=6)
    seen_types = set()
    for response in all_responses(demo):
        assert response.role in mini_bank.role_ids
        for answer in response.answers.values():
            question = mini_bank.question(answer.question)
            if answer.status == ANSWERED:
                seen_types.add(question.type)
                assert parse_answer(question, format_value(question, answer.value)) == \
                    (ANSWERED, answer.value)
    assert seen_types == {"yesno", "scale", "multi", "choice", "number", "text"}


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_only_questions_that_apply_are_answered_and_required_ones_never_left_blank(bank_id):
    bank = find_bank(bank_id)
    hidden_by_condition = 0
    for response in all_responses(simulate(bank, partnerships=15, respondents=8)):
        for question in bank.questions:
            applies = is_applicable(bank, question, response.role, response.answers)
            if question.id in response.answers:
                assert applies, (response.role, question.id)
            elif applies:
                assert not question.required, question.id
            elif question.when is not None and question.asked_of(response.role):
                hidden_by_condition += 1
    # Some partnerships are early enough that a skip condition hides questions.
    if any(q.when for q in bank.questions):
        assert hidden_by_condition > 0


def test_roles_come_from_the_bank_council_first_and_districts_only_in_county_areas(idea, national):
    roles = Counter()
    for simulated in national.partnerships:
        responses = simulated.responses
        assert responses[0].role == "council"
        county = authority(simulated.partnership.code).two_tier
        for response in responses:
            assert response.role in idea.role_ids
            roles[response.role] += 1
            if response.role == "district":
                assert county and simulated.partnership.code.startswith("E10")
    assert set(roles) == set(idea.role_ids)  # young people and districts both appear somewhere
    assert roles["council"] > roles["young-people"]


def test_respondents_have_role_appropriate_job_titles_unique_in_their_partnership(idea, national):
    for simulated in national.partnerships:
        names = [r.key.respondent for r in simulated.responses]
        assert len(set(names)) == len(names)
        for response in simulated.responses:
            if response.role == "young-people":
                # Children and young people answer anonymously: a reference and an age band.
                assert re.fullmatch(r"YP-\d{4}", response.key.respondent)
                assert response.age_band in {"under-11", "11-15", "16-18", "19-25"}
                continue
            label = ROLE_LABELS.get(response.role, response.role)
            title, _, bracket = response.key.respondent.rpartition(" (")
            assert bracket == f"{label})"
            assert title in job_titles(idea)[response.role]
    first = national.partnerships[0].responses[0].key.respondent
    assert first == "Director of children's services (council)"


def test_counts_match_partnerships_times_respondents_from_real_authorities_in_every_region(idea):
    demo = simulate(idea, partnerships=20, respondents=5)
    assert len(demo.partnerships) == 20 and demo.respondents == 100
    codes = [p.partnership.code for p in demo.partnerships]
    assert len(set(codes)) == 20
    for simulated in demo.partnerships:
        known = authority(simulated.partnership.code)
        assert known is not None and known.current
        assert (simulated.partnership.name, simulated.partnership.region) == \
            (known.name, known.region)
    assert {p.partnership.region for p in demo.partnerships} == set(regions())


def test_153_partnerships_is_every_current_authority_and_154_is_refused_naming_the_maximum(
        idea, national):
    assert sorted(p.partnership.code for p in national.partnerships) == \
        sorted(a.code for a in current_authorities())
    with pytest.raises(UsageError, match="at most 153"):
        simulate(idea, partnerships=154)


def test_answers_follow_each_partnerships_maturity(idea, national):
    def mean_level(simulated) -> float:
        levels = [a.value for r in simulated.responses for a in r.answers.values()
                  if a.status == ANSWERED and idea.question(a.question).type == "scale"]
        return statistics.mean(levels)

    by_maturity = sorted(national.partnerships, key=lambda p: p.maturity)
    third = len(by_maturity) // 3
    low = statistics.mean(mean_level(p) for p in by_maturity[:third])
    high = statistics.mean(mean_level(p) for p in by_maturity[-third:])
    assert high - low > 0.8  # most of a level between the least and most mature thirds


def test_some_areas_come_out_divergent_but_not_most(idea):
    demo = simulate(idea, partnerships=60, respondents=4)
    divergent = total = 0
    for simulated in demo.partnerships:
        per_area: dict[str, list[float]] = {}
        for response in simulated.responses:
            for area in idea.areas:
                scores = [(a.value - 1) / 3 * 100 for a in response.answers.values()
                          if a.status == ANSWERED and idea.question(a.question).area == area.id
                          and idea.question(a.question).type == "scale"]
                if scores:
                    per_area.setdefault(area.id, []).append(statistics.mean(scores))
        for scores in per_area.values():
            total += 1
            divergent += max(scores) - min(scores) >= 25
    assert 0.05 < divergent / total < 0.45


def test_shares_of_na_dont_know_blank_and_evidence_look_like_real_returns(idea, national):
    statuses = Counter()
    applicable = with_evidence = 0
    for response in all_responses(national):
        for question in idea.questions:
            if question.scored and is_applicable(idea, question, response.role,
                                                 response.answers):
                applicable += 1
                answer = response.answers.get(question.id)
                statuses[answer.status if answer else "blank"] += 1
                with_evidence += bool(answer and answer.evidence)
    assert 0.02 < statuses[NOT_APPLICABLE] / applicable < 0.09
    assert 0.03 < statuses[DONT_KNOW] / applicable < 0.08
    assert 0.01 < statuses["blank"] / applicable < 0.06
    assert 0.18 < with_evidence / applicable < 0.32


def test_evidence_notes_and_text_answers_hold_no_personal_data(national):
    privacy = pytest.importorskip("stocktake.privacy.personal_data")
    texts = {a.evidence for r in all_responses(national) for a in r.answers.values()}
    texts |= {a.value for r in all_responses(national) for a in r.answers.values()
              if isinstance(a.value, str) and len(a.value) > 3}
    assert len(texts) > 30
    for text in texts:
        assert privacy.find_personal_data(text) == [], text


def test_answer_times_spread_over_a_few_weeks_of_the_wave(national):
    start = survey_window_start(WAVE)
    stamps = [datetime.fromisoformat(a.answered_at) for r in all_responses(national)
              for a in r.answers.values()]
    assert min(stamps) >= start and max(stamps) < start + timedelta(weeks=7)
    assert len({s.date() for s in stamps}) >= 20
    assert all(s.weekday() < 5 for s in stamps)
    for response in all_responses(national):
        assert response.started_at <= response.updated_at


def test_every_demo_response_is_marked_and_mixes_interviews_with_self_assessments(national):
    responses = all_responses(national)
    assert all(is_demo_response(r) and r.adviser.startswith(DEMO_MARK) for r in responses)
    assert {r.mode for r in responses} == {"interview", "self-assessment"}


# ---------------------------------------------------------------- writing to a workspace


def test_written_demo_matches_the_simulation_and_a_rerun_replaces_it(workspace, idea):
    demo = simulate(idea, partnerships=6, respondents=3)
    seen = []
    written = write_demo(workspace, demo, progress=lambda done, total: seen.append((done, total)))
    assert (written.partnerships, written.respondents) == (6, 18)
    assert written.answers == demo.answers
    assert seen[-1] == (6, 6) and len(seen) == 6
    assert len(workspace.partnerships()) == 6
    stored = {r.key: r for r in workspace.responses(bank=idea.id, wave=WAVE)}
    assert stored == {r.key: r for r in all_responses(demo)}

    again = write_demo(workspace, simulate(idea, partnerships=6, respondents=3))
    assert again.earlier_demo == 0
    assert len(workspace.responses(bank=idea.id, wave=WAVE)) == 18
    assert len(workspace.partnerships()) == 6


def test_a_workspace_with_real_responses_is_refused_and_left_untouched(workspace, idea):
    demo = simulate(idea, partnerships=3, respondents=2)
    code = demo.partnerships[0].partnership.code
    real = ResponseKey(code, idea.id, WAVE, "Director of children's services (council)")
    workspace.save_answer(real, Answer("vision.has-statement", ANSWERED, "no"), role="council",
                          adviser="J. Adviser")
    listed = workspace.partnerships()
    with pytest.raises(StocktakeError, match="real response") as refused:
        write_demo(workspace, demo)
    assert "--force" in refused.value.hint
    assert len(workspace.responses()) == 1 and workspace.partnerships() == listed

    # With force the demo goes in beside it, and the real response keeps its answers.
    written = write_demo(workspace, demo, force=True)
    assert written.kept_real == 1 and written.respondents == 5
    kept = workspace.response(real)
    assert kept.adviser == "J. Adviser" and list(kept.answers) == ["vision.has-statement"]


def test_real_responses_to_another_wave_do_not_block_the_demo(workspace, idea):
    other = ResponseKey("E09000007", idea.id, "2025-26", "Head of early help (council)")
    workspace.save_answer(other, Answer("vision.has-statement", ANSWERED, "yes"), role="council")
    written = write_demo(workspace, simulate(idea, partnerships=2, respondents=2))
    assert written.respondents == 4


# ---------------------------------------------------------------- the command


def test_demo_command_refuses_a_workspace_with_real_responses_with_exit_1(cli, tmp_path):
    wave = current_wave()
    assert cli("partnerships", "add", "E09000007").exit_code == 0
    from stocktake.store.workspace import Workspace

    Workspace.open(tmp_path / "ws").save_answer(
        ResponseKey("E09000007", "idea-stocktake", wave, "Designated nurse"),
        Answer("vision.has-statement", ANSWERED, "yes"), role="health")
    result = cli("demo", "--partnerships", "2", "--out", tmp_path / "exports")
    assert result.exit_code == 1
    assert "real response" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "exports").exists()


def test_demo_command_rejects_more_partnerships_than_authorities_as_a_usage_error(cli):
    result = cli("demo", "--partnerships", "200")
    assert result.exit_code == 2
    assert "at most 153" in result.stderr and "Traceback" not in result.output


def test_demo_command_writes_a_benchmark_workbook_that_opens(cli, tmp_path):
    pytest.importorskip("stocktake.workbooks.benchmark")
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "exports"
    result = cli("demo", "--partnerships", "5", "--respondents", "3", "--wave", WAVE,
                 "--out", out)
    assert result.exit_code == 0, result.output
    workbook = out / f"benchmark-idea-stocktake-{WAVE}.xlsx"
    assert workbook.is_file()
    assert openpyxl.load_workbook(workbook).sheetnames
    assert str(workbook) in result.stdout.replace("\n", "")
    # A demo of a few is this round, never "national".
    assert "Median by area across this round (" in " ".join(result.stdout.split())
    assert "National median" not in result.stdout
    top_code = result.stdout.split(" scores ", 1)[1].split()[0]  # the first "try next" command
    assert top_code.startswith("E") and f"export {top_code}" in result.stdout

    again = cli("demo", "--partnerships", "5", "--respondents", "3", "--wave", WAVE,
                "--out", out, "--json")
    summary = json.loads(again.stdout)
    assert (summary["partnerships"], summary["respondents"]) == (5, 15)
    assert summary["benchmark_partnerships"] == 5 and summary["earlier_demo"] == 0
    assert len(summary["medians"]) == len(find_bank("idea-stocktake").areas)
    assert Path(summary["workbook"]) == workbook


def test_a_rerun_with_another_size_clears_the_earlier_demo(workspace, idea):
    write_demo(workspace, simulate(idea, partnerships=6, respondents=3))
    before = {r.key for r in workspace.responses(bank=idea.id, wave=WAVE)}
    smaller = simulate(idea, partnerships=2, respondents=2)
    written = write_demo(workspace, smaller)
    after = {r.key for r in workspace.responses(bank=idea.id, wave=WAVE)}
    assert after == {r.key for r in all_responses(smaller)}
    assert written.earlier_demo == len(before - after) > 0


def test_demo_writes_two_waves_the_earlier_a_little_less_mature_and_trend_shows_it(cli, tmp_path):
    from stocktake.store.workspace import Workspace

    result = cli("demo", "--partnerships", "6", "--respondents", "4", "--wave", "2026-27",
                 "--out", tmp_path / "exports")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "SIMULATED DATA" in out and "authorities), simulated" in out
    assert "top" not in result.stdout.lower().split() and "bottom" not in out.lower()
    assert "the wave before, 2025-26" in out
    assert "trend" in out and "--from 2025-26 --to 2026-27" in out
    ws = Workspace.open(tmp_path / "ws")
    later = {r.key.partnership for r in ws.responses(wave="2026-27")}
    earlier = {r.key.partnership for r in ws.responses(wave="2025-26")}
    assert later == earlier and len(later) == 6
    code = sorted(later)[0]
    trend = json.loads(cli("trend", code, "--from", "2025-26", "--to", "2026-27",
                           "--json").stdout)
    assert trend["overall"]["from"] is not None and trend["overall"]["to"] is not None
    gains = []
    for c in sorted(later):
        t = json.loads(cli("trend", c, "--from", "2025-26", "--to", "2026-27", "--json").stdout)
        gains.append(t["overall"]["change"])
    assert sum(gains) / len(gains) > 0  # a little more mature a year on, on average
    book = openpyxl_load(tmp_path / "exports" / "benchmark-idea-stocktake-2026-27.xlsx")
    assert book["Contents"]["A1"].value.startswith("SIMULATED demo data")
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["simulated"] == "yes"


def openpyxl_load(path):
    from openpyxl import load_workbook

    return load_workbook(path)
