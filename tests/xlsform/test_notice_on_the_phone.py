"""The safeguarding notice on the phone form: after each question whose answers call for it, a
note the form shows when one of those answers is chosen, as the interview shows it. A child
who answers "I often feel unsafe" on a phone is told there and then where to turn, not only
the adviser when the submissions are imported."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from stocktake.banks.loading import find_bank
from stocktake.xlsform.export import (NOTICE_SUFFIX, xlsform_bytes, xlsform_sheets)

SHIPPED = ("idea-stocktake", "joint-area-review", "tomorrows-children", "partnership-2026")
XF = "{http://www.w3.org/2002/xforms}"
PLACES = [("E09000007", "Camden")]


def _rows(sheets) -> list[dict]:
    header = sheets.survey[0]
    return [dict(zip(header, row)) for row in sheets.survey[1:]]


def _values_shown_for(expression: str, qid: str) -> set[str]:
    """The answers of `qid` for which the note's condition holds: each `${q} = 'v'` or
    `selected(${q}, 'v')` of an or-list, and nothing else (anything else fails the test)."""
    found = set()
    for part in expression.split(" or "):
        match = re.fullmatch(r"\$\{(.+)\} = '([^']*)'|selected\(\$\{(.+)\}, '([^']*)'\)", part)
        assert match, part
        name, value = (match[1], match[2]) if match[1] else (match[3], match[4])
        assert name == qid, part
        found.add(value)
    return found


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_each_notice_question_is_followed_by_the_notice_shown_for_its_answers(bank_id):
    bank = find_bank(bank_id)
    rows = _rows(xlsform_sheets(bank, PLACES))
    names = [r["name"] for r in rows]
    marked = [q for q in bank.questions if q.notice]
    notes = [r for r in rows if r["type"] == "note"]
    assert len(notes) == (len(marked) if bank.safeguarding_notice else 0)
    for q in marked:
        note = rows[names.index(q.id) + 1]  # straight after the question, before its evidence
        assert (note["type"], note["name"]) == ("note", q.id + NOTICE_SUFFIX)
        assert note["label"] == f"Safeguarding notice: {bank.safeguarding_notice}"
        shown = _values_shown_for(note["relevant"], q.id)
        assert shown == {str(v) for v in q.notice}
        # The very answers the intake records the notice for, and no other.
        offered = {str(o.id) for o in q.options} | {str(n) for n in range(1, len(q.levels) + 1)} \
            | {"yes", "no", "na", "dk"}
        assert {v for v in offered if q.calls_for_notice(v)} == shown


@pytest.mark.parametrize("bank_id", [b for b in SHIPPED if any(q.notice for q in
                                                                  find_bank(b).questions)])
def test_pyxform_makes_the_note_with_its_condition(bank_id):
    pytest.importorskip("pyxform")
    from stocktake.xlsform.pyxform_check import convert_xlsform

    bank = find_bank(bank_id)
    result = convert_xlsform(xlsform_bytes(xlsform_sheets(bank, PLACES)), bank_id)
    assert result.warnings == ()
    root = ET.fromstring(result.xform)
    binds = {b.get("nodeset").rsplit("/", 1)[-1]: b for b in root.iter(f"{XF}bind")}
    for q in bank.questions:
        if q.notice:
            bind = binds[q.id + NOTICE_SUFFIX]
            assert bind.get("readonly") == "true()"  # a note: nothing to answer
            assert q.id in bind.get("relevant")


def test_a_central_export_listing_the_note_imports_without_a_warning(cli, tmp_path):
    """ODK Central lists every field of the form, the note included (always empty): the
    import reads it as no answer, warns of nothing, and records the child's notice."""
    import json

    from helpers.child_routes import by_submission

    result = by_submission(cli, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    header = (tmp_path / "children.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "safety.feel-safe" + NOTICE_SUFFIX in header  # the note is a column of the export
    said = json.loads(result.stdout)
    assert "unknown column" not in json.dumps(said), said
    [stored] = said["stored"]
    assert "safety.feel-safe" in stored["safeguarding_notice"], stored
