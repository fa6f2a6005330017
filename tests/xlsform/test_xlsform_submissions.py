"""Importing submissions from ODK Central and KoboToolbox exports (`stocktake/xlsform/submissions.py`).

Each export is built as the tool writes it (see tests/helpers/xlsform_builders.py for the sources: ODK
Central's central-backend tests, KoboToolbox's kpi export tests), from the XForm pyxform makes
of the exported XLSForm, and imported into a real workspace.
"""

from __future__ import annotations

import pytest

from stocktake.errors import StocktakeError
from stocktake.records.responses import ANSWERED
from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, xlsform_sheets
from stocktake.xlsform.pyxform_check import convert_xlsform
from stocktake.xlsform.submissions import (CENTRAL, KOBO, partnership_lookup)

from helpers.paths import DATA
from helpers.submissions import WAVE, assert_stored_as_given, import_submissions
from helpers.xlsform_builders import central_csv, kobo_csv, kobo_xlsx

pytest.importorskip("pyxform")


def test_odk_central_csv_imports_with_the_right_answers(tmp_path, workspace, mini_bank, form,
                                                        two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    header = path.read_text().splitlines()[0].split(",")
    assert header[:2] == ["SubmissionDate", "stocktake_form"]
    assert "vision-vision.known" in header and "meta-instanceID" in header
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert batches[0].tool == CENTRAL and batches[0].warnings == ()
    assert len(outcome.stored) == 2
    assert_stored_as_given(workspace, mini_bank)
    assert {p.code for p in workspace.partnerships()} == {"E09000007", "E08000025"}


def test_odk_central_csv_with_split_select_multiples_imports_the_same(tmp_path, workspace,
                                                                      mini_bank, form, two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank), split=True)
    assert "vision-vision.consulted/children" in path.read_text().splitlines()[0]
    batches, _ = import_submissions(workspace, mini_bank, path)
    assert batches[0].warnings == ()
    assert_stored_as_given(workspace, mini_bank)


@pytest.mark.parametrize("mode", ["both", "details", "summary"])
def test_kobotoolbox_xlsx_imports_with_the_right_answers(tmp_path, workspace, mini_bank, form,
                                                         two, mode):
    sheets, xform = form
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two, mode=mode)
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert batches[0].tool == KOBO and batches[0].warnings == ()
    assert len(outcome.stored) == 2
    assert_stored_as_given(workspace, mini_bank)


def test_kobotoolbox_semicolon_csv_imports_with_the_right_answers(tmp_path, workspace,
                                                                  mini_bank, form, two):
    sheets, xform = form
    path = kobo_csv(tmp_path / "mini.csv", xform, sheets, two)
    assert path.read_bytes().startswith(b'"stocktake_form";"partnership";')
    batches, _ = import_submissions(workspace, mini_bank, path)
    assert batches[0].tool == KOBO
    assert_stored_as_given(workspace, mini_bank)


