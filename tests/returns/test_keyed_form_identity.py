"""Issue 28 kind 2: a keyed form's seal covers who the answers are for. A child's form issued as
YP-0001 and re-aimed at YP-0002, a named form re-aimed at another person, and every other
identity `forms import --key` trusts (partnership, its name and region, role, bank edition,
wave) changed alone: each refused naming what changed, and nothing stored."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from stocktake.partnerships.model import partnership_for
from stocktake.returns.seal import form_seal
from stocktake.store.workspace import Workspace
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE
from helpers.forms import FILLED, fill, rows_by_question
from helpers.hostile_files import set_about
from helpers.seal_key import KEY


def _child_form(cli, tmp_path, key_file, name):
    out = tmp_path / name
    made = cli("forms", "create", "E09000007", "--bank", "children", "--role", "young-people",
               "--wave", WAVE, "--key", key_file, "--out", out)
    assert made.exit_code == 0, made.output
    return out


def _answer_child(path, feel="I mostly feel safe"):
    wb = load_workbook(path)
    ws = wb["Form"]
    ws["D3"] = "11 to 15"
    ws.cell(rows_by_question(ws)["safety.feel-safe"], 6).value = feel
    wb.save(path)
    return path


def _stored(tmp_path):
    ws = Workspace.open(tmp_path / "ws")
    return {r.key.respondent: {q: a.value for q, a in r.answers.items()}
            for r in ws.responses()}


def test_a_childs_form_re_aimed_at_another_reference_is_refused(cli, tmp_path, key_file):
    first = _answer_child(_child_form(cli, tmp_path, key_file, "yp1.xlsx"))
    second = _answer_child(_child_form(cli, tmp_path, key_file, "yp2.xlsx"), "I always feel safe")
    assert cli("forms", "import", second, "--key", key_file).exit_code == 0
    before = _stored(tmp_path)
    assert before["YP-0002"]["safety.feel-safe"] == "always-safe"
    set_about(first, {"respondent": "YP-0002"}, rows_too=False)
    done = cli("forms", "import", first, "--key", key_file)
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1, done.output
    assert "keyed seal does not verify: its respondent ('YP-0002') is not the one it was " \
           "issued for" in said
    assert _stored(tmp_path) == before  # YP-0002's answers are as they were


def test_the_same_childs_form_unchanged_imports_under_its_own_reference(cli, tmp_path, key_file):
    form = _answer_child(_child_form(cli, tmp_path, key_file, "yp1.xlsx"))
    done = cli("forms", "import", form, "--key", key_file, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["stored"][0]["respondent"] == "YP-0001"


@pytest.mark.parametrize("field, value, words", [
    ("partnership", "E06000001", "partnership"),
    ("partnership_name", "Hartlepool", "partnership's name"),
    ("region", "North East", "region"),
    ("role", "health", "role"),
    ("wave", "2025-26", "wave"),
    ("respondent", "Sam Smith", "respondent"),
])
def test_each_identity_of_a_named_form_is_sealed(cli, mini_bank, tmp_path, key_file, field,
                                                  value, words):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo Bloggs", key=KEY), FILLED)
    set_about(form, {field: value}, rows_too=False)
    done = cli("forms", "import", form, "--key", key_file)
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1, done.output
    assert f"its {words} ('{value}') is not the one it was issued for" in said
    assert _stored(tmp_path) == {}


def test_a_form_made_for_another_bank_edition_is_refused_naming_it(cli, mini_bank, tmp_path,
                                                                    key_file):
    # A bank edition this machine has, put on a form sealed for another edition: the edition
    # check of an unkeyed import would pass it, the seal names what changed.
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo Bloggs", key=KEY), FILLED)
    wb = load_workbook(form)
    about = {r[0].value: r[1] for r in wb["About"].iter_rows() if r[0].value}
    true_hash = about["bank_hash"].value
    wb.close()
    # Re-seal the form as if it had been issued for a different hash, then put the real one
    # back: what the import sees is this machine's edition under a seal made for another.
    other = create_form(tmp_path / "g.xlsx", mini_bank, partnership_for("E09000007"), "council",
                        WAVE, "Jo Bloggs", key=KEY)
    set_about(other, {"bank_hash": "0" * 64}, rows_too=False)
    from stocktake.returns.seal import form_field_tags, form_seal_v2, FORM_IDENTITY_FIELDS

    wb = load_workbook(other)
    fields = {r[0].value: str(r[1].value or "") for r in wb["About"].iter_rows() if r[0].value}
    wb.close()
    identity = {k: fields.get(k, "") for k in FORM_IDENTITY_FIELDS}
    rows = [(r, q) for r, q in sorted(_rows(other).items())]
    set_about(form, {"keyed_seal": form_seal_v2(identity, rows, KEY),
                     "keyed_fields": form_field_tags(identity, KEY),
                     "bank_hash": true_hash}, rows_too=False)
    done = cli("forms", "import", form, "--key", key_file)
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1, done.output
    assert f"its bank edition (hash) ('{true_hash}') is not the one it was issued for" in said


def _rows(path):
    from stocktake.returns.workbook_reader import read_sheets
    from stocktake.workbooks.forms.reading import _expected_rows

    return _expected_rows(read_sheets(path, ["About"])["About"])


def test_a_named_form_whose_name_cell_names_someone_else_is_refused(cli, mini_bank, tmp_path,
                                                                     key_file):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo Bloggs", key=KEY), FILLED, name="Sam Smith")
    done = cli("forms", "import", form, "--key", key_file)
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1
    assert "the form was issued to 'Jo Bloggs' but the name on it is 'Sam Smith'" in said
    assert _stored(tmp_path) == {}
    # the same person, retyped with other case and spacing, is the same person
    fill(form, {}, name="JO  BLOGGS")
    assert cli("forms", "import", form, "--key", key_file).exit_code == 0


def test_rows_changed_under_a_valid_identity_are_said_so(cli, mini_bank, tmp_path, key_file):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo Bloggs", key=KEY), FILLED)
    wb = load_workbook(form)
    about = wb["About"]
    for row in about.iter_rows():
        if row[1].value == "vision.known":
            row[1].value = "vision.statement"
            break
    wb.save(form)
    done = cli("forms", "import", form, "--key", key_file)
    assert done.exit_code == 1
    assert "its hidden question rows were changed, or it was made with another key" in \
        " ".join(done.stderr.split())


def _old_seal(path, bank, code, role, wave):
    """Seal `path` as stocktake did before the respondent was covered (no keyed_seal_method)."""
    wb = load_workbook(path)
    about = wb["About"]
    for row in list(about.iter_rows()):
        if row[0].value in ("keyed_seal_method", "keyed_fields"):
            row[0].value = row[1].value = None
    wb.save(path)
    seal = form_seal(["stocktake response form", bank.id, bank.version, bank.hash, wave, code,
                      role], sorted(_rows(path).items()), KEY)
    set_about(path, {"keyed_seal": seal}, rows_too=False)
    return path


def test_an_old_named_form_is_read_as_it_was_sealed(cli, mini_bank, tmp_path, key_file):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo Bloggs", key=KEY), FILLED)
    _old_seal(form, mini_bank, "E09000007", "council", WAVE)
    assert cli("forms", "import", form, "--key", key_file).exit_code == 0
    # and its old seal still covers the partnership
    set_about(form, {"partnership": "E06000001"}, rows_too=False)
    assert cli("forms", "import", form, "--key", key_file).exit_code == 1


def test_an_old_anonymous_form_is_refused_under_the_key(cli, tmp_path, key_file):
    from stocktake.banks.loading import find_bank

    form = _answer_child(_child_form(cli, tmp_path, key_file, "yp1.xlsx"))
    _old_seal(form, find_bank("children"), "E09000007", "young-people", WAVE)
    done = cli("forms", "import", form, "--key", key_file)
    assert done.exit_code == 1
    assert "does not cover the respondent's reference" in " ".join(done.stderr.split())
    # without the key it is read as any unkeyed form is
    assert cli("forms", "import", form).exit_code == 0
