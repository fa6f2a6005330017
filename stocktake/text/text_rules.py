"""The one rule for text that will go into a workbook: what is stored is what comes back.

An export is sealed over the workspace's text; a spreadsheet program, or the library that reads
it back, changes some text on the way, and then the merge either refuses an honest workbook as
"edited" or stores something other than what was typed. The kinds, each handled at input so
that export -> Excel or LibreOffice -> merge gives back exactly what the workspace holds:

- **line ends**: XML readers turn CR into LF (the standard library's writer, not lxml's, leaves
  a bare CR for the reader to change), and Windows gives CR LF: stored as LF, always.
- **characters XML 1.0 cannot hold** (C0 controls other than tab and line feed, U+FFFE, U+FFFF,
  lone surrogates): a writer must drop them, so they are refused, naming the field.
- **`_xHHHH_` sequences**: Excel, LibreOffice and calamine read `_x0041_` as the character
  U+0041, openpyxl as the seven characters: refused, naming the field.
- **length**: a cell holds at most 32,767 characters; Excel and LibreOffice cut the rest on
  saving: refused, naming the field.

    evidence = checked_text(raw, "line 4: evidence")          # normalised, or StocktakeError
    problem = text_problem(raw)                              # the reason, or None

Every input route (interview prompts, `--answers` files, forms) calls one of these; workbook
writers call :func:`cell_text` so that old data written before the rule behaves the same with
and without lxml.
"""

from __future__ import annotations

import re
from typing import Any

from stocktake.errors import StocktakeError

MAX_CELL_TEXT = 32_767
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def normalise_line_ends(text: str) -> str:
    """CR LF and lone CR as LF."""
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def text_problem(text: Any) -> str | None:
    """Why `text` cannot go into a workbook and come back the same, or None if it can.

    Line ends are not a problem: :func:`checked_text` normalises them.
    """
    if not isinstance(text, str):
        return None
    if len(text) > MAX_CELL_TEXT:
        return (f"is {len(text):,} characters; a spreadsheet cell holds at most "
                f"{MAX_CELL_TEXT:,}: shorten it, or refer to a document instead")
    bad = _XML_ILLEGAL.search(text)
    if bad:
        from stocktake.text.terminal_text import describe_character

        return (f"holds the control character {describe_character(bad.group())} at position "
                f"{bad.start() + 1}, which a workbook cannot hold: remove it")
    escape = _ESCAPE.search(text)
    if escape:
        return (f"holds '{escape.group()}', which spreadsheet programs read as an escaped "
                "character: write it another way (e.g. with a space after the underscore)")
    return None


def checked_text(text: Any, field: str) -> Any:
    """`text` with its line ends normalised; StocktakeError naming `field` if it cannot go into
    a workbook unchanged. Anything that is not a str is returned as it is."""
    if not isinstance(text, str):
        return text
    text = normalise_line_ends(text)
    problem = text_problem(text)
    if problem:
        raise StocktakeError(f"{field}: the text {problem}")
    return text


def cell_text(text: str) -> str:
    """Text as a workbook writer should put it in a cell: line ends as LF, so the file is the
    same whichever XML library openpyxl uses (lxml keeps a bare CR, the standard library's
    reader turns it into LF)."""
    return normalise_line_ends(text)