def test_importing_the_same_submissions_twice_adds_nothing(tmp_path, workspace, mini_bank, form,
                                                           two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    import_submissions(workspace, mini_bank, path)
    shard = workspace.shard_path("E09000007")
    before = shard.read_bytes()
    _, outcome = import_submissions(workspace, mini_bank, path)
    assert (len(outcome.stored), len(outcome.already)) == (0, 2)
    assert shard.read_bytes() == before
    assert len(workspace.responses(bank=mini_bank.id)) == 2


def test_a_later_export_adds_only_the_new_submissions(tmp_path, workspace, mini_bank, form, two):
    sheets, xform = form
    first = central_csv(tmp_path / "a.csv", xform, sheets, two[:1],
                        version=form_version(mini_bank))
    both = central_csv(tmp_path / "b.csv", xform, sheets, two, version=form_version(mini_bank))
    import_submissions(workspace, mini_bank, first)
    _, outcome = import_submissions(workspace, mini_bank, both)
    assert [s.role for s in outcome.stored] == ["young-people"]
    assert [s.role for s in outcome.already] == ["council"]


def test_a_submission_made_with_another_bank_version_is_refused_naming_it(tmp_path, workspace,
                                                                           mini_bank, form,
                                                                           two):
    sheets, xform = form
    two[1]["stocktake_form"] = "mini 0.9 " + "ab" * 32
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert "nothing was stored" in caught.value.message
    assert caught.value.details == [
        f"{path}: line 3: made with bank mini 0.9 (hash abababababab), not mini 1.0 (hash "
        f"{mini_bank.hash[:12]}); collect with the form exported from this bank"]
    assert workspace.responses() == []


def test_a_file_from_another_form_is_refused_naming_the_version_it_found(tmp_path, workspace,
                                                                         mini_bank):
    path = tmp_path / "household.csv"
    path.write_text("SubmissionDate,meta-instanceID,name,age,KEY,SubmitterID,SubmitterName,"
                    "AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,"
                    "FormVersion\n2026-05-01T10:00:00.000Z,uuid:1,Alice,30,uuid:1,5,Alice,0,0,"
                    ",,,0,2024031501\n")
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert "no 'stocktake_form' column" in caught.value.message
    assert "form version(s) found: 2024031501" in caught.value.message


def test_unknown_columns_are_warnings_and_the_import_goes_on(tmp_path, workspace, mini_bank,
                                                             form, two):
    sheets, xform = form
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    sheet.insert_cols(1, 3)
    for col, (name, value) in enumerate([("start", "2026-05-01T09:00"),
                                         ("end", "2026-05-01T09:30"),
                                         ("household/size", "4")], start=1):
        sheet.cell(1, col, name)
        sheet.cell(2, col, value)
    book.save(path)
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert batches[0].warnings == ("unknown column 'household/size' ignored",)
    assert len(outcome.stored) == 2


def test_a_choice_name_not_in_the_bank_is_named_by_row_and_column(tmp_path, workspace,
                                                                  mini_bank, form, two):
    sheets, xform = form
    two[0]["risk.register"] = "maybe"
    two[1]["vision.consulted"] = "children pets"
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    details = caught.value.details
    assert details[0] == (f"{path}: line 2, column risk-risk.register: risk.register: expected "
                          "one of none, partial, full, na or dk; got 'maybe'")
    assert details[1].startswith(f"{path}: line 3, column vision-vision.consulted: "
                                 "vision.consulted: 'pets' is not among the options; expected "
                                 "options from children, parents, staff")
    assert len(details) == 2
    assert workspace.responses() == []


def test_a_split_column_for_an_option_not_in_the_bank_is_named_by_cell(tmp_path, workspace,
                                                                       mini_bank, form, two):
    sheets, xform = form
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two, mode="details")
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    column = sheet.max_column + 1
    sheet.cell(1, column, "vision/vision.consulted/pets")
    sheet.cell(2, column, "1")
    book.save(path)
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert any("row 2, cell" in d and "(vision/vision.consulted/pets): option 'pets' is not one "
               "of question vision.consulted's options" in d for d in caught.value.details)


def test_bad_partnership_role_and_missing_name_are_all_named_and_nothing_is_stored(
        tmp_path, workspace, mini_bank, form, two):
    sheets, xform = form
    extra = dict(two[0], instance="x3", partnership="E09999999")
    fourth = dict(two[0], instance="x4", role="mayor")
    fifth = dict(two[0], instance="x5", respondent="")
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two + [extra, fourth, fifth],
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    details = caught.value.details
    assert details[0].startswith(f"{path}: line 4, column partnership: E09999999 is not in the "
                                 "list of English children's services authorities")
    assert details[1] == (f"{path}: line 5, column role: role 'mayor' is not one of bank mini's "
                          "roles (council, health, young-people)")
    assert details[2] == f"{path}: line 6, column respondent: no respondent name"
    assert workspace.responses() == [] and workspace.partnerships() == []


