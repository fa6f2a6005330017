"""The shipped banks as issue 17 left them: eras named, questions split, roles fitting, seeds
covered, and partnership-2026 complete enough to use."""

from __future__ import annotations

import json
import re

import pytest

from stocktake.banks.loading import find_bank
from stocktake.store.workspace import Workspace

OLD_BANKS = {"idea-stocktake": "2005-06", "joint-area-review": "2005-08",
             "tomorrows-children": "2002-03"}


@pytest.mark.parametrize("bank_id, era", OLD_BANKS.items())
def test_each_old_bank_names_its_era_uses_its_bodies_and_points_to_today(bank_id, era):
    bank = find_bank(bank_id)
    # 2.1: issue 24's fixes (questions split, anachronisms gone); its DfE links are today's.
    assert bank.version == "2.1"
    assert bank.period and bank.period[:4] == era[:4]
    assert era in bank.title and era in bank.description
    assert "partnership-2026" in bank.description
    text = " ".join([r.title for r in bank.roles] + [a.description for a in bank.areas]
                    + [q.text + " " + q.guidance + " " + " ".join(q.levels)
                       for q in bank.questions])
    for modern in ("integrated care board", "ICB", "safeguarding partners", "early help"):
        assert modern not in text, (bank_id, modern)
    assert "primary care trusts" in bank.role("health").title


@pytest.mark.parametrize("bank_id, gone, now", [
    ("idea-stocktake", "workforce.social-workers",
     ["workforce.social-worker-recruitment", "workforce.social-worker-training",
      "workforce.social-worker-supervision", "workforce.social-worker-caseloads"]),
    ("idea-stocktake", None, ["roles.lead-professional", "roles.single-assessment"]),
    ("tomorrows-children", None, ["recruitment.morale", "recruitment.morale-acted-on"]),
    ("joint-area-review", "enjoy-and-achieve.attendance-exclusions",
     ["enjoy-and-achieve.attendance", "enjoy-and-achieve.exclusions",
      "enjoy-and-achieve.excluded-pupils-education"]),
    ("joint-area-review", None, ["stay-safe.missing-education", "stay-safe.missing-from-home"]),
])
def test_double_barrelled_questions_are_split(bank_id, gone, now):
    bank = find_bank(bank_id)
    if gone:
        assert not bank.has_question(gone)
    for qid in now:
        assert bank.has_question(qid)
        assert not re.search(r"\?,? and |, and (do|does|is|are|what|how)\b",
                             bank.question(qid).text), qid
    assert "home" not in bank.question(now[0]).text or "education" not in \
        bank.question(now[0]).text


@pytest.mark.parametrize("bank_id, qid, left_out", [
    ("idea-stocktake", "risk.formal-assessment", {"police", "district"}),
    ("idea-stocktake", "workforce.skills-audit", {"police", "district"}),
    ("idea-stocktake", "outcomes.enjoy-achieve", {"police", "district"}),
    ("tomorrows-children", "resources.capacity-review", {"schools", "police"}),
    ("tomorrows-children", "performance.investment-skew", {"schools", "police"}),
])
def test_roles_are_asked_only_what_they_can_answer(bank_id, qid, left_out):
    assert not left_out & set(find_bank(bank_id).question(qid).roles)


def test_top_levels_say_what_evidence_would_show_them():
    jar = find_bank("joint-area-review")
    leadership = jar.question("capacity-to-improve.leadership").levels[-1]
    feel_safe = jar.question("stay-safe.feel-safe").levels[-1]
    assert "admired" not in leadership and "survey" in leadership
    assert "almost everywhere" not in feel_safe and "survey" in feel_safe


def test_tomorrows_children_covers_the_missing_points_of_its_seed():
    bank = find_bank("tomorrows-children")
    text = " ".join(q.text + " " + " ".join(q.levels + tuple(o.label for o in q.options))
                    for q in bank.questions)
    for point in ("asylum-seeking", "children's commissioner", "public and private partnership",
                  "Health Act 1999 flexibilities", "local strategic partnership",
                  "One strategic body commissioning all child care services",
                  "commercial providers of fostering and residential care"):
        assert point in text, point
    # Structure is recorded but not scored: what the arrangement achieves is.
    assert bank.question("commissioning.model").scored is False
    assert bank.question("commissioning.organisation").type == "scale"
    assert "parents-carers" in bank.role_ids and bank.role("parents-carers").reported_apart


def test_idea_stocktake_additions():
    bank = find_bank("idea-stocktake")
    assert bank.has_question("consultation.providers-audit")
    assert bank.has_question("consultation.councillors")
    assert "local strategic partnership" in bank.question("partnership.has-board").text
    assert "balance between leadership and direction" not in \
        bank.question("leadership.dcs-role").text
    numbers = [q for q in bank.questions_in("outcomes") if q.type == "number"]
    assert {q.id for q in numbers} == {"outcomes.conception-rate", "outcomes.gcse-five-a-c",
                                       "outcomes.neet"}


def test_partnership_2026_has_three_checkable_questions_per_area_and_every_role():
    bank = find_bank("partnership-2026")
    for area in bank.areas:
        assert len(bank.questions_in(area.id)) >= 3, area.id
    for role in bank.roles:
        assert bank.questions_for_role(role.id), role.id
    assert bank.role("young-people").anonymous and bank.role("young-people").reported_apart
    assert bank.role("parents-carers").reported_apart
    assert bank.safeguarding_notice and "0800 1111" in bank.safeguarding_notice
    # Every source is cited in the file's comments.
    source = bank.source.read_text(encoding="utf-8")
    for tag in ("[WT23]", "[LSP]", "[FFP]", "[CWSA]", "[NF]", "[CPP]", "[SEND]", "[YJ]",
                "[ILACS]"):
        assert f"# {tag}" in source, tag


def test_demo_runs_on_partnership_2026(cli, tmp_path):
    result = cli("demo", "--bank", "partnership-2026", "--partnerships", "4", "--json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert (made["simulated"], made["bank"], made["partnerships"]) == (True, "partnership-2026", 4)
    assert made["respondents"] >= 4 and made["answers"] > made["respondents"]
    ws = Workspace(tmp_path / "ws")
    assert len(ws.partnerships()) == 4
    assert all(ws.responses(p.code, "partnership-2026", made["wave"]) for p in ws.partnerships())
