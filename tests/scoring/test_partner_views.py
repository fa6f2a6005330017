"""Who says what (issue 13): role scores, the partnership score by roles, views reported apart,
the partner quorum, and the bank keys that choose them."""

from __future__ import annotations

import dataclasses

import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.banks.validation import validate_bank_file
from stocktake.banks.model import bank_from_data
from stocktake.banks.loading import load_bank
from stocktake.scoring.benchmark import build_benchmark
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey
from stocktake.scoring.method import apart_note, quorum_note, score_partnership

from helpers.paths import BANKS

CODE, WAVE = "E09000007", "2026-27"


def worked_bank(method: str = "roles", min_roles: int = 2):
    """One area, one scored number question (0-100), so a respondent's area score is the
    number they give."""
    return bank_from_data({
        "id": "worked", "title": "Worked example", "version": "1", "description": "x",
        "partnership_score": method, "min_roles": min_roles,
        "roles": [{"id": "council", "title": "Council"}, {"id": "police", "title": "Police"},
                  {"id": "young-people", "title": "Children and young people, answering for "
                                                  "themselves", "reported_apart": True}],
        "areas": [{"id": "safety", "title": "Keeping children safe"}],
        "questions": [{"id": "safety.q", "area": "safety", "type": "number", "text": "How far?",
                       "scored": True, "min": 0, "max": 100}],
    })


def said(name: str, role: str, value: float, code: str = CODE) -> Response:
    return Response(ResponseKey(code, "worked", WAVE, name), role,
                    answers={"safety.q": Answer("safety.q", ANSWERED, value)})


def worked_responses() -> list[Response]:
    return [said("Ann", "council", 40), said("Bob", "council", 50), said("Cat", "council", 60),
            said("Dan", "police", 90),
            said("Eve", "young-people", 20), said("Fay", "young-people", 30)]


def test_worked_example_three_council_one_police_two_young_people():
    """Worked by hand.

    Respondent area scores: council Ann 40, Bob 50, Cat 60; police Dan 90; young people Eve 20,
    Fay 30 (a scored number question from 0 to 100 gives its value).

    Role scores: council (40 + 50 + 60) / 3 = 50, spread inside the role 60 - 40 = 20;
    police 90 (one respondent, no spread); young people (20 + 30) / 2 = 25.

    Partnership score ("roles"): the young people are reported apart, so it is the mean of the
    partner roles, (50 + 90) / 2 = 70. Spread over the role scores 90 - 50 = 40 >= 25, so the
    area is divergent. Partners who count: 3 + 1 = 4 respondents. Two partner roles meet
    min_roles = 2: a partnership view.

    The children's view, 25, is 70 - 25 = 45 points from the partnership's (>= 25): flagged.

    By respondents instead, the same partners give (40 + 50 + 60 + 90) / 4 = 60, spread
    90 - 40 = 50: six council officers would outweigh the police.
    """
    scores = score_partnership(worked_bank(), worked_responses(), partnership=CODE, wave=WAVE)
    area = scores.area("safety")
    council, police = area.by_role
    assert (council.role, council.score, council.respondents, council.spread) == \
        ("council", 50.0, 3, 20.0)
    assert (police.role, police.score, police.respondents, police.spread) == \
        ("police", 90.0, 1, None)
    (young,) = area.apart
    assert (young.role, young.score, young.respondents) == ("young-people", 25.0, 2)
    assert area.score == 70.0 and area.self_assessed == 70.0
    assert area.spread == 40.0 and area.divergent
    assert area.respondents == 4 and area.quorum
    assert area.apart_differs == ("young-people",)
    # Two young people: fewer than the bank's min_count of 5, so a count, never a figure; with
    # a minimum of 2, what they said in words, never a score against the partnership's.
    assert apart_note(area, worked_bank()) == [
        "Children and young people: 2 answered, fewer than 5, so not reported"]
    assert apart_note(area, dataclasses.replace(worked_bank(), min_count=2)) == [
        "what the 2 children and young people said is less positive than the partners' "
        "answers"]
    assert scores.overall == 70.0 and scores.overall_quorum
    assert [(r.id, r.respondents, r.reported_apart) for r in scores.roles] == \
        [("council", 3, False), ("police", 1, False), ("young-people", 2, True)]

    by_respondents = score_partnership(worked_bank("respondents"), worked_responses(),
                                       partnership=CODE, wave=WAVE).area("safety")
    assert by_respondents.score == 60.0 and by_respondents.spread == 50.0
    assert by_respondents.apart_differs == ("young-people",)  # |25 - 60| = 35


