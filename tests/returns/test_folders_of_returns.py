"""Every file in a folder of returns is accounted for: read, refused with what to do, or passed
over with the reason; the exit code says whether any return could not be read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stocktake.workbooks.exports import gather_export, write_export
from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill

SAVE_AS = "which stocktake does not read: open it and save it as an Excel workbook (.xlsx), " \
          "then add it again"


def other_files(folder: Path, good: Path) -> None:
    """What real folders of returns hold beside the good workbooks."""
    for name in ("camden.ods", "old.xls", "binary.xlsb", "mac.numbers", "answers.csv"):
        shutil.copy(good, folder / name)  # the bytes do not matter: the format is refused
    shutil.copy(good, folder / "~$camden.xlsx")
    (folder / ".~lock.camden.xlsx#").write_text("lock")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "covering letter.pdf").write_bytes(b"%PDF-1.4")


def by_file(report: dict) -> dict[str, tuple[str, str]]:
    seen: dict[str, tuple[str, str]] = {}
    for kind in ("merged", "stored", "rejected", "refused", "skipped"):
        for row in report.get(kind, []):
            assert Path(row["file"]).name not in seen, row
            seen[Path(row["file"]).name] = (kind, row.get("reason", ""))
    return seen


@pytest.fixture
def returns(workspace, mini_bank, tmp_path) -> Path:
    fill_mini(workspace, mini_bank, ("E09000007", "E06000001"))
    folder = tmp_path / "returns"
    good = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        folder)[0]
    write_export(gather_export(workspace, mini_bank, "E06000001", WAVE), "xlsx",
                 folder / "from-the-north-east")
    other_files(folder, good)
    return folder


def test_merge_accounts_for_every_file_in_the_folder(cli, returns, tmp_path):
    result = cli("merge", returns, "--out", tmp_path / "national.xlsx", "--json")
    assert result.exit_code == 1
    seen = by_file(json.loads(result.stdout))
    assert seen == {
        f"E09000007-mini-{WAVE}.xlsx": ("merged", ""),
        f"E06000001-mini-{WAVE}.xlsx": ("merged", ""),  # found in the sub-folder
        "camden.ods": ("rejected", f"an OpenDocument spreadsheet (LibreOffice's own format), "
                                   f"{SAVE_AS}"),
        "old.xls": ("rejected", f"an Excel 97-2003 workbook, {SAVE_AS}"),
        "binary.xlsb": ("rejected", f"an Excel binary workbook, {SAVE_AS}"),
        "mac.numbers": ("rejected", f"an Apple Numbers spreadsheet, {SAVE_AS}"),
        "answers.csv": ("rejected", f"a CSV file, {SAVE_AS}"),
        "~$camden.xlsx": ("skipped", "a lock file left by Excel or LibreOffice while a workbook "
                                     "is open; passed over (close the workbook if its return "
                                     "is missing)"),
        ".~lock.camden.xlsx#": seen[".~lock.camden.xlsx#"],
        ".DS_Store": ("skipped", "a hidden file; passed over"),
        "covering letter.pdf": ("skipped", "not a spreadsheet; passed over"),
    }
    assert seen[".~lock.camden.xlsx#"][1].startswith("a lock file")


def test_merge_says_in_the_terminal_what_happened_to_each_file(cli, returns, tmp_path):
    result = cli("merge", returns, "--out", tmp_path / "national.xlsx")
    text = " ".join(result.stderr.split())
    assert f"Refused: {returns / 'camden.ods'}: an OpenDocument spreadsheet" in text
    assert f"Passed over: {returns / '~$camden.xlsx'}: a lock file" in text
    assert "save it as an Excel workbook (.xlsx)" in text


def test_a_folder_with_only_lock_and_other_files_beside_good_returns_exits_0(cli, workspace,
                                                                            mini_bank,
                                                                            tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    folder = tmp_path / "returns"
    good = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        folder)[0]
    shutil.copy(good, folder / "~$x.xlsx")
    result = cli("merge", folder, "--out", tmp_path / "n.xlsx", "--json")
    assert result.exit_code == 0
    assert [Path(s["file"]).name for s in json.loads(result.stdout)["skipped"]] == ["~$x.xlsx"]


def test_forms_import_accounts_for_every_file_in_the_folder(cli, mini_bank, tmp_path):
    folder = tmp_path / "forms"
    good = fill(create_form(folder / "council.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo"), FILLED)
    (folder / "sub").mkdir()
    fill(create_form(folder / "sub" / "health.xlsx", mini_bank, partnership_for("E09000007"),
                     "health", WAVE, "Hal"), {"vision.statement": "No"})
    other_files(folder, good)
    result = cli("forms", "import", folder, "--json")
    assert result.exit_code == 1
    seen = by_file(json.loads(result.stdout))
    assert seen["council.xlsx"][0] == "stored" and seen["health.xlsx"][0] == "stored"
    assert seen["camden.ods"] == ("refused", f"an OpenDocument spreadsheet (LibreOffice's own "
                                             f"format), {SAVE_AS}")
    assert seen["answers.csv"][0] == "refused" and seen["~$camden.xlsx"][0] == "skipped"
    assert len(seen) == 11


def test_a_spreadsheet_named_directly_in_another_format_is_refused_with_what_to_do(cli,
                                                                                  tmp_path):
    ods = tmp_path / "camden.ods"
    ods.write_bytes(b"PK\x03\x04")
    result = cli("forms", "import", ods)
    assert result.exit_code == 1
    assert "save it as an Excel workbook (.xlsx)" in " ".join(result.stderr.split())


def test_stocktakes_own_csv_exports_beside_the_workbooks_are_passed_over(cli, workspace,
                                                                        mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    folder = tmp_path / "exports"
    for fmt in ("xlsx", "csv", "json"):
        write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), fmt, folder)
    result = cli("merge", folder, "--out", tmp_path / "n.xlsx", "--json")
    assert result.exit_code == 0
    seen = by_file(json.loads(result.stdout))
    assert seen[f"E09000007-mini-{WAVE}.csv"] == (
        "skipped", "a tidy CSV written by `stocktake export`, not a return; passed over")
    assert seen[f"E09000007-mini-{WAVE}-scores.csv"][0] == "skipped"
    assert seen[f"E09000007-mini-{WAVE}.json"] == ("skipped", "not a spreadsheet; passed over")
