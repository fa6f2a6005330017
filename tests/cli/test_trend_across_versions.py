"""`stocktake trend` across two versions of a bank: areas matched by id, the change named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

V1 = '''
id = "versioned"
title = "Versioned bank"
version = "{version}"
description = "Test bank in two versions."

[[roles]]
id = "council"
title = "Council"

[[areas]]
id = "vision"
title = "Vision"
description = "x"

[[areas]]
id = "{second}"
title = "Second area"
description = "x"

[[questions]]
id = "vision.statement"
area = "vision"
type = "yesno"
text = "Is there a vision?"

[[questions]]
id = "{second}.q"
area = "{second}"
type = "yesno"
text = "A question."
'''


def write(tmp_path: Path, version: str, second: str) -> Path:
    path = tmp_path / f"versioned-{version}.toml"
    path.write_text(V1.format(version=version, second=second), encoding="utf-8")
    return path


@pytest.mark.store_damaged_on_purpose(
    "answers to two editions of a bank given only by file, which doctor cannot look up by id")
def test_trend_across_bank_versions_compares_areas_by_id_and_says_the_version_changed(
        cli, tmp_path):
    old = write(tmp_path, "1.0", "risk")
    new = write(tmp_path, "2.0", "workforce")
    ws = Workspace.open(tmp_path / "ws")
    for wave, bank_version, area, vision in (("2025-26", "1.0", "risk", "no"),
                                            ("2026-27", "2.0", "workforce", "yes")):
        ws.save_answers(ResponseKey("E09000007", "versioned", wave, "Director"),
                        [Answer("vision.statement", ANSWERED, vision),
                         Answer(f"{area}.q", ANSWERED, "yes")],
                        role="council", bank_version=bank_version)
    result = cli("trend", "E09000007", "--bank", new, "--from-bank", old,
                 "--from", "2025-26", "--to", "2026-27", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["versions"] == {"from": ["1.0"], "to": ["2.0"], "changed": True}
    areas = {a["id"]: a for a in data["areas"]}
    assert (areas["vision"]["from"], areas["vision"]["to"], areas["vision"]["change"]) == \
        (0.0, 100.0, 100.0)
    assert areas["workforce"]["from"] is None and areas["workforce"]["to"] == 100.0
    assert areas["risk"]["from"] == 100.0 and areas["risk"]["to"] is None
    text = cli("trend", "E09000007", "--bank", new, "--from-bank", old,
               "--from", "2025-26", "--to", "2026-27")
    assert "version changed: 1.0 in 2025-26, 2.0 in 2026-27" in " ".join(text.stdout.split())
    assert "compared by id" in text.stdout


def test_trend_within_one_version_says_nothing_of_versions(cli, tmp_path, monkeypatch):
    bank = write(tmp_path, "1.0", "risk")
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(tmp_path))  # for `stocktake doctor` to use it
    ws = Workspace.open(tmp_path / "ws")
    for wave in ("2025-26", "2026-27"):
        ws.save_answers(ResponseKey("E09000007", "versioned", wave, "Director"),
                        [Answer("vision.statement", ANSWERED, "yes")], role="council",
                        bank_version="1.0")
    result = cli("trend", "E09000007", "--bank", bank, "--from", "2025-26", "--to", "2026-27")
    assert result.exit_code == 0, result.output
    assert "version changed" not in result.stdout
    data = json.loads(cli("trend", "E09000007", "--bank", bank, "--from", "2025-26",
                          "--to", "2026-27", "--json").stdout)
    assert data["versions"]["changed"] is False


def test_from_bank_of_another_bank_is_refused(cli, tmp_path, mini_bank):
    bank = write(tmp_path, "1.0", "risk")
    result = cli("trend", "E09000007", "--bank", bank, "--from-bank", "mini",
                 "--from", "2025-26", "--to", "2026-27")
    assert result.exit_code == 1 and "not an edition of 'versioned'" in result.output
