"""`banks validate` on the keys for children answering: anonymous, age limits, notices."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake.banks.validation import validate_bank_file

from helpers.paths import DATA



def bank_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA / "children.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bank.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    return [p.render() for p in validate_bank_file(path)]


def test_the_children_test_bank_is_valid():
    assert problems(DATA / "children.toml") == []


def test_anonymous_role_without_reported_apart_is_named_with_its_line(tmp_path):
    path = bank_with(tmp_path, "reported_apart = true\nanonymous = true", "anonymous = true")
    [found] = problems(path)
    assert "role young-people" in found and "needs reported_apart = true" in found
    assert f"{path}:14:" in found  # the line of the role's id


@pytest.mark.parametrize("old, new, message", [
    ("min_age = 11", "min_age = 30", "'min_age' must be a whole number of years from 0 to 25"),
    ("min_age = 11", "min_age = -1", "from 0 to 25, not -1"),
    ("min_age = 11", "min_age = 11.5", "whole number"),
    ("min_age = 11", "min_age = 16\nmax_age = 12", "'min_age' must not be above 'max_age'"),
    ("min_age = 11", "min_age = 12\nmax_age = 14", "no age band lies within these ages"),
])
def test_age_limits_outside_0_to_25_or_inconsistent_are_named(tmp_path, old, new, message):
    found = problems(bank_with(tmp_path, old, new))
    assert any("question health.sexual-health" in p and message in p for p in found), found


def test_age_limit_on_a_question_for_adults_only_is_named(tmp_path):
    path = bank_with(tmp_path, 'text = "Does the council survey',
                     'max_age = 18\ntext = "Does the council survey')
    assert any("question safety.council-view" in p and "apply only to anonymous roles" in p
               for p in problems(path))


@pytest.mark.parametrize("old, new, message", [
    ('notice = ["often-unsafe"]', 'notice = ["never-safe"]',
     "'notice' names option 'never-safe', which does not exist"),
    ('notice = ["no"]', 'notice = ["maybe"]', "names answer 'maybe', which does not exist"),
    ('notice = ["often-unsafe"]', 'notice = "often-unsafe"', "'notice' must be a list"),
])
def test_notice_on_an_answer_that_does_not_exist_is_named(tmp_path, old, new, message):
    found = problems(bank_with(tmp_path, old, new))
    assert any(message in p for p in found), found


def test_notice_on_a_text_question_is_named(tmp_path):
    path = bank_with(tmp_path, 'text = "Anything else you want to tell us?"',
                     'text = "Anything else you want to tell us?"\nnotice = ["help"]')
    assert any("question health.comments" in p and "not text" in p for p in problems(path))


def test_marked_answers_without_notice_text_are_named(tmp_path):
    path = bank_with(tmp_path, 'safeguarding_notice = "TEST NOTICE: follow your local '
                               'safeguarding procedures and tell your safeguarding lead."', "")
    assert any("give no 'safeguarding_notice'" in p.replace("gives no", "give no")
               for p in problems(path))


def test_every_shipped_bank_marks_children_anonymous_and_reported_apart():
    from stocktake.banks.loading import load_bank, shipped_banks_dir

    for path in sorted(shipped_banks_dir().glob("*.toml")):
        bank = load_bank(path)
        young = bank.role("young-people")
        assert young.anonymous and young.reported_apart, bank.id
        for question in bank.questions_for_role("young-people"):
            assert not any(level.split(":")[0] in ("Inadequate", "Adequate", "Good",
                                                   "Outstanding") for level in question.levels), \
                (bank.id, question.id)
