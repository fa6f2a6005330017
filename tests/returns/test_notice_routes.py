"""A child's answer that calls for the safeguarding notice records it and shows it, whatever
route it comes in by: an answers file, a returned form, a phone or web submission (ODK
Central), and an exported workbook merged into another workspace.

Each route is the real command on real files (TinyDB workspaces, an openpyxl form, a CSV built
as ODK Central writes it from the XForm pyxform makes, a `stocktake export` workbook).
"""

from __future__ import annotations

import json

import openpyxl
import pytest

from stocktake.store.workspace import Workspace

WAVE = "2026-27"
NOTICE = "TEST NOTICE"
# The two answers of the test bank that call for the notice.
CALLED = {"safety.feel-safe", "safety.someone-to-tell"}


def _child(ws_path):
    [response] = [r for r in Workspace.open(ws_path).responses("E09000007", "children", WAVE)
                  if r.role == "young-people"]
    return response


def _by_answers_file(cli, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nsafety.feel-safe,often-unsafe,\n"
                    "safety.someone-to-tell,no,\n", encoding="utf-8")
    return cli("interview", "E09000007", "--bank", "children", "--role", "young-people",
               "--wave", WAVE, "--age-band", "11-15", "--answers", path)


def _by_form(cli, tmp_path):
    out = tmp_path / "child.xlsx"
    assert cli("forms", "create", "E09000007", "-b", "children", "-r", "young-people",
               "--wave", WAVE, "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    sheet = wb["Form"]
    rows = {sheet.cell(row=r, column=8).value: r for r in range(8, sheet.max_row + 1)}
    sheet["C3"] = "11 to 15"
    sheet.cell(row=rows["safety.feel-safe"], column=6).value = "I often feel unsafe"
    sheet.cell(row=rows["safety.someone-to-tell"], column=6).value = "No"
    wb.save(out)
    return cli("forms", "import", out)


def _by_submission(cli, tmp_path, *options):
    pytest.importorskip("pyxform")
    from stocktake.banks.loading import find_bank
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from helpers.xlsform_builders import central_csv

    bank = find_bank("children")
    sheets = xlsform_sheets(bank, [("E09000007", "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    path = central_csv(tmp_path / "children.csv", xform, sheets, [
        {"instance": "6f1c2a9e-0000-4000-8000-00000000000c", "stocktake_form": form_identity(bank),
         "partnership": "E09000007", "role": "young-people", "respondent": "",
         "safety.feel-safe": "often-unsafe", "safety.someone-to-tell": "no"}],
        version=form_version(bank))
    return cli("submissions", "import", path, "--bank", "children", "--wave", WAVE, *options)


def _by_merge(cli, tmp_path):
    elsewhere = tmp_path / "adviser-ws"
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nsafety.feel-safe,often-unsafe,\n"
                    "safety.someone-to-tell,no,\n", encoding="utf-8")
    assert cli("interview", "E09000007", "--bank", "children", "--role", "young-people",
               "--wave", WAVE, "--age-band", "11-15", "--answers", path,
               workspace=elsewhere).exit_code == 0
    exported = tmp_path / "returns" / "camden.xlsx"
    exported.parent.mkdir()
    assert cli("export", "E09000007", "--bank", "children", "--wave", WAVE, "--out", exported,
               workspace=elsewhere).exit_code == 0
    return cli("merge", exported.parent, "--out", tmp_path / "national.xlsx", "--into-workspace")


ROUTES = {"answers file": _by_answers_file, "form": _by_form, "submission": _by_submission,
          "merge into workspace": _by_merge}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_records_and_shows_the_notice(cli, tmp_path, route):
    result = ROUTES[route](cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert NOTICE in result.output
    response = _child(tmp_path / "ws")
    assert set(response.notices) == CALLED
    assert all(when[:4] >= "2026" for when in response.notices.values())


def test_a_submission_imported_with_json_names_the_notice(cli, tmp_path):
    result = _by_submission(cli, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    [stored] = json.loads(result.stdout)["stored"]
    assert sorted(stored["safeguarding_notice"]) == sorted(CALLED)


def test_the_routes_store_the_same_notice_record(cli, tmp_path):
    """Same answers, four routes: the same questions recorded, nothing else kept."""
    seen = []
    for name, route in ROUTES.items():
        here = tmp_path / name.replace(" ", "-")
        here.mkdir()
        result = route(lambda *a, **k: cli(*a, **({"workspace": here / "ws"} | k)), here)
        assert result.exit_code == 0, (name, result.output)
        doc = _child(here / "ws").to_doc()
        seen.append(sorted(doc["notices"]))
    assert seen == [sorted(CALLED)] * len(ROUTES)


def test_merge_json_lists_the_notices(cli, tmp_path):
    result = _by_merge(cli, tmp_path)
    assert result.exit_code == 0
    again = cli("merge", tmp_path / "returns", "--out", tmp_path / "n2.xlsx", "--into-workspace",
                "--json")
    assert again.exit_code == 0, again.output
    notices = json.loads(again.stdout)["safeguarding_notices"]
    assert [n["partnership"] for n in notices] == ["E09000007"]
    assert sorted(notices[0]["questions"]) == sorted(CALLED)
