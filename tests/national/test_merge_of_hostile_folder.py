"""Issue 28, "done when": a merge over a folder holding one file of each hostile kind and 150
good returns writes the national workbook from the good ones and lists each hostile file with
its reason, in a child process whose memory stays bounded (one stray cell used to abort it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import Workbook, load_workbook

from stocktake.partnerships.model import partnership_for
from stocktake.partnerships.reference import current_authorities
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill
from helpers.hostile_files import (ReAimer, run_bounded, set_about, with_claimed_dimension,
                                   with_far_cell, with_lying_deflate)
from helpers.hostile_files import billion_laughs_workbook, zip_bomb_workbook

GOOD = 150
PEAK_MIB = 300


def _hostile(folder: Path, good: Path, tmp_path: Path, mini_bank) -> dict[str, str]:
    """One file of each kind, named for it; -> file name: a words its refusal must hold."""
    expected = {}
    with_far_cell(good, folder / "stray-cell.xlsx", "Answers")
    expected["stray-cell.xlsx"] = "sheet 'Answers' has a cell at XFD1048576"
    with_lying_deflate(good, folder / "lying-deflate.xlsx", "Answers", pad_mib=128)
    expected["lying-deflate.xlsx"] = "cannot be read"
    shutil.copy(zip_bomb_workbook(tmp_path / "bomb.xlsx"), folder / "zip-bomb.xlsx")
    expected["zip-bomb.xlsx"] = "zip bomb"
    shutil.copy(billion_laughs_workbook(tmp_path), folder / "laughs.xlsx")
    expected["laughs.xlsx"] = "declares a DOCTYPE"
    (folder / "text.xlsx").write_text("partnership,score\nE09000007,3\n", encoding="utf-8")
    expected["text.xlsx"] = "not an Excel workbook"
    (folder / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    expected["old.xlsx"] = "old-style .xls or password-protected"
    edited = shutil.copy(good, folder / "edited.xlsx")
    wb = load_workbook(edited)
    answers = wb["Answers"]
    header = [c.value for c in answers[1]]
    answers.cell(2, header.index("evidence") + 1).value = "changed after export"
    wb.save(edited)
    expected["edited.xlsx"] = "seal"
    aimed = shutil.copy(good, folder / "re-aimed.xlsx")
    set_about(aimed, {"partnership": "E06000002"})  # moved, seal left as it was
    expected["re-aimed.xlsx"] = "seal"
    form = fill(create_form(folder / "a-form.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo"), FILLED)
    expected[form.name] = "forms import"
    book = Workbook()
    book.active.title = "Export Summary"
    book.active.append(["This document was exported from Numbers."])
    book.save(folder / "numbers.xlsx")
    expected["numbers.xlsx"] = "not a stocktake export"
    return expected


def test_a_folder_of_150_returns_and_every_hostile_kind_merges_the_good_ones(
        tmp_path, workspace, mini_bank):
    fill_mini(workspace, mini_bank, ("E09000007",))
    source = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                          tmp_path / "source")[0]
    folder = tmp_path / "returns"
    folder.mkdir()
    aimer = ReAimer(source, mini_bank)
    authorities = [a for a in current_authorities() if a.code != "E09000007"][:GOOD - 1]
    good = [shutil.copy(source, folder / source.name)]
    for a in authorities:
        good.append(aimer.copy(a.code, a.name, folder / f"{a.code}-mini-{WAVE}.xlsx"))
    # A stale <dimension> claiming the whole grid is not hostile: read as its cells are.
    claimed = with_claimed_dimension(good[-1], tmp_path / "claimed.xlsx", "Answers")
    shutil.move(claimed, good[-1])
    expected = _hostile(folder, source, tmp_path, mini_bank)
    out = tmp_path / "national.xlsx"
    code, stdout, stderr, peak = run_bounded(["-w", tmp_path / "ws", "merge", folder, "--out",
                                              out, "--json"], memory_mib=1024)
    assert code == 1, stderr[-2000:]  # some were refused
    report = json.loads(stdout)
    merged = sorted(Path(m["file"]).name for m in report["merged"])
    assert merged == sorted(p.name for p in good)
    refused = {Path(r["file"]).name: r["reason"] for r in report["rejected"]}
    assert sorted(refused) == sorted(expected), refused
    for name, words in expected.items():
        assert words in refused[name], (name, refused[name])
    wb = load_workbook(out, read_only=True)
    codes = {row[0] for row in wb["Scores"].iter_rows(min_row=2, values_only=True) if row[0]}
    wb.close()
    assert codes == {"E09000007", *(a.code for a in authorities)}
    assert peak is not None and peak < PEAK_MIB, peak
