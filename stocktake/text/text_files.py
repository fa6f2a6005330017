"""Reading a text file someone made (bank TOML, answers CSV/JSON, roster CSVs) as the text meant.

Notepad and Excel save "UTF-8" with a byte-order mark; Excel's "Unicode text" is UTF-16; a
spreadsheet is sometimes passed where a CSV was meant. One reader serves every text input, so
each of these is read, or refused naming the encoding and the fix, the same way everywhere.

Files over :data:`MAX_TEXT_FILE_BYTES` are refused before they are read: a bank has a few hundred
questions, so its answers (even with long evidence) and a roster of every English authority take
well under a megabyte, and a file thousands of times larger is a mistake, not a return.

    text = read_text_file(Path("answers.csv"), save_as="CSV UTF-8 (Comma delimited)")
"""

from __future__ import annotations

from pathlib import Path

from stocktake.errors import StocktakeError

MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
WIDE_MARKS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_text_file(path: Path, *, save_as: str = "UTF-8 text", option: str = "",
                   max_bytes: int = MAX_TEXT_FILE_BYTES) -> str:
    """The file's text, decoded as UTF-8 with or without a byte-order mark.

    Raises StocktakeError naming the file for: a missing file or a folder, a file over
    `max_bytes`, a spreadsheet or other binary file, UTF-16/UTF-32 text, and bytes that are not
    UTF-8 (with the line they are on). `save_as` names what to save the file as in the hint;
    `option` (e.g. "--answers") names where the path was given.
    """
    path = Path(path)
    given = f"check the path given to {option}" if option else "check the path"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise StocktakeError(f"{path}: no such file", hint=given)
    except OSError as exc:
        raise StocktakeError(f"{path}: cannot read ({exc.strerror})", hint=given)
    if path.is_dir():
        raise StocktakeError(f"{path}: is a folder, not a file", hint=given)
    if size > max_bytes:
        raise StocktakeError(
            f"{path}: {_mib(size)} is too large; files over {_mib(max_bytes)} are refused",
            hint="a bank's answers or a list of partnerships take well under 1 MiB; check that "
                 "this is the file you meant")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StocktakeError(f"{path}: cannot read ({exc.strerror})", hint=given)
    return decode_text(raw, path, save_as=save_as)


def decode_text(raw: bytes, path: Path | str, *, save_as: str = "UTF-8 text") -> str:
    """`raw` as text by the rules of :func:`read_text_file` (BOM dropped, wide text refused)."""
    hint = f"open it and save it again as {save_as}"
    for mark, name in WIDE_MARKS:
        if raw.startswith(mark):
            raise StocktakeError(f"{path}: saved as {name} text (Excel's \"Unicode text\" or "
                                 "Notepad's \"Unicode\"), not UTF-8", hint=hint)
    if raw.startswith(ZIP_MAGIC) or raw.startswith(OLE_MAGIC):
        raise StocktakeError(f"{path}: a spreadsheet or other Office file, not a text file",
                             hint=hint)
    head = raw[:200]
    if head and head.count(b"\x00") * 4 >= len(head):
        # UTF-16 without a byte-order mark: every other byte of plain text is zero.
        raise StocktakeError(f"{path}: saved as UTF-16 text without a byte-order mark, not "
                             "UTF-8", hint=hint)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise StocktakeError(f"{path}: line {line}: not UTF-8 text (perhaps saved as ANSI or "
                             "Windows-1252)", hint=hint)
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise StocktakeError(f"{path}: line {line}: holds a NUL byte; not a text file", hint=hint)
    return text


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MiB".replace(".0 MiB", " MiB")
