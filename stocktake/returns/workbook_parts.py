"""Finding the parts of an .xlsx by what workbook.xml and its relationships say, without parsing
XML (regular expressions over bytes, which expand no entities), and naming cells.

    part = sheet_part(archive, set(archive.namelist()), "Answers")  # "xl/worksheets/sheet2.xml"
    cell_ref(12, 6)                                                  # "F12"
"""

from __future__ import annotations

import re
from typing import Any


def cell_ref(row: int, col: int) -> str:
    """1-based row and column -> "F12"."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*?)/?>")
_RELATION_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*?)/?>")


def _attributes(raw: bytes) -> dict[str, str]:
    """A tag's attributes by local name, XML escapes undone."""
    from html import unescape

    found = {}
    for name, double, single in _ATTRIBUTE.findall(raw):
        local = name.rsplit(b":", 1)[-1].decode("utf-8", "replace")
        found[local] = unescape((double or single).decode("utf-8", "replace"))
    return found


def sheet_names_in_book(archive: Any, names: set[str]) -> list[str] | None:
    """The sheet names workbook.xml lists, or None when it has none to read."""
    book = "xl/workbook.xml"
    if book not in names:
        return None
    return [_attributes(tag.group(1)).get("name", "")
            for tag in _SHEET_TAG.finditer(archive.read(book))]


def sheet_part(archive: Any, names: set[str], sheet: str) -> str | None:
    """The zip member holding the sheet named `sheet`, through workbook.xml and its rels."""
    book, rels = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    if book not in names or rels not in names:
        return None
    rel_id = None
    for tag in _SHEET_TAG.finditer(archive.read(book)):
        attrs = _attributes(tag.group(1))
        if attrs.get("name") == sheet:
            rel_id = attrs.get("id")
            break
    if rel_id is None:
        return None
    for tag in _RELATION_TAG.finditer(archive.read(rels)):
        attrs = _attributes(tag.group(1))
        if attrs.get("Id") == rel_id:
            target = attrs.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return part if part in names else None
    return None
