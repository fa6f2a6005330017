"""The identifiers that name things in the workspace, checked the same way on every route.

A partnership code names a store file (`partnerships/<CODE>.json`), a bank id and a wave name
output files (`<stem>-<bank>-<wave>.xlsx`), and all three arrive not only from the command line
but from returned forms' and exports' About sheets, answers files and CSV rosters. A value from
a file is as untrusted as one typed: `../../outside/config` in an About sheet must be refused
exactly as it would be on the command line. So every route calls these checks, and store paths
are built only from values that passed them.

    code = checked_code(about["partnership"], where="returns/x.xlsx: About!B8")
    wave = checked_wave(about["wave"], where="returns/x.xlsx: About")
    bank_id = checked_bank_id(about["bank"], where="returns/x.xlsx: About")

Each returns the value normalised (stripped; a GSS code upper-cased) or raises
:class:`~stocktake.errors.StocktakeError` naming `where` and the value, printed safely.
"""

from __future__ import annotations

import re
from typing import Any

from stocktake.errors import StocktakeError
from stocktake.partnerships.reference import is_gss_code

# Codes name files in the workspace, so they stay to safe characters: no separators, no dots,
# nothing a file system treats specially.
OTHER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# Bank ids follow bank_validation's rule, with no leading dot and no path separators; a bank id
# from a file must never be taken for a path to a TOML file.
BANK_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
WAVE = re.compile(r"^(\d{4})-(\d{2})$")
# Windows device names cannot be file names there, whatever follows the dot.
_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in range(1, 10)}
                          | {f"LPT{n}" for n in range(1, 10)})


def shown(value: Any) -> str:
    """A value for a message: repr-escaped, so control characters in it print as escapes."""
    text = value if isinstance(value, str) else str(value)
    return ascii(text[:80])[1:-1] + ("..." if len(text) > 80 else "")


def _where(where: str) -> str:
    return f"{where}: " if where else ""


def is_valid_code(code: Any) -> bool:
    """True for a code that may name a store file (a GSS code or a safe code of one's own)."""
    # fullmatch: `match` with `$` would let a trailing newline through ("E09000007\n").
    return isinstance(code, str) and bool(OTHER_CODE.fullmatch(code)) and \
        code.upper() not in _DEVICE_NAMES


def checked_code(raw: Any, where: str = "") -> str:
    """A partnership code fit to name a file; StocktakeError otherwise."""
    text = raw.strip() if isinstance(raw, str) else ""
    if is_gss_code(text.upper()):
        return text.upper()
    if not is_valid_code(text):
        raise StocktakeError(
            f"{_where(where)}'{shown(raw)}' is not a usable partnership code",
            hint="a code is a GSS code such as E09000007, or letters, digits, '-' and '_' (up "
                 "to 40)")
    return text


def checked_wave(raw: Any, where: str = "") -> str:
    """A wave in `2026-27` form, the years consecutive; StocktakeError otherwise."""
    text = raw.strip() if isinstance(raw, str) else ""
    match = WAVE.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise StocktakeError(f"{_where(where)}'{shown(raw)}' is not a wave",
                             hint="a wave is a financial year such as 2026-27")
    return text


def checked_bank_id(raw: Any, where: str = "") -> str:
    """A bank id (never a path); StocktakeError otherwise."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not BANK_ID.match(text) or ".." in text or text.endswith(".toml"):
        raise StocktakeError(f"{_where(where)}'{shown(raw)}' is not a bank id",
                             hint="a bank id is lower-case letters, digits, '.', '-' and '_'")
    return text
