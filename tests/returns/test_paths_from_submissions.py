"""The property of test_paths_from_files for XLSForm submissions (ODK Central CSV): no value in
a submission makes stocktake write outside the workspace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.path_safety import HOSTILE, inside, WriteAudit
from helpers.paths import DATA

pytest.importorskip("pyxform")
WAVE = "2026-27"


@pytest.fixture(scope="module")
def odk(tmp_path_factory):
    from stocktake.banks.loading import load_bank
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform

    bank = load_bank(DATA / "mini.toml")
    sheets = xlsform_sheets(bank, [("E09000007", "Camden")])
    row = {"instance": "6f1c2a9e-0000-4000-8000-000000000001",
           "stocktake_form": form_identity(bank), "partnership": "E09000007",
           "role": "council", "respondent": "Director", "vision.statement": "yes",
           "vision.statement_evidence": "CYPP p4", "risk.barrier": "Recruitment"}
    return {"sheets": sheets, "xform": convert_xlsform(xlsform_bytes(sheets)).xform,
            "version": form_version(bank), "row": row}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(key=st.sampled_from(["partnership", "role", "respondent", "stocktake_form", "instance",
                            "risk.barrier", "vision.statement_evidence"]),
       value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)))
def test_no_submission_makes_stocktake_write_outside_the_workspace(cli, odk, tmp_path,
                                                                   monkeypatch, key, value):
    from helpers.xlsform_builders import central_csv

    WriteAudit.install()
    run = Path(tempfile.mkdtemp(dir=tmp_path))
    ws_dir, scratch = run / "ws", run / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    source = central_csv(run / "submissions.csv", odk["xform"], odk["sheets"],
                         [{**odk["row"], key: value.replace("\x00", "")}],
                         version=odk["version"])
    WriteAudit.active = []
    try:
        result = cli("submissions", "import", source, "--bank", "mini", "--wave", WAVE,
                     workspace=ws_dir)
    finally:
        written, WriteAudit.active = WriteAudit.active, None
    assert "Internal error" not in result.output
    roots = [Path(os.path.realpath(p)) for p in (ws_dir, scratch)]
    assert [p for p in written if not inside(p, roots)] == [], (key, value)


def test_the_submission_the_property_alters_is_stored_unaltered(cli, odk, tmp_path):
    """So the property above exercises the storing route, not only refusals."""
    from helpers.xlsform_builders import central_csv

    source = central_csv(tmp_path / "s.csv", odk["xform"], odk["sheets"], [odk["row"]],
                         version=odk["version"])
    result = cli("submissions", "import", source, "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ws" / "partnerships" / "E09000007.json").exists()