def test_worked_example_json_has_the_issue_fields():
    data = score_partnership(worked_bank(), worked_responses(), partnership=CODE,
                             wave=WAVE).to_json()
    assert data["roles"] == [
        {"id": "council", "title": "Council", "respondents": 3, "reported_apart": False},
        {"id": "police", "title": "Police", "respondents": 1, "reported_apart": False},
        {"id": "young-people", "title": "Children and young people, answering for themselves",
         "respondents": 2, "reported_apart": True}]
    (area,) = data["areas"]
    assert area["by_role"] == {
        "council": {"score": 50.0, "respondents": 3, "n": 3, "spread": 20.0},
        "police": {"score": 90.0, "respondents": 1, "n": 1, "spread": None}}
    # to_json() without a minimum shows every figure; scores --json passes the bank's.
    assert area["apart"] == {"young-people": {"score": 25.0, "respondents": 2, "n": 2}}
    assert area["quorum"] is True and area["score"] == 70.0


def test_an_area_answered_by_the_council_alone_is_not_a_partnership_view():
    alone = [r for r in worked_responses() if r.role != "police"]
    area = score_partnership(worked_bank(), alone, partnership=CODE, wave=WAVE).area("safety")
    assert area.score == 50.0 and not area.quorum  # still shown
    assert quorum_note(area, worked_bank()) == "not a partnership view: only council answered"
    only_children = [r for r in worked_responses() if r.role == "young-people"]
    nobody = score_partnership(worked_bank(), only_children, partnership=CODE,
                               wave=WAVE).area("safety")
    assert nobody.score is None and not nobody.quorum and nobody.apart[0].score == 25.0


def test_a_view_reported_apart_within_25_points_is_not_flagged():
    near = [r for r in worked_responses() if r.role != "young-people"] + \
        [said("Gus", "young-people", 45.0)]
    area = score_partnership(worked_bank(), near, partnership=CODE, wave=WAVE).area("safety")
    assert area.score == 70.0 and area.apart_differs == ("young-people",)  # |45 - 70| = 25
    nearer = [r for r in near if r.role != "young-people"] + [said("Gus", "young-people", 46.0)]
    assert score_partnership(worked_bank(), nearer, partnership=CODE,
                             wave=WAVE).area("safety").apart_differs == ()


def test_benchmark_quartiles_leave_out_areas_below_the_quorum_and_count_them():
    bank = worked_bank()
    full = [score_partnership(bank, [replace(r, key=replace(r.key, partnership=code))
                                     for r in worked_responses()], partnership=code, wave=WAVE)
            for code in ("E09000001", "E09000002", "E09000003")]
    alone = score_partnership(bank, [said("Ann", "council", 10, "E09000004")],
                              partnership="E09000004", wave=WAVE)
    bench = build_benchmark(bank, full + [alone], {})
    assert bench.area("safety").n == 3  # the council-only area is not in the quartiles
    assert bench.below_quorum["safety"] == ("E09000004",)
    position = bench.position("E09000004", "safety")
    assert position.score == 10.0 and position.quartile is None and position.band is None
    assert not position.quorum


# ---------------------------------------------------------------- properties

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def partner_answers(draw) -> list[Response]:
    """1 to 9 respondents of the worked bank's three roles, each with a score from 0 to 100."""
    people = []
    for n in range(draw(st.integers(1, 9))):
        role = draw(st.sampled_from(["council", "police", "young-people"]))
        people.append(said(f"R{n}", role, draw(st.integers(0, 100))))
    return people


@PROPERTY
@given(people=partner_answers(), seed=st.integers(0, 2 ** 32 - 1),
       method=st.sampled_from(["roles", "respondents"]))
def test_scores_do_not_depend_on_respondent_order(people, seed, method):
    bank = worked_bank(method)
    shuffled = random.Random(seed).sample(people, len(people))
    assert score_partnership(bank, shuffled, partnership=CODE, wave=WAVE) == \
        score_partnership(bank, people, partnership=CODE, wave=WAVE)


@PROPERTY
@given(people=partner_answers(), role=st.sampled_from(["council", "police", "young-people"]),
       copies=st.integers(1, 4))
