"""Finding and loading question banks: from TOML files (checked whole, then built), on the
search path (STOCKTAKE_BANK_PATH, then the shipped banks), by id or path, each read once.

    bank = find_bank("idea-stocktake")          # or a path to a .toml file
    banks, broken = scan_banks()                # every bank found, and the files that are not
"""

from __future__ import annotations

from stocktake.banks.model import Bank, bank_from_data

import os
from functools import cache
from pathlib import Path

from stocktake.records.responses import AGE_BANDS, AgeBand  # noqa: F401 - a respondent's age band
from stocktake.errors import StocktakeError

from stocktake.banks.format import (DEFAULT_MIN_COUNT, DEFAULT_MIN_COVERAGE, DEFAULT_MIN_ROLES,  # noqa: E402,F401
                                    DEFAULT_PARTNERSHIP_SCORE, MAX_AGE, MIN_AGE,
                                    PARTNERSHIP_SCORE_METHODS, QUESTION_TYPES, SCORED_BY_DEFAULT,
                                    read_bank_toml)




def load_bank(path: Path) -> Bank:
    """Read, validate and build one bank; every problem is listed in the error's details."""
    from stocktake.banks.validation import validate_bank_data
    from stocktake.text.problems import listed

    path = Path(path)
    data = read_bank_toml(path)
    # A bank whose only problems are in its links still loads (they change no question, and an
    # older edition kept for `trend --from-bank` must open); `banks validate` names them.
    problems = [p for p in validate_bank_data(data, path) if not p.links_only]
    if problems:
        raise StocktakeError(
            f"{path}: {len(problems)} problem(s) in the bank",
            hint=f"fix them, then check with `stocktake banks validate {path}`",
            details=listed([p.render() for p in problems]))
    return bank_from_data(data, source=path)


# ---------------------------------------------------------------- finding


def shipped_banks_dir() -> Path:
    """The shipped banks: inside the installed package, or `question_banks/` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the stocktake package
    installed = here / "question_banks"
    if installed.is_dir():
        return installed
    return here.parent / "question_banks"


def bank_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("STOCKTAKE_BANK_PATH", "").split(os.pathsep) if p]
    dirs.append(shipped_banks_dir())
    return dirs


def bank_files() -> list[Path]:
    files: list[Path] = []
    for folder in bank_dirs():
        if folder.is_dir():
            # BANK.TOML from Windows counts too: the suffix is matched whatever its case.
            files.extend(sorted(p for p in folder.iterdir()
                                if p.suffix.lower() == ".toml" and p.is_file()))
    return files


@cache
def _load_cached(path: str, mtime_ns: int) -> Bank:
    return load_bank(Path(path))


def load_bank_cached(path: Path) -> Bank:
    return _with_min_count(_load_cached(str(path), path.stat().st_mtime_ns))


# A command's --min-count: every bank the command finds publishes to it in place of the
# bank's own `min_count` (set by the CLI once per command; None: the bank's own).
_min_count_override: int | None = None


def set_min_count(n: int | None) -> None:
    """Make every bank found from now on (find_bank, available_banks) carry `min_count` n;
    None restores each bank's own. ValueError below 1."""
    global _min_count_override
    if n is not None and n < 1:
        raise ValueError("min_count must be at least 1")
    _min_count_override = n


def _with_min_count(bank: Bank) -> Bank:
    from dataclasses import replace

    if _min_count_override is None or bank.min_count == _min_count_override:
        return bank
    return replace(bank, min_count=_min_count_override)


def available_banks() -> list[Bank]:
    """Every bank found, first by search order wins for a repeated id; broken files are left
    out here and named by :func:`scan_banks`."""
    return scan_banks()[0]


def scan_banks() -> tuple[list[Bank], list[tuple[Path, str]]]:
    """(banks, files not loaded with the reason) over the shipped banks and STOCKTAKE_BANK_PATH.

    Not loaded: a broken or invalid bank file, a second file with an id already found (the
    first in search order wins), a file that looks meant as a bank but is not named .toml
    (`bank.toml.txt`, as Notepad saves it), and a folder on the path that does not exist.
    """
    seen: dict[str, Bank] = {}
    failed: list[tuple[Path, str]] = []
    for folder in bank_dirs():
        if not folder.is_dir():
            failed.append((folder, "no such folder (named in STOCKTAKE_BANK_PATH)"
                           if not folder.exists() else "not a folder (STOCKTAKE_BANK_PATH "
                                                       "names folders)"))
            continue
        for path in sorted(folder.iterdir()):
            if ".toml" in path.name.lower() and path.suffix.lower() != ".toml":
                failed.append((path, "not named .toml (saved as "
                                     f"'{path.name}'); rename it to end in .toml"))
    for path in bank_files():
        try:
            bank = load_bank_cached(path)
        except StocktakeError as exc:
            reason = exc.message.removeprefix(f"{path}: ")
            if exc.details:
                reason += ": " + "; ".join(d.removeprefix(f"{path}:") for d in exc.details[:3])
            failed.append((path, reason))
            continue
        if bank.id in seen:
            failed.append((path, f"bank id '{bank.id}' is already loaded from "
                                 f"{seen[bank.id].source}"))
            continue
        seen[bank.id] = bank
    return list(seen.values()), failed


def find_bank(ref: str) -> Bank:
    """A bank by id (searching the bank folders) or by path to a TOML file."""
    candidate = Path(ref)
    if ref.endswith(".toml") or candidate.is_file():
        return (load_bank_cached(candidate) if candidate.is_file()
                else _with_min_count(load_bank(candidate)))
    for path in bank_files():
        if path.stem == ref:
            bank = load_bank_cached(path)
            if bank.id == ref:
                return bank
    for bank in available_banks():
        if bank.id == ref:
            return bank
    known = ", ".join(b.id for b in available_banks()) or "none found"
    raise StocktakeError(f"unknown bank '{ref}'",
                         hint=f"known banks: {known}; or give the path to a .toml file")
