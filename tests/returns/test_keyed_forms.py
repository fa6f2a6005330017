"""Forms made with the national team's key: `forms import --key` takes only forms it issued,
for the partnership, role and wave they were issued for."""

from __future__ import annotations

import json

from stocktake.partnerships.model import partnership_for
from stocktake.store.workspace import Workspace
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE
from helpers.forms import FILLED, fill
from helpers.hostile_files import set_about
from helpers.seal_key import KEY


def keyed_form(mini_bank, tmp_path, name="f.xlsx", key=KEY):
    return fill(create_form(tmp_path / name, mini_bank, partnership_for("E09000007"), "council",
                            WAVE, "Jo", key=key), FILLED)


def test_a_keyed_form_imports_with_the_key(cli, mini_bank, tmp_path, key_file):
    form = keyed_form(mini_bank, tmp_path)
    done = cli("forms", "import", form, "--key", key_file, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["stored"][0]["partnership"] == "E09000007"


def test_a_keyed_form_moved_to_another_partnership_is_refused(cli, mini_bank, tmp_path,
                                                             key_file):
    form = keyed_form(mini_bank, tmp_path)
    set_about(form, {"partnership": "E06000001"}, rows_too=False)
    done = cli("forms", "import", form, "--key", key_file)
    assert done.exit_code == 1
    assert "the form's keyed seal does not verify" in " ".join(done.stderr.split())
    assert Workspace.open(tmp_path / "ws").responses() == []


def test_a_form_without_a_keyed_seal_is_refused_with_the_key(cli, mini_bank, tmp_path,
                                                            key_file):
    form = keyed_form(mini_bank, tmp_path, key=None)
    done = cli("forms", "import", form, "--key", key_file)
    assert done.exit_code == 1
    assert "no keyed seal in the form's About sheet" in " ".join(done.stderr.split())


def test_a_form_made_with_another_key_is_refused(cli, mini_bank, tmp_path, key_file):
    form = keyed_form(mini_bank, tmp_path, key=b"another-key-0123456789abcdef")
    done = cli("forms", "import", form, "--key", key_file)
    assert done.exit_code == 1 and "keyed seal does not verify" in " ".join(done.stderr.split())


def test_forms_create_takes_the_key_from_a_file(cli, tmp_path, key_file):
    out = tmp_path / "f.xlsx"
    assert cli("forms", "create", "E09000007", "--bank", "mini", "--role", "council", "--wave",
               WAVE, "--key", key_file, "--out", out).exit_code == 0
    fill(out, FILLED, name="Jo")
    done = cli("forms", "import", out, "--key", key_file)
    assert done.exit_code == 0, done.output
    stored = Workspace(tmp_path / "ws").responses("E09000007", "mini", WAVE)
    assert [r.key.respondent for r in stored] == ["Jo"]
    assert stored[0].answers["vision.statement"].value == "yes"
