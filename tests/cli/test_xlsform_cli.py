"""`stocktake banks export-xlsform`, `banks import-xlsform` and `submissions import`, run
through the real entry point (errors rendered, exit codes)."""

from __future__ import annotations

import json

import pytest

from helpers.xlsform_builders import central_csv

pytest.importorskip("pyxform")


def test_export_xlsform_writes_a_form_pyxform_converts(cli, tmp_path):
    from stocktake.xlsform.pyxform_check import convert_xlsform

    out = tmp_path / "mini.xlsx"
    result = cli("banks", "export-xlsform", "mini", "--out", out, "-p", "E09000007")
    assert result.exit_code == 0, result.output
    assert "pyxform converts it" in result.stdout and "1 partnerships" in result.stdout
    assert 'id="mini"' in convert_xlsform(out).xform


def test_export_xlsform_offers_every_current_authority_by_default(cli, tmp_path):
    from openpyxl import load_workbook

    from stocktake.partnerships.reference import current_authorities

    out = tmp_path / "mini.xlsx"
    assert cli("banks", "export-xlsform", "mini", "--out", out).exit_code == 0
    codes = {r[1] for r in load_workbook(out)["choices"].iter_rows(values_only=True)
             if r[0] == "partnership"}
    assert codes == {a.code for a in current_authorities()}


def test_export_xlsform_refuses_an_output_that_is_not_xlsx(cli, tmp_path):
    result = cli("banks", "export-xlsform", "mini", "--out", tmp_path / "mini.xls")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "an XLSForm is an .xlsx workbook" in result.stderr


def test_import_xlsform_gives_back_a_valid_bank(cli, tmp_path):
    form, bank = tmp_path / "mini.xlsx", tmp_path / "mini-again.toml"
    assert cli("banks", "export-xlsform", "mini", "--out", form, "-p", "E09000007") \
        .exit_code == 0
    result = cli("banks", "import-xlsform", form, "--out", bank)
    assert result.exit_code == 0, result.output
    assert cli("banks", "validate", bank).exit_code == 0
    shown = json.loads(cli("banks", "show", str(bank), "--json").stdout)
    original = json.loads(cli("banks", "show", "mini", "--json").stdout)
    assert shown["hash"] == original["hash"]


def test_import_xlsform_reports_pyxform_refusal_with_sheet_and_row(cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["select_one role", "role", "Role"])
    survey.append(["select_one missing", "q", "Q?"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    book["choices"].append(["role", "council", "Council"])
    path = tmp_path / "broken.xlsx"
    book.save(path)
    result = cli("banks", "import-xlsform", path, "--out", tmp_path / "b.toml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "pyxform refused the form" in result.stderr
    assert "row" in result.stderr and "missing" in result.stderr
    assert not (tmp_path / "b.toml").exists()


def _central_export(tmp_path, mini_bank, rows):
    from stocktake.xlsform.export import form_version, xlsform_bytes, xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform

    sheets = xlsform_sheets(mini_bank, [("E09000007", "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    return central_csv(tmp_path / "export.csv", xform, sheets, rows,
                       version=form_version(mini_bank))


def _row(bank, instance, **answers):
    from stocktake.xlsform.export import form_identity

    return {"instance": instance, "stocktake_form": form_identity(bank),
            "partnership": "E09000007", "role": "council", "respondent": f"Officer {instance}",
            **answers}


def test_submissions_import_stores_once_and_reports_the_second_run(cli, tmp_path, mini_bank):
    path = _central_export(tmp_path, mini_bank, [
        _row(mini_bank, "a1", **{"vision.statement": "yes", "vision.known": "4"}),
        _row(mini_bank, "a2", **{"vision.statement": "no"})])
    first = cli("submissions", "import", path, "--bank", "mini", "--wave", "2026-27", "--json")
    assert first.exit_code == 0, first.output
    outcome = json.loads(first.stdout)
    assert [s["instance_id"] for s in outcome["stored"]] == ["a1", "a2"]
    assert outcome["files"] == [{"file": str(path), "tool": "ODK Central", "submissions": 2}]
    shown = json.loads(cli("answers", "E09000007", "--bank", "mini", "--wave", "2026-27",
                           "--json").stdout)
    assert "vision.known" in json.dumps(shown) and "Officer a2" in json.dumps(shown)
    second = cli("submissions", "import", path, "--bank", "mini", "--wave", "2026-27")
    assert second.exit_code == 0
    assert "Stored 0 submission(s); 2 already imported" in second.stdout


def test_submissions_import_names_every_bad_cell_and_stores_nothing(cli, tmp_path, mini_bank):
    path = _central_export(tmp_path, mini_bank, [
        _row(mini_bank, "b1", **{"vision.known": "7"}),
        _row(mini_bank, "b2", **{"risk.register": "maybe"})])
    result = cli("submissions", "import", path, "--bank", "mini")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "2 problem(s); nothing was stored" in result.stderr
    assert "line 2, column vision-vision.known: vision.known: expected a level from 1 to 4" \
        in result.stderr
    assert "line 3, column risk-risk.register: risk.register: expected one of" in result.stderr
    assert json.loads(cli("partnerships", "list", "--json").stdout) == []


def test_submissions_import_refuses_a_bad_wave_as_a_usage_error(cli, tmp_path, mini_bank):
    path = _central_export(tmp_path, mini_bank, [_row(mini_bank, "c1")])
    result = cli("submissions", "import", path, "--bank", "mini", "--wave", "2026")
    assert result.exit_code == 2 and "'2026' is not a wave" in result.stderr


def test_export_xlsform_works_without_pyxform(cli, tmp_path, monkeypatch):
    import sys

    # As on a machine without the xlsform extra: `import pyxform` fails.
    monkeypatch.setitem(sys.modules, "pyxform", None)
    out = tmp_path / "mini.xlsx"
    result = cli("banks", "export-xlsform", "mini", "--out", out, "-p", "E09000007")
    assert result.exit_code == 0, result.output
    assert out.exists() and "pyxform converts it" not in result.stdout
    again = cli("banks", "import-xlsform", out, "--out", tmp_path / "b.toml")
    assert again.exit_code == 0  # authoring needs tomli-w, not pyxform


def test_submissions_import_warns_of_personal_data_in_evidence(cli, tmp_path, mini_bank):
    path = _central_export(tmp_path, mini_bank, [
        _row(mini_bank, "d1", **{"vision.statement": "yes",
                                 "vision.statement_evidence": "ask jo.bloggs@example.org"})])
    result = cli("submissions", "import", path, "--bank", "mini")
    assert result.exit_code == 0, result.output
    assert "Warning: E09000007 Officer d1, vision.statement: likely personal data" in \
        result.stderr


@pytest.mark.parametrize("name, content, message", [
    ("missing.xlsx", None, "no such file"),
    ("notes.csv", b"type,name\n", "not an Excel workbook"),
    ("fake.xlsx", b"PK not really", "not an Excel workbook"),
])
def test_import_xlsform_refuses_a_file_that_is_not_a_workbook(cli, tmp_path, name, content,
                                                              message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = cli("banks", "import-xlsform", path, "--out", tmp_path / "b.toml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.stderr and "pyxform" not in result.stderr
