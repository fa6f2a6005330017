"""A bank as an XLSForm (`stocktake/xlsform/export.py`, `relevance.py`), converted by pyxform.

pyxform is called as ODK Central and KoboToolbox call it: `pyxform.xls2xform.convert(xlsform,
warnings=[...], validate=False)`, which returns the XForm and fills the warnings list (pyxform
4.x, pyxform/xls2xform.py); ODK Validate (Java) is not asked for.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from stocktake.banks.model import Condition

from stocktake.banks.loading import find_bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.reference import current_authorities
from stocktake.xlsform.export import (form_identity, form_version, write_xlsform,
                                      xlsform_bytes, xlsform_sheets)
from stocktake.xlsform.relevance import (UnsupportedRelevant, condition_expression,
                                         parse_relevant, relevant_expression)

SHIPPED = ("idea-stocktake", "joint-area-review", "tomorrows-children", "partnership-2026")
XF = "{http://www.w3.org/2002/xforms}"
PLACES = [("E09000007", "Camden"), ("E10000030", "Surrey")]


def _survey(sheets) -> dict[str, dict]:
    header = sheets.survey[0]
    return {row[1]: dict(zip(header, row)) for row in sheets.survey[1:] if row[1]}


def _choices(sheets, list_name):
    return [(r[1], r[2], r[3]) for r in sheets.choices[1:] if r[0] == list_name]


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_every_shipped_bank_exports_to_an_xlsform_pyxform_converts_without_warnings(bank_id):
    pytest.importorskip("pyxform")
    from stocktake.xlsform.pyxform_check import convert_xlsform

    bank = find_bank(bank_id)
    sheets = xlsform_sheets(bank, [(a.code, a.name) for a in current_authorities()])
    result = convert_xlsform(xlsform_bytes(sheets), bank_id)
    assert result.warnings == ()
    root = ET.fromstring(result.xform)
    data = next(iter(root.iter(f"{XF}instance")))[0]
    assert data.get("id") == bank.id
    assert data.get("version") == form_version(bank)
    fields = {el.tag.split("}")[-1] for el in data.iter()}
    assert {q.id for q in bank.questions} <= fields
    binds = {b.get("nodeset").rsplit("/", 1)[-1]: b for b in root.iter(f"{XF}bind")}
    assert binds["stocktake_form"].get("calculate") == f"'{form_identity(bank)}'"
    for q in bank.questions:
        if q.roles or q.when:
            assert binds[q.id].get("relevant"), q.id
        assert (binds[q.id].get("required") == "true()") == q.required


def test_question_types_become_the_xlsform_types(mini_bank):
    sheets = xlsform_sheets(mini_bank, PLACES)
    survey = _survey(sheets)
    assert survey["vision.statement"]["type"] == "select_one vision.statement"
    assert _choices(sheets, "vision.statement") == [
        ("yes", "Yes", ""), ("no", "No", ""), ("na", "Not applicable", ""),
        ("dk", "Don't know", "")]
    assert survey["vision.known"]["type"] == "select_one vision.known"
    assert _choices(sheets, "vision.known")[:4] == [
        ("1", "Senior officers only.", ""), ("2", "Senior managers.", ""),
        ("3", "Most staff.", ""), ("4", "Everyone, children too.", "")]
    assert survey["vision.consulted"]["type"] == "select_multiple vision.consulted"
    assert _choices(sheets, "vision.consulted")[:3] == [
        ("children", "Children and young people", "2"), ("parents", "Parents and carers", "1"),
        ("staff", "Front-line staff", "1")]
    assert survey["risk.register"]["type"] == "select_one risk.register"
    assert survey["risk.vacancies"]["type"] == "decimal"
    assert survey["risk.vacancies"]["constraint"] == ". >= 0 and . <= 100"
    assert survey["risk.vacancies"]["constraint_message"] == "A number from 0 to 100 %"
    assert survey["risk.barrier"]["type"] == "text"
    # Unscored questions offer no na/dk; text questions carry no separate evidence note.
    assert "risk.barrier_evidence" not in survey
    assert survey["vision.known_evidence"]["relevant"] == "${vision.known} != ''"
    assert survey["vision.statement"]["hint"] == mini_bank.question("vision.statement").guidance
    assert survey["vision.known"]["weight"] == "2"


def test_top_level_fields_come_first_and_anonymous_roles_give_no_name(mini_bank):
    sheets = xlsform_sheets(mini_bank, PLACES)
    names = [row[1] for row in sheets.survey[1:5]]
    assert names == ["stocktake_form", "partnership", "role", "respondent"]
    survey = _survey(sheets)
    assert survey["respondent"]["relevant"] == "not(selected(${role}, 'young-people'))"
    assert _choices(sheets, "partnership") == [("E09000007", "Camden (E09000007)", ""),
                                               ("E10000030", "Surrey (E10000030)", "")]
    assert [c[0] for c in _choices(sheets, "role")] == ["council", "health", "young-people"]
    assert sheets.settings[1][:3] == ["Mini bank for tests", "mini", form_version(mini_bank)]


def test_an_area_named_like_a_top_level_field_gets_its_own_group_name():
    bank = find_bank("idea-stocktake")
    groups = [row[1] for row in xlsform_sheets(bank, PLACES).survey if row[0] == "begin_group"]
    assert "partnership_area" in groups and "partnership" not in groups
    assert "vision" in groups


def test_roles_and_skip_conditions_become_relevant_expressions(mini_bank):
    survey = _survey(xlsform_sheets(mini_bank, PLACES))
    assert survey["vision.known"]["relevant"] == "${vision.statement} = 'yes'"
    assert survey["risk.register"]["relevant"] == \
        "(selected(${role}, 'council') or selected(${role}, 'health'))"
    assert survey["risk.vacancies"]["relevant"] == "selected(${role}, 'council')"
    bank = find_bank("idea-stocktake")
    assert condition_expression(bank, bank.question("communications.evaluated").when) == \
        "${communications.strategy} >= 3"
    assert condition_expression(bank, bank.question("consultation.groups").when) == (
        "(${consultation.frequency} = 'one-off' or ${consultation.frequency} = 'periodic' or "
        "${consultation.frequency} = 'continuous')")


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_every_relevant_expression_reads_back_as_its_roles_and_condition(bank_id):
    bank = find_bank(bank_id)
    for q in bank.questions:
        parsed = parse_relevant(relevant_expression(bank, q.roles, q.when))
        assert parsed.roles == q.roles
        if q.when is None:
            assert parsed.condition is None
        else:
            assert parsed.condition.question == q.when.question
            assert parsed.condition.at_least == q.when.at_least
            wanted = q.when.in_ or (q.when.is_,) if q.when.at_least is None else ()
            got = parsed.condition.in_ or (parsed.condition.is_,) \
                if parsed.condition.at_least is None else ()
            assert [str(v) for v in got] == [str(v) for v in wanted]


def test_a_condition_on_a_multi_question_uses_selected(mini_bank):
    condition = Condition("vision.consulted", in_=("children", "parents"))
    assert condition_expression(mini_bank, condition) == (
        "(selected(${vision.consulted}, 'children') or "
        "selected(${vision.consulted}, 'parents'))")


@pytest.mark.parametrize("text", [
    "${a} = 'x' and ${b} = 'y'",        # two conditions
    "${a} = 'x' or ${b} = 'y'",         # an 'or' across questions
    "${a} < 3",                         # an operator banks do not have
    "count-selected(${a}) > 1",         # a function
    "${a} >= 'x'",                      # at_least needs a number
    "(${a} = 'x'",                      # unbalanced
    "selected(${role}, 'council') and selected(${role}, 'health')",
])
def test_relevant_expressions_a_bank_cannot_hold_are_refused(text):
    with pytest.raises(UnsupportedRelevant):
        parse_relevant(text)


def test_bank_text_that_looks_like_a_formula_stays_text(tmp_path, mini_bank):
    from dataclasses import replace

    from openpyxl import load_workbook

    evil = replace(mini_bank.questions[0], text='=HYPERLINK("http://x","click")')
    bank = replace(mini_bank, questions=(evil,) + mini_bank.questions[1:])
    path = write_xlsform(tmp_path / "f.xlsx", xlsform_sheets(bank, PLACES))
    sheet = load_workbook(path)["survey"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == evil.id]
    assert cells[0].value == '=HYPERLINK("http://x","click")' and cells[0].data_type == "s"


def test_a_bank_id_an_xform_cannot_name_is_refused_by_name(mini_bank):
    from dataclasses import replace

    odd = replace(mini_bank.questions[-1], id="9.barrier")
    bank = replace(mini_bank, questions=mini_bank.questions[:-1] + (odd,))
    with pytest.raises(StocktakeError, match="question id '9.barrier' starts with a digit"):
        xlsform_sheets(bank, PLACES)


def test_a_question_id_clashing_with_an_evidence_note_is_refused_by_name(mini_bank):
    from dataclasses import replace

    clash = replace(mini_bank.questions[0], id="vision.known_evidence", when=None)
    bank = replace(mini_bank, questions=mini_bank.questions + (clash,))
    with pytest.raises(StocktakeError) as caught:
        xlsform_sheets(bank, PLACES)
    assert caught.value.details[0].startswith("survey row ")
    assert "'vision.known_evidence' repeats row" in caught.value.details[0]
