"""Loading, finding and validating question banks."""

from __future__ import annotations

import json
import shutil

import pytest

from stocktake.banks.validation import validate_bank_file
from stocktake.banks.loading import find_bank, load_bank, shipped_banks_dir
from stocktake.errors import StocktakeError

from helpers.paths import DATA, REPO

SHIPPED = sorted((REPO / "question_banks").glob("*.toml"))


def test_three_shipped_banks_are_valid_and_found_by_id():
    assert {p.stem for p in SHIPPED} >= {"idea-stocktake", "joint-area-review", "tomorrows-children"}
    for path in SHIPPED:
        assert validate_bank_file(path) == [], path
        assert find_bank(path.stem).id == path.stem


def test_idea_stocktake_has_the_standard_sections_and_roles():
    bank = find_bank("idea-stocktake")
    assert [a.id for a in bank.areas] == ["vision", "consultation", "participation", "partnership",
                                          "leadership", "communications", "change", "risk", "roles",
                                          "workforce", "outcomes"]
    for area in bank.areas:
        assert len(bank.questions_in(area.id)) >= 4, area.id
    assert {"council", "schools", "health", "police", "district", "voluntary"} <= set(bank.role_ids)
    scales = [q for q in bank.questions if q.type == "scale"]
    assert len(scales) > len(bank.questions) / 2
    assert all(len(q.levels) == 4 and q.guidance for q in scales)


def test_joint_area_review_uses_the_four_grades_for_the_ecm_outcomes():
    bank = find_bank("joint-area-review")
    assert [a.id for a in bank.areas][:5] == ["be-healthy", "stay-safe", "enjoy-and-achieve",
                                              "positive-contribution", "economic-wellbeing"]
    # Partners grade; children and young people answer first-person questions, never grades.
    for q in bank.questions:
        if q.type == "scale" and "young-people" not in q.roles:
            assert [lvl.split(":")[0] for lvl in q.levels] == ["Inadequate", "Adequate", "Good",
                                                               "Outstanding"]
        elif q.type == "scale":
            assert q.roles == ("young-people",)
            assert not any(lvl.startswith(("Inadequate", "Good")) for lvl in q.levels)


def test_hash_is_stable_and_changes_with_content(tmp_path):
    bank = load_bank(DATA / "mini.toml")
    assert bank.hash == load_bank(DATA / "mini.toml").hash and len(bank.hash) == 64
    edited = tmp_path / "mini.toml"
    edited.write_text((DATA / "mini.toml").read_text().replace("How widely", "How far"))
    assert load_bank(edited).hash != bank.hash


def test_show_json_is_the_whole_bank(cli):
    result = cli("banks", "show", "mini", "--json")
    data = json.loads(result.stdout)
    assert set(data) >= {"id", "title", "version", "hash", "min_coverage", "bands", "roles", "areas",
                         "questions"}
    q = next(q for q in data["questions"] if q["id"] == "vision.known")
    assert q["when"] == {"question": "vision.statement", "is": "yes"} and q["weight"] == 2
    assert [b["label"] for b in data["bands"]] == ["Emerging", "Developing", "Established", "Embedded"]


BROKEN = '''
id = "broken"
title = "Broken"
version = "1"
description = "d"
[[roles]]
id = "council"
title = "Council"
[[areas]]
id = "vision"
title = "Vision"
description = "d"
[[questions]]
id = "vision.a"
area = "vision"
type = "yesno"
text = "A?"
[[questions]]
id = "vision.a"
area = "visoin"
type = "scale"
text = "B?"
levels = ["one", "two"]
wieght = 2
roles = ["polise"]
when = { question = "vision.later", is = "yes" }
[[questions]]
id = "vision.c"
area = "vision"
type = "choice"
text = "C?"
options = [{ id = "x", label = "X", score = 1 }, { id = "x", label = "Y", score = 0 }]
when = { question = "vision.a", is = "maybe" }
'''


def test_validate_reports_every_problem_with_line_and_id(cli, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN)
    result = cli("banks", "validate", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    err = result.stderr
    for expected in ["duplicate question id 'vision.a'", "unknown area 'visoin'",
                     "needs 3 to 6 levels", "unknown key 'wieght' (did you mean 'weight'?)",
                     "unknown role 'polise'", "unknown or later question 'vision.later'",
                     "duplicate option id 'x'", "'maybe' is not one 'vision.a' can take"]:
        assert expected in err, expected
    assert f"{path}:19: question vision.a" in err  # the second vision.a, not the first


def test_broken_toml_names_the_line(cli, tmp_path):
    path = tmp_path / "syntax.toml"
    path.write_text('id = "x"\ntitle = "unterminated\n')
    result = cli("banks", "validate", str(path))
    assert result.exit_code == 1 and f"{path}:2" in result.stderr


def test_bands_must_cover_zero_to_hundred(tmp_path):
    text = (DATA / "mini.toml").read_text() + '\n[[bands]]\nlabel = "Low"\nmin = 10\ncolour = "#FF0000"\n'
    path = tmp_path / "bands.toml"
    path.write_text(text)
    problems = [p.message for p in validate_bank_file(path)]
    assert any("cover 0 to 100" in m for m in problems)


def test_unknown_bank_id_is_a_clear_error(cli):
    result = cli("banks", "show", "no-such-bank")
    # An id no bank has is misuse of the command (exit 2), as for a bad option value.
    assert result.exit_code == 2 and "unknown bank 'no-such-bank'" in result.stderr
    assert "idea-stocktake" in result.stderr  # the hint lists the known banks


def test_loading_an_invalid_bank_raises_with_all_details(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN)
    with pytest.raises(StocktakeError) as info:
        load_bank(path)
    assert len(info.value.details) >= 8


def test_shipped_banks_dir_is_found_from_checkout():
    assert (shipped_banks_dir() / "idea-stocktake.toml").is_file()


def test_bank_path_env_adds_folders(tmp_path, monkeypatch):
    folder = tmp_path / "more"
    folder.mkdir()
    text = (DATA / "mini.toml").read_text().replace('id = "mini"', 'id = "extra"', 1)
    (folder / "extra.toml").write_text(text)
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(folder))
    assert find_bank("extra").id == "extra"
    shutil.rmtree(folder)
