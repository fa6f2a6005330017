"""Text that reaches a terminal: control characters refused on the way in, escaped on the way out.

A name typed into a returned form as `Eve_x001B_]0;PWNED_x0007_` (which spreadsheet readers
decode to ESC ... BEL) would, printed raw, set the window title or clear the screen; a right-to-left
override (U+202E) makes `Eve<RLO>fdp.exe` read as `Eveexe.pdf`. So:

- On input, names, codes and other one-line fields refuse every C0 and C1 control character and
  the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069); evidence
  and text answers may also hold newlines, tabs and carriage returns (line ends), nothing else.
  The left-to-right and right-to-left marks (U+200E, U+200F) are allowed in names: they cannot
  reorder text beyond a neutral character, and right-to-left names need them.
- On output, every piece of text the CLI prints goes through :func:`escape_controls` (the CLI's
  consoles apply it to everything they render), which shows such characters as `\\x1b` or
  `\\u202e`, so nothing typed or read from a file is ever interpreted by the terminal.
- Output streams that cannot encode a character (a Latin-1 locale, `PYTHONIOENCODING=cp1252`)
  get plain fall-backs for the drawing characters (`#` for a bar, `-` for a box line, `...` for
  the ellipsis) and `?` for anything else, instead of a UnicodeEncodeError.

    check_line("Eve\\x1b]0;PWNED\\x07", "the respondent's name")   # raises StocktakeError
    escape_controls("Eve\\x1b[2J")                                   # 'Eve\\\\x1b[2J'
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from stocktake.errors import StocktakeError

# C0 (but tab and newline), DEL, C1; the bidi embeddings/overrides and isolates.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_OUTPUT_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# Lone surrogates too: they are what bytes that are not UTF-8 become in a command-line argument.
_LINE_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_TEXT_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")

# unicodedata has no names for controls; these are the ones people meet (C1 from cp1252 text
# read as Latin-1, or pasted from a terminal).
_NAMES = {0x1b: "ESC", 0x07: "BEL", 0x08: "BS", 0x0d: "CR", 0x0a: "LF", 0x09: "TAB",
          0x00: "NUL", 0x7f: "DEL", 0x85: "NEL", 0x90: "DCS", 0x9b: "CSI", 0x9c: "ST",
          0x9d: "OSC"}


def escape_controls(text: str) -> str:
    """`text` with every control character but newline and tab (and every bidi override or
    isolate) shown as a Python-style escape. Idempotent: an escaped text has nothing left to
    escape."""
    if not _OUTPUT_UNSAFE.search(text):
        return text
    return _OUTPUT_UNSAFE.sub(_escape_one, text)


def _escape_one(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xff else f"\\u{code:04x}"


def describe_character(char: str) -> str:
    """'U+001B (ESC)', 'U+202E (RIGHT-TO-LEFT OVERRIDE)': a character named for a message."""
    code = ord(char)
    if 0xd800 <= code <= 0xdfff:
        return f"U+{code:04X} (not a character: bytes that are not UTF-8)"
    name = _NAMES.get(code) or unicodedata.name(char, "control character")
    return f"U+{code:04X} ({name})"


def check_line(value: str, field: str) -> str:
    """A one-line value (name, code, region, adviser) with no control or bidi override
    character; raises StocktakeError naming the field, the character and its position."""
    return _check(value, field, _LINE_UNSAFE, "a name or code")


def check_text(value: str, field: str) -> str:
    """Evidence or a text answer: newlines, tabs and carriage returns allowed, no other control
    character or bidi override; raises StocktakeError naming the field and the character."""
    return _check(value, field, _TEXT_UNSAFE, "text")


def _check(value: str, field: str, pattern: re.Pattern, kind: str) -> str:
    if not isinstance(value, str):
        return value
    found = pattern.search(value)
    if found is None:
        return value
    shown = escape_controls(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise StocktakeError(
        f"{field} '{shown}' holds {describe_character(found.group())} at character "
        f"{found.start() + 1}; {kind} cannot hold control characters or text-direction "
        "overrides",
        hint="type it again without them (they can hide or reorder text, or take over a "
             "terminal); in a spreadsheet, look for _x001B_-style codes in the cell")


def check_answer_texts(respondent: str, adviser: str, answers) -> None:
    """Everything of one response that is text typed or read from a file: the respondent's and
    adviser's names (one line), each answer's evidence and text value (newlines allowed), and
    each chosen option id (one line). Raises StocktakeError for the first bad one."""
    check_line(respondent, "the respondent's name")
    check_line(adviser or "", "the adviser's name")
    for answer in answers:
        where = f"the answer to {answer.question}"
        check_line(answer.question, "a question id")
        check_text(answer.evidence or "", f"the evidence for {answer.question}")
        value = answer.value
        if isinstance(value, str):
            check_text(value, where)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, str):
                    check_line(item, where)


# ---------------------------------------------------------------- encodings

# Plain stand-ins for the drawing characters stocktake prints, for streams that cannot encode
# them; everything else unencodable becomes '?'.
FALLBACKS = {
    "█": "#", "▉": "#", "▊": "#", "▋": "#", "▌": "#", "▍": "+", "▎": "+", "▏": "+",
    "▒": "=", "─": "-", "━": "-", "│": "|", "┃": "|", "├": "|", "┤": "|", "┼": "+",
    "┌": "+", "┐": "+", "└": "+", "┘": "+", "┏": "+", "┓": "+", "┗": "+", "┛": "+",
    "┡": "+", "┩": "+", "╇": "+", "┳": "+", "┻": "+", "╸": "-", "╺": "-",
    "◆": "*", "▲": "^", "▼": "v", "–": "-", "—": "-", "·": "-", "…": "...", "•": "*",
    "✓": "v", "✗": "x", "→": "->", "←": "<-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "≥": ">=", "≤": "<=", "×": "x",
}
ERROR_HANDLER = "stocktake-fallback"


def _fallback(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    replacement = []
    for char in bad:
        plain = FALLBACKS.get(char)
        if plain is None:
            # é -> e where the stream lacks it; ? for what has no plain letter (Ł, 中)
            stripped = "".join(c for c in unicodedata.normalize("NFKD", char)
                               if not unicodedata.combining(c))
            plain = stripped if stripped and stripped.isascii() else "?"
        replacement.append(plain)
    return "".join(replacement), error.end


codecs.register_error(ERROR_HANDLER, _fallback)


def can_encode(encoding: str | None, text: str) -> bool:
    try:
        text.encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def is_unicode_encoding(encoding: str | None) -> bool:
    """True for UTF-8/16/32 streams, which encode every character."""
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def make_stream_safe(stream) -> None:
    """Let a text stream write plain fall-backs for what its encoding lacks instead of raising
    UnicodeEncodeError."""
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or encoding is None:
        return
    # UTF streams too: a lone surrogate ("\ud800" read from a JSON file) cannot be encoded.
    try:
        reconfigure(errors=ERROR_HANDLER)
    except (ValueError, OSError):  # a closed or detached stream: nothing to protect
        pass