def test_an_answer_to_a_question_not_asked_of_the_role_is_named(tmp_path, workspace, mini_bank,
                                                                form, two):
    sheets, xform = form
    two[1]["risk.vacancies"] = "40"
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two)
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    header = [c.value for c in load_workbook(path).active[1]]
    letter = get_column_letter(header.index("risk/risk.vacancies") + 1)
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert caught.value.details == [
        f"{path}: sheet 'Mini bank for tests', row 3, cell {letter}3 (risk/risk.vacancies): "
        "risk.vacancies: not asked of "
        "role 'young-people' (asked of council)"]


def test_a_submission_repeated_in_the_file_is_named(tmp_path, workspace, mini_bank, form, two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two + [two[0]],
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert caught.value.details == [
        f"{path}: line 4: submission 6f1c2a9e-0000-4000-8000-000000000001 repeats line 2"]


def test_a_resubmission_replaces_the_earlier_submission_and_a_later_download_keeps_it(
        tmp_path, workspace, mini_bank, form, two):
    """A cumulative download holds the first submission (imported) and the respondent's
    second (new): the second replaces the first whole, answers it dropped go to history, and
    a third import of the same download changes nothing."""
    sheets, xform = form
    version = form_version(mini_bank)
    import_submissions(workspace, mini_bank, central_csv(tmp_path / "a.csv", xform, sheets, two[:1],
                                              version=version))
    again = {**two[0], "instance": "6f1c2a9e-0000-4000-8000-0000000000aa",
             "vision.statement": "no", "vision.known": "", "risk.barrier": ""}
    newcomer = {**two[0], "instance": "6f1c2a9e-0000-4000-8000-0000000000bb",
                "respondent": "Designated nurse", "role": "council"}
    download = central_csv(tmp_path / "b.csv", xform, sheets, [two[0], again, newcomer],
                           version=version)
    _, outcome = import_submissions(workspace, mini_bank, download)
    assert [s.respondent for s in outcome.stored] == ["Designated nurse"]
    assert [s.instance_id for s in outcome.updated] == ["6f1c2a9e-0000-4000-8000-0000000000aa"]
    assert [s.instance_id for s in outcome.already] == ["6f1c2a9e-0000-4000-8000-000000000001"]
    director = next(r for r in workspace.responses("E09000007", mini_bank.id, WAVE)
                    if r.key.respondent == "Director of children's services")
    assert director.answers["vision.statement"].value == "no"
    assert "risk.barrier" not in director.answers  # left empty the second time
    assert director.instance_id == "6f1c2a9e-0000-4000-8000-0000000000aa"
    assert director.earlier_instance_ids == ("6f1c2a9e-0000-4000-8000-000000000001",)
    history = {h["question"]: h for h in workspace.history(director.key)}
    assert history["vision.statement"]["previous"]["value"] == "yes"
    assert history["risk.barrier"]["removed"] is True
    shard = workspace.shard_path("E09000007")
    before = shard.read_bytes()
    _, outcome = import_submissions(workspace, mini_bank, download)
    assert (len(outcome.stored), len(outcome.updated), len(outcome.already)) == (0, 0, 3)
    assert shard.read_bytes() == before


def test_two_new_submissions_from_one_respondent_in_one_download_are_refused(
        tmp_path, workspace, mini_bank, form, two):
    sheets, xform = form
    second = {**two[0], "instance": "6f1c2a9e-0000-4000-8000-0000000000cc"}
    path = central_csv(tmp_path / "mini.csv", xform, sheets, [two[0], second],
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert caught.value.details == [
        f"{path}: line 3: Director of children's services of E09000007 also sent a new "
        f"submission at {path}: line 2; one submission per respondent"]
    assert "reject the unwanted submission in the collection tool's review" in caught.value.hint
    assert workspace.responses(bank=mini_bank.id) == []


def test_a_respondent_who_already_answered_another_way_is_refused(tmp_path, workspace,
                                                                  mini_bank, form, two):
    from stocktake.records.responses import Answer, ResponseKey

    workspace.add_partnerships([partnership_lookup([])("E09000007")])
    key = ResponseKey("E09000007", "mini", WAVE, "Director of children's services")
    workspace.save_answers(key, [Answer("vision.statement", ANSWERED, "no")], role="council")
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, path)
    assert "cannot be told apart from other answers; nothing was stored" in caught.value.message
    assert "already has mini 2026-27 answers (mode interview)" in caught.value.details[0]
    assert workspace.response(key).answers["vision.statement"].value == "no"
    assert workspace.responses("E08000025") == []


def test_submissions_rejected_in_review_are_left_out_and_said_so(tmp_path, workspace, mini_bank,
                                                                 form, two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index("ReviewState")] = "rejected"
    path.write_text("\n".join([lines[0], lines[1], ",".join(cells)]) + "\n")
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert [s.role for s in outcome.stored] == ["council"]
    assert batches[0].warnings == (
        "line 3: submission 6f1c2a9e-0000-4000-8000-000000000002 was rejected in ODK Central "
        "(ReviewState); not imported",)


def test_odk_central_csv_without_group_paths_imports_the_same(tmp_path, workspace, mini_bank,
                                                              form, two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank), group_paths=False)
    assert ",vision.known," in path.read_text().splitlines()[0]
    batches, _ = import_submissions(workspace, mini_bank, path)
    assert batches[0].warnings == ()
    assert_stored_as_given(workspace, mini_bank)