def test_duplicating_a_roles_respondents_leaves_the_partnership_score_alone(people, role, copies):
    bank = worked_bank("roles")
    before = score_partnership(bank, people, partnership=CODE, wave=WAVE).area("safety")
    more = people + [said(f"{r.key.respondent} copy {k}", r.role, r.answers["safety.q"].value)
                     for r in people if r.role == role for k in range(copies)]
    after = score_partnership(bank, more, partnership=CODE, wave=WAVE).area("safety")
    # Equal to the last bit but one: the mean of k copies of x is fsum(k x) / k, which can
    # differ from x by one unit in the last place; every shown figure is rounded far above it.
    same = pytest.approx(before.score, abs=1e-9) if before.score is not None else None
    assert after.score == same
    assert after.spread == (pytest.approx(before.spread, abs=1e-9)
                            if before.spread is not None else None)
    assert after.quorum == before.quorum
    assert after.apart_differs == before.apart_differs


@pytest.mark.parametrize("name", ["idea-stocktake", "joint-area-review", "tomorrows-children"])
def test_shipped_banks_score_by_roles_with_a_quorum_of_two_and_children_apart(name):
    bank = load_bank(BANKS / f"{name}.toml")
    assert bank.partnership_score == "roles" and bank.min_roles == 2
    assert "young-people" in bank.apart_role_ids
    assert set(bank.apart_role_ids) <= {"young-people", "parents-carers"}


# ---------------------------------------------------------------- bad banks


def _bank_with(tmp_path: Path, top: str, role_extra: str = "") -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(f'''id = "bad"
title = "Bad"
version = "1"
description = "x"
{top}

[[roles]]
id = "council"
title = "Council"

[[roles]]
id = "young-people"
title = "Young people"
{role_extra}

[[areas]]
id = "a"
title = "A"

[[questions]]
id = "a.q"
area = "a"
type = "yesno"
text = "Q?"
''', encoding="utf-8")
    return path


@pytest.mark.parametrize("top, role_extra, line, words", [
    ('partnership_score = "partners"', "", 5, "unknown partnership_score 'partners'"),
    ('reported_apart = ["children"]', "", 5, "reported_apart names unknown role 'children'"),
    ("min_roles = 3", "", 5, "min_roles = 3 is more than the bank's 2 partner role(s)"),
    ("min_roles = 2", "reported_apart = true", 5, "min_roles = 2 is more than the bank's 1"),
    ("min_roles = 0", "", 5, "min_roles must be a whole number of 1 or more"),
    ("", 'reported_apart = "yes"', 12, "'reported_apart' must be true or false"),
])
def test_banks_validate_names_bad_scoring_keys_with_file_and_line(tmp_path, top, role_extra,
                                                                   line, words):
    path = _bank_with(tmp_path, top, role_extra)
    problems = validate_bank_file(path)
    rendered = [p.render() for p in problems]
    assert len(problems) == 1, rendered
    assert rendered[0].startswith(f"{path}:{line}: ") and words in rendered[0], rendered


def test_bank_keys_that_say_nothing_keep_the_respondents_method_and_its_hash(tmp_path):
    plain = load_bank(_bank_with(tmp_path, ""))
    assert plain.partnership_score == "respondents" and plain.min_roles == 1
    by_roles = load_bank(_bank_with(tmp_path, 'partnership_score = "roles"'))
    assert by_roles.hash != plain.hash  # the method is part of the edition a merge checks


def test_published_scores_hold_a_small_groups_count_and_no_figure():
    """The worked example's two young people (25, flagged 45 points from the partnership's) as
    shown: below min_count 5 their count alone, no spread, not flagged; from 2 up, as worked."""
    scores = score_partnership(worked_bank(), worked_responses(), partnership=CODE, wave=WAVE)
    shown = scores.published(5).area("safety")
    (young,) = shown.apart
    assert (young.role, young.score, young.spread, young.respondents) == \
        ("young-people", None, None, 2)
    assert shown.apart_differs == ()
    assert shown.by_role == scores.area("safety").by_role and shown.score == 70.0
    assert scores.published(2) is scores  # nothing withheld: the very same scores
    assert scores.to_json(5)["areas"][0]["apart_differs"] == []
    assert scores.to_json(2)["areas"][0]["apart_differs"] == ["young-people"]
