"""Hostile and broken workbooks are refused, named and fast, before anything parses them."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from stocktake.returns.file_checks import WorkbookRefused, check_workbook_file, safe_load_workbook

from helpers.hostile_files import (BILLION_LAUGHS, billion_laughs_workbook, real_workbook,
                                   replace_part, zip_bomb_workbook)


EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
    '</worksheet>')


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    return zip_bomb_workbook(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def refusal(path: Path) -> tuple[WorkbookRefused, float]:
    started = time.monotonic()
    with pytest.raises(WorkbookRefused) as caught:
        check_workbook_file(path)
    return caught.value, time.monotonic() - started


def test_a_real_workbook_passes_and_loads(tmp_path):
    path = real_workbook(tmp_path / "ok.xlsx")
    check_workbook_file(path)
    wb = safe_load_workbook(path)
    assert wb.active["A1"].value == "Camden"


def test_billion_laughs_workbook_is_refused_fast_naming_the_doctype(tmp_path):
    path = billion_laughs_workbook(tmp_path)
    refused, seconds = refusal(path)
    assert seconds < 10
    assert str(path) in refused.message
    assert "DOCTYPE" in refused.reason and "xl/worksheets/sheet1.xml" in refused.reason


def test_external_entity_workbook_is_refused(tmp_path):
    path = replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "xxe.xlsx",
                        "xl/worksheets/sheet1.xml", EXTERNAL_ENTITY)
    refused, _ = refusal(path)
    assert "DOCTYPE" in refused.reason


def test_entity_declared_in_utf16_xml_is_still_found(tmp_path):
    path = replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "utf16.xlsx",
                        "xl/worksheets/sheet1.xml",
                        EXTERNAL_ENTITY.replace('"1.0"', '"1.0" encoding="UTF-16"').encode("utf-16"))
    refused, _ = refusal(path)
    assert "DOCTYPE" in refused.reason


def test_doctype_hidden_past_the_scanned_window_is_refused_by_the_parser(tmp_path):
    padded = BILLION_LAUGHS.replace("\n<!DOCTYPE", "\n<!--" + "x" * 70_000 + "-->\n<!DOCTYPE", 1)
    path = replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "padded.xlsx",
                        "xl/worksheets/sheet1.xml", padded)
    check_workbook_file(path)  # the cheap check cannot see it ...
    started = time.monotonic()
    with pytest.raises(WorkbookRefused, match="cannot be read as a workbook"):
        safe_load_workbook(path)  # ... but defusedxml refuses to expand it
    assert time.monotonic() - started < 10


def test_zip_bomb_of_one_gibibyte_is_refused_from_the_central_directory(zip_bomb):
    assert zip_bomb.stat().st_size < 8 * 1024 * 1024
    refused, seconds = refusal(zip_bomb)
    assert seconds < 1
    assert refused.reason.startswith("zip bomb")
    assert "xl/worksheets/sheet1.xml" in refused.reason


def test_many_moderately_compressed_parts_above_the_total_limit_are_refused(tmp_path):
    path = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(4):
            info = zipfile.ZipInfo(f"xl/media/image{n}.bin")
            archive.writestr(info, b"")
    # Forge declared sizes in the central directory: the check must trust nothing it decompresses.
    raw = bytearray(path.read_bytes())
    start = raw.rfind(b"PK\x01\x02")
    while start != -1:
        if raw[start + 46:start + 46 + 9] == b"xl/media/":
            raw[start + 20:start + 24] = (1024 * 1024).to_bytes(4, "little")  # 100:1, allowed
            raw[start + 24:start + 28] = (100 * 1024 * 1024).to_bytes(4, "little")
        start = raw.rfind(b"PK\x01\x02", 0, start)
    path.write_bytes(bytes(raw))
    refused, _ = refusal(path)
    assert "above the limit" in refused.reason


def test_text_file_named_xlsx_is_refused_as_not_a_workbook(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("code,score\nE09000007,3\n", encoding="utf-8")
    refused, seconds = refusal(path)
    assert seconds < 1
    assert refused.reason == "not an Excel workbook (not a zip archive)"


def test_old_xls_or_password_protected_file_is_refused_with_its_own_reason(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    refused, _ = refusal(path)
    assert "old-style .xls" in refused.reason


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    refused, _ = refusal(path)
    assert "no [Content_Types].xml" in refused.reason


def test_xlsm_with_vba_project_is_refused_as_macro_enabled(tmp_path):
    path = replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "macros.xlsm",
                        "", b"", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"})
    refused, seconds = refusal(path)
    assert seconds < 1
    assert "macro-enabled" in refused.reason


def test_vba_project_inside_a_file_named_xlsx_is_refused(tmp_path):
    path = replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "renamed.xlsx",
                        "", b"", extra={"xl/vbaProject.bin": b"vba"})
    refused, _ = refusal(path)
    assert "xl/vbaProject.bin" in refused.reason


def test_macro_content_type_is_refused(tmp_path):
    plain = real_workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("spreadsheetml.sheet.main+xml",
                          "ms-excel.sheet.macroEnabled.main+xml")
    path = replace_part(plain, tmp_path / "typed.xlsx", "[Content_Types].xml", types)
    refused, _ = refusal(path)
    assert "macro" in refused.reason


def test_missing_file_is_refused_naming_it(tmp_path):
    refused, _ = refusal(tmp_path / "nowhere.xlsx")
    assert "nowhere.xlsx" in refused.message and refused.reason == "no such file"


def test_truncated_workbook_is_refused_not_a_crash(tmp_path):
    data = real_workbook(tmp_path / "plain.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused, _ = refusal(path)
    assert "not a zip archive" in refused.reason


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