def test_answers_are_dated_when_the_tool_received_them(tmp_path, workspace, mini_bank, form,
                                                       two):
    sheets, xform = form
    central = central_csv(tmp_path / "c.csv", xform, sheets, two[:1],
                          version=form_version(mini_bank))
    import_submissions(workspace, mini_bank, central)
    answers = workspace.responses("E09000007")[0].answers.values()
    assert {a.answered_at for a in answers} == {"2026-05-01T10:00:00+00:00"}
    kobo = kobo_xlsx(tmp_path / "k.xlsx", xform, sheets, two[1:])
    import_submissions(workspace, mini_bank, kobo)
    answers = workspace.responses("E08000025")[0].answers.values()
    assert {a.answered_at for a in answers} == {"2026-05-01T10:00:00+00:00"}


def test_a_name_given_for_a_role_the_bank_marks_anonymous_is_refused_by_row(tmp_path, workspace):
    """Children and young people answer without a name, in a collected form as anywhere."""

    from stocktake.banks.loading import load_bank

    bank = load_bank(DATA / "children.toml")
    sheets = xlsform_sheets(bank, [("E09000007", "Camden")], anonymous_roles=())
    # The bank's own flag keeps the name question away from the anonymous role.
    [name_row] = [row for row in sheets.survey if "respondent" in row]
    assert "not(" in " ".join(map(str, name_row)) and "young-people" in " ".join(map(str, name_row))
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    child = {"instance": "7a000000-0000-4000-8000-000000000001",
             "stocktake_form": form_identity(bank), "partnership": "E09000007",
             "role": "young-people", "respondent": "Jo Smith",
             "safety.someone-to-tell": "yes"}
    path = central_csv(tmp_path / "children.csv", xform, sheets, [child],
                       version=form_version(bank))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, bank, path)
    assert caught.value.details == [
        f"{path}: line 2, column respondent: a name for role 'young-people', which answers "
        "anonymously; leave it empty"]
    assert workspace.responses() == []


def test_central_csv_with_a_byte_order_mark_imports_and_utf16_is_refused_by_name(
        tmp_path, workspace, mini_bank, form, two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert len(outcome.stored) == 2
    wide = tmp_path / "wide.csv"
    wide.write_bytes(text.encode("utf-16"))
    with pytest.raises(StocktakeError) as caught:
        import_submissions(workspace, mini_bank, wide)
    assert "saved as UTF-16 text" in caught.value.message
