"""Issue 28 kind 7: a submission edited at the source is seen as changed.

ODK Central keeps `KEY` (the logical instance id, the first version's instanceID) after an
edit, while `meta-instanceID` becomes the new version's and `meta-deprecatedID` holds the one it
replaced, and `Edits` counts the edits (central-backend's CSV header, test/integration/api/
submissions.js: `SubmissionDate, meta-instanceID, ..., KEY, SubmitterID, SubmitterName,
AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID, Edits, FormVersion`).
KoboToolbox gives the edited version a new `_uuid` and `meta/instanceID`, the first version's in
`meta/rootUuid` (kpi looks a submission up by `meta/rootUuid` or `_uuid`) and the replaced one
in `meta/deprecatedID`. Each export below is the unedited one made by
tests/helpers/xlsform_builders.py with those columns set as the tool sets them after one edit.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, xlsform_sheets
from stocktake.xlsform.pyxform_check import convert_xlsform
from stocktake.xlsform.submissions import partnership_lookup, read_submissions, \
    store_submissions
from helpers.xlsform_builders import central_csv, kobo_csv

pytest.importorskip("pyxform")
WAVE = "2026-27"
FIRST = "6f1c2a9e-0000-4000-8000-000000000001"
EDITED = "0d6e7f3a-1111-4000-8000-00000000e001"


@pytest.fixture
def form(mini_bank):
    sheets = xlsform_sheets(mini_bank, [("E09000007", "Camden")])
    return sheets, convert_xlsform(xlsform_bytes(sheets)).xform


@pytest.fixture
def submission(mini_bank):
    return {"instance": FIRST, "stocktake_form": form_identity(mini_bank),
            "partnership": "E09000007", "role": "council", "respondent": "Jo Bloggs",
            "vision.statement": "yes", "vision.statement_evidence": "CYPP 2026 p4",
            "risk.barrier": "Recruitment"}


def rewrite(path: Path, delimiter: str, change) -> Path:
    """The export with `change(row)` applied to every row (a dict by column); new columns go
    where `change` puts them, after the existing ones."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    for row in rows:
        change(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter,
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def central_edit(row: dict) -> None:
    row["meta-instanceID"] = f"uuid:{EDITED}"
    row["meta-deprecatedID"] = f"uuid:{FIRST}"  # KEY stays the first version's
    row["Edits"] = "1"


def kobo_edit(row: dict) -> None:
    row["_uuid"] = EDITED
    row["meta/rootUuid"] = f"uuid:{FIRST}"
    row["meta/deprecatedID"] = f"uuid:{FIRST}"


def store(workspace, bank, path):
    batch = read_submissions(path, bank, partnership_lookup(workspace.partnerships()))
    return store_submissions(workspace, bank, [batch], WAVE)


def edited_answers(submission: dict, **changes) -> dict:
    return {**submission, "vision.statement": "no",
            "vision.statement_evidence": "Asked again: no statement", **changes}


@pytest.mark.parametrize("tool", ["central", "kobo"])
def test_a_submission_edited_at_the_source_replaces_the_earlier_version_kept_in_history(
        tmp_path, workspace, mini_bank, form, submission, tool):
    sheets, xform = form
    version = form_version(mini_bank)

    def export(name, rows, edit=None):
        if tool == "central":
            path = central_csv(tmp_path / name, xform, sheets, rows, version=version)
            return rewrite(path, ",", edit) if edit else path
        path = kobo_csv(tmp_path / name, xform, sheets, rows)
        return rewrite(path, ";", edit) if edit else path

    first = store(workspace, mini_bank, export("first.csv", [submission]))
    assert len(first.stored) == 1
    edited = export("edited.csv", [edited_answers(submission)],
                    central_edit if tool == "central" else kobo_edit)
    outcome = store(workspace, mini_bank, edited)
    assert [s.instance_id for s in outcome.edited] == [EDITED]
    assert (outcome.stored, outcome.already, outcome.updated) == ((), (), ())
    [response] = workspace.responses("E09000007", mini_bank.id, WAVE)
    assert response.answers["vision.statement"].value == "no"
    assert response.answers["vision.statement"].evidence == "Asked again: no statement"
    assert response.instance_id == EDITED
    assert response.earlier_instance_ids == (FIRST,)
    history = {h["question"]: h["previous"] for h in workspace.history(response.key)}
    assert (history["vision.statement"]["value"], history["vision.statement"]["evidence"]) == \
        ("yes", "CYPP 2026 p4")
    # The same download again: nothing new.
    again = store(workspace, mini_bank, edited)
    assert (len(again.edited), len(again.already)) == (0, 1)
    # An older download (the first version) imported after the edit changes nothing either.
    older = store(workspace, mini_bank, export("first-again.csv", [submission]))
    assert (len(older.edited), len(older.already), len(older.stored)) == (0, 1, 0)
    assert workspace.responses("E09000007", mini_bank.id, WAVE)[0].instance_id == EDITED


def test_the_command_says_updated_1_submission_edited_at_the_source(cli, tmp_path, mini_bank,
                                                                     form, submission):
    sheets, xform = form
    version = form_version(mini_bank)
    first = central_csv(tmp_path / "first.csv", xform, sheets, [submission], version=version)
    assert cli("submissions", "import", first, "--bank", "mini", "--wave", WAVE).exit_code == 0
    edited = rewrite(central_csv(tmp_path / "edited.csv", xform, sheets,
                                 [edited_answers(submission)], version=version), ",",
                     central_edit)
    result = cli("submissions", "import", edited, "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Stored 0 submission(s); 0 already imported" in text
    assert "Updated 1 submission(s) edited at the source: Jo Bloggs (E09000007)" in text
    listed = cli("submissions", "import", edited, "--bank", "mini", "--wave", WAVE, "--json")
    assert '"already_imported"' in listed.stdout and EDITED in listed.stdout


def test_two_versions_in_one_download_are_stored_oldest_first_the_newest_kept(
        tmp_path, workspace, mini_bank, form, submission):
    """Two Kobo downloads merged into one file hold both versions: the newest wins whatever
    the order of the rows, the other is in history (not refused as two from one person)."""
    sheets, xform = form
    path = kobo_csv(tmp_path / "both.csv", xform, sheets,
                    [edited_answers(submission, instance=EDITED), submission])

    def edit_first_row(row):
        if row["_uuid"] == EDITED:
            row["meta/deprecatedID"] = f"uuid:{FIRST}"
        else:
            row["meta/deprecatedID"] = ""

    outcome = store(workspace, mini_bank, rewrite(path, ";", edit_first_row))
    assert [s.instance_id for s in outcome.stored] == [FIRST]
    assert [s.instance_id for s in outcome.edited] == [EDITED]
    [response] = workspace.responses("E09000007", mini_bank.id, WAVE)
    assert response.answers["vision.statement"].value == "no"
    assert response.instance_id == EDITED


def test_an_edit_that_corrects_the_name_moves_the_response_and_an_erasure_finds_both_names(
        cli, tmp_path, mini_bank, form, submission):
    """The respondent's name corrected at the source: the response moves to the new name, the
    old name kept with it; `remove --purge` of the new name leaves neither name anywhere."""
    from stocktake.store.workspace import Workspace

    sheets, xform = form
    version = form_version(mini_bank)
    typo = {**submission, "respondent": "Jo Blogs", "vision.statement_evidence": "Jo Blogs, CYPP"}
    first = central_csv(tmp_path / "first.csv", xform, sheets, [typo], version=version)
    assert cli("submissions", "import", first, "--bank", "mini", "--wave", WAVE).exit_code == 0
    edited = rewrite(central_csv(tmp_path / "edited.csv", xform, sheets,
                                 [edited_answers(submission)], version=version), ",",
                     central_edit)
    result = cli("submissions", "import", edited, "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    ws = Workspace(tmp_path / "ws")
    [response] = ws.responses("E09000007")
    assert response.key.respondent == "Jo Bloggs"
    assert {h["respondent"] for h in ws.history(response.key)} == {"Jo Bloggs"}
    gone = cli("remove", "E09000007", "--respondent", "Jo Bloggs", "--purge", "--yes")
    assert gone.exit_code == 0, gone.output
    for value in ("Jo Blogs", "Jo Bloggs", "Jo Blogs, CYPP"):
        assert [str(p) for p in ws.root.rglob("*") if p.is_file()
                and value.encode() in p.read_bytes()] == [], value


def test_a_central_export_without_group_paths_sees_the_edit_too(tmp_path, workspace, mini_bank,
                                                                form, submission):
    """Central's `?groupPaths=false` export names the meta fields `instanceID` and
    `deprecatedID`, without `meta-`."""
    sheets, xform = form
    version = form_version(mini_bank)
    store(workspace, mini_bank, central_csv(tmp_path / "first.csv", xform, sheets, [submission],
                                            version=version, group_paths=False))

    def edit(row):
        row["instanceID"] = f"uuid:{EDITED}"
        row["deprecatedID"] = f"uuid:{FIRST}"
        row["Edits"] = "1"

    path = rewrite(central_csv(tmp_path / "edited.csv", xform, sheets,
                               [edited_answers(submission)], version=version,
                               group_paths=False), ",", edit)
    batch = read_submissions(path, mini_bank, partnership_lookup(workspace.partnerships()))
    assert batch.warnings == ()
    outcome = store_submissions(workspace, mini_bank, [batch], WAVE)
    assert [s.instance_id for s in outcome.edited] == [EDITED]
    [response] = workspace.responses("E09000007", mini_bank.id, WAVE)
    assert response.answers["vision.statement"].value == "no"
