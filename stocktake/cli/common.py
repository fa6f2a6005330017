"""What every command shares: the workspace it works on, consoles, JSON output, errors."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from stocktake.cli.consoles import SafeConsole, console, err_console  # noqa: F401 (shared)
from stocktake.cli.option_text import checked_option, stored_line, stored_text  # noqa: F401
from stocktake.errors import StocktakeError, UsageError
from stocktake.text.terminal_text import is_unicode_encoding, make_stream_safe


def make_output_safe() -> None:
    """stdout and stderr write plain fall-backs where their encoding lacks a character."""
    make_stream_safe(sys.stdout)
    make_stream_safe(sys.stderr)


class _State:
    workspace: Path | None = None


state = _State()


def workspace_path() -> Path:
    from stocktake.store import default_workspace_dir

    return state.workspace or default_workspace_dir()


def open_workspace(*, create: bool = True):
    """The workspace; a read command (create=False) refuses a folder that does not exist rather
    than leaving an empty workspace behind where a mistyped `-w` pointed."""
    from stocktake.store import Workspace

    root = workspace_path().expanduser()
    if not create and not root.exists():
        given = "-w" if state.workspace is not None else (
            "STOCKTAKE_WORKSPACE" if os.environ.get("STOCKTAKE_WORKSPACE") else None)
        raise StocktakeError(
            f"there is no workspace at {root}" + (f" (from {given})" if given else ""),
            hint="check the folder name, or start a workspace there with "
                 "`stocktake -w DIR partnerships add CODE` or `stocktake -w DIR demo`")
    return Workspace.open(root)


def rerun_words(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """This command's words after `stocktake`, to run it again later: the workspace option left
    out (doctor puts the workspace in front), files and folders named by absolute path (doctor
    may run elsewhere), `extra` flags (e.g. --yes) added where missing. What a journal record
    (store.journal) names as the command that finishes an interrupted run."""
    words: list[str] = []
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in ("-w", "--workspace"):
            next(args, None)
            continue
        if arg.startswith("--workspace="):
            continue
        if not arg.startswith("-") and os.path.exists(arg):
            arg = os.path.abspath(arg)
        words.append(arg)
    return (*words, *(flag for flag in extra if flag not in words))


WAVE = re.compile(r"^(\d{4})-(\d{2})$")


def check_wave(wave: str | None) -> str:
    """The wave given, or the current financial year; `2026-27` form, the years consecutive.

    Raises UsageError naming the value ("'2026/27' is not a wave"), so a read command never
    answers a malformed wave with "no responses".
    """
    from stocktake.records.responses import current_wave

    from stocktake.partnerships.identifiers import checked_wave

    if wave is None:
        return current_wave()
    try:
        return checked_wave(wave)  # the same rule as a wave read from a file
    except StocktakeError as exc:
        raise UsageError(exc.message, hint=f"give a financial year such as {current_wave()}")


def check_wave_order(from_wave: str, to_wave: str) -> tuple[str, str]:
    """Two checked waves, the first earlier than the second (trend compares forwards in time)."""
    earlier, later = check_wave(from_wave), check_wave(to_wave)
    if earlier == later:
        raise UsageError(f"--from and --to are the same wave ({earlier}); a trend needs two",
                         hint="give the earlier wave with --from and the later with --to")
    if earlier > later:
        raise UsageError(f"--from {earlier} is later than --to {later}",
                         hint=f"a trend runs forwards: --from {later} --to {earlier}")
    return earlier, later


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def print_json(data: Any) -> None:
    """JSON alone on stdout, so scripts can pipe it; valid in any output encoding.

    Where stdout cannot take all of Unicode (a Latin-1 locale, cp1252), every non-ASCII
    character is written as a \\u escape, so "Zoë Łukaszewicz" survives; C1 controls and bidi
    overrides are always escaped (json.dumps escapes C0 itself), so nothing drives a terminal.
    """
    import json  # loaded when a command prints JSON, not at every start

    ascii_only = not is_unicode_encoding(getattr(sys.stdout, "encoding", None))
    text = json.dumps(data, indent=2, ensure_ascii=ascii_only, default=str)
    if not ascii_only:
        text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text)
    sys.stdout.write("\n")
    sys.stdout.flush()


def print_provenance(simulated: bool, compared: tuple[int, int] = (0, 0)) -> None:
    """The first line of a command's screen when what it shows was invented: SIMULATED where the
    answers shown are `stocktake demo`'s; otherwise, where `compared` (simulated, total) says
    the partnerships it is set beside include simulated ones, that. Nothing for real data."""
    from rich.text import Text

    from stocktake.records.provenance import (COMPARED_HEADER, SIMULATED_HEADER,
                                              compared_sentence)

    if simulated:
        console.print(Text(SIMULATED_HEADER, style="bold black on yellow"), soft_wrap=False)
    elif compared[0]:
        console.print(Text(COMPARED_HEADER, style="bold black on yellow"), soft_wrap=False)
        console.print(Text(compared_sentence(*compared), style="yellow"), soft_wrap=False)


def render_error(exc: StocktakeError) -> None:
    err_console.print(f"[bold red]Error:[/] {_escape(exc.message)}")
    for line in exc.details:
        err_console.print(f"  - {_escape(line)}")
    if exc.hint:
        err_console.print(f"[bold]Hint:[/] {_escape(exc.hint)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def partnership_code(text: str, ws=None) -> str:
    """The code of the partnership CODE names: a code, or a name of a shipped authority or of a
    partnership in `ws` ("Camden" is E09000007); a near miss is refused with suggestions.
    Every command taking CODE goes through here (stocktake.partnerships.model.resolve_code)."""
    from stocktake.partnerships.identifiers import is_valid_code
    from stocktake.partnerships.model import CODE_RULE, resolve_code

    def not_a_code() -> UsageError:
        # A path or file name given for CODE: refused, never read or written.
        shown = text.encode("unicode_escape").decode("ascii")[:80]
        return UsageError(f"'{shown}' is not a usable partnership code",
                          hint=f"use {CODE_RULE}; `stocktake partnerships list` shows them")

    if "/" in text or "\\" in text or text.lower().endswith((".json", ".xlsx", ".csv")):
        raise not_a_code()
    checked_option(text, "CODE")  # a control character: the command line's fault (exit 2)
    code = resolve_code(text, ws.partnerships() if ws is not None else ())
    if not is_valid_code(code):
        raise not_a_code()
    return code


MIN_COUNT_HELP = ("The fewest partnerships, people or answers a published figure or comparison "
                  "may rest on (default: the bank's min_count, 5 unless it says otherwise).")


def min_count_option():
    """`--min-count N`, shared by report, export, merge, benchmark and scores."""
    return typer.Option(None, "--min-count", metavar="N", min=1, help=MIN_COUNT_HELP,
                        show_default=False)


def apply_min_count(n: int | None) -> None:
    """Every bank this command finds publishes to `n` (None: each bank's own min_count)."""
    from stocktake.banks.loading import set_min_count

    set_min_count(n)


def resolve_bank(ref: str):
    """The bank `--bank` names. An id no bank has is misuse of the option, exit 2, as for any
    option value outside its choices; a bank file that is there but will not load is bad
    input, exit 1, as find_bank says it."""
    from stocktake.banks.loading import find_bank

    try:
        return find_bank(ref)
    except UsageError:
        raise
    except StocktakeError as error:
        # find_bank says "unknown bank" only when no file and no bank id matched: the one
        # failure that is the option's, not a file's.
        if error.message != f"unknown bank '{ref}'":
            raise
        raise UsageError(error.message, hint=error.hint, details=error.details) from None


def confirm(question: str) -> bool:
    """Ask yes/no on stderr (default no); end of input counts as no, never as a traceback."""
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:
        err_console.print()
        return False


SHARED_HELP = ("Let others read the files written (as the umask allows); by default they are "
               "owner-only, as they hold names and evidence.")


# The options many commands share, declared once (issue 27 point 5). The default policy: a wave
# left out is this financial year (Wave), or the latest planned round's (RoundWave), or every
# wave where it only narrows a listing (OnlyWave); a bank left out is the round's (RoundBank) or
# every bank (OnlyBank); a command that needs one bank and has no round to take it from asks for
# it (Bank, given no default at the parameter). --json and --csv print that alone on stdout.

_BANK_FLAGS = ("--bank", "-b")
Bank = Annotated[str, typer.Option(*_BANK_FLAGS, metavar="BANK",
                                   help="Bank id (see `stocktake banks list`) or .toml path.")]
RoundBank = Annotated[Optional[str], typer.Option(
    *_BANK_FLAGS, metavar="BANK", help="Bank id or .toml path. Default: the latest planned "
                                       "round's bank.")]
OnlyBank = Annotated[Optional[str], typer.Option(
    *_BANK_FLAGS, metavar="BANK", help="Only this bank (id or .toml path). Default: every bank.")]
Wave = Annotated[Optional[str], typer.Option(
    "--wave", metavar="WAVE", help="Wave, e.g. 2026-27. Default: the current financial year.",
    callback=stored_line)]
RoundWave = Annotated[Optional[str], typer.Option(
    "--wave", metavar="WAVE", help="Wave, e.g. 2026-27. Default: the latest planned round's "
                                   "wave, else this year's.", callback=stored_line)]
OnlyBankId = Annotated[Optional[str], typer.Option(
    *_BANK_FLAGS, metavar="BANK", help="Only responses to this bank (its id, as `stocktake banks "
                                       "list` shows it).")]
OnlyWave = Annotated[Optional[str], typer.Option(
    "--wave", metavar="WAVE", help="Only this wave, e.g. 2026-27. Default: every wave.",
    callback=stored_line)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV only (one line per row).")]
# What a file is named, not a folder: `--out national.xlsx` for a folder option made a folder
# called national.xlsx, the files inside it.
FILE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".json", ".sav", ".dta",
                           ".parquet", ".docx", ".html", ".htm", ".md", ".pdf", ".zip",
                           ".txt"})


def a_folder(ctx: Any, param: Any, value: Any) -> Any:
    """Callback for an option naming a folder to write into: a path ending as a file's name
    does (.xlsx, .csv, ...) that is not an existing folder is refused (exit 2), naming the
    option, before anything is written."""
    if getattr(ctx, "resilient_parsing", False) or value is None:
        return value
    name = next((o for o in getattr(param, "opts", ()) if o.startswith("--")), "--out")
    return checked_folder(Path(value), name)


def checked_folder(path: Path, option: str) -> Path:
    """`path` if it may be the folder `option` writes into; UsageError (exit 2) if it ends as
    a file's name does (FILE_SUFFIXES) and is not an existing folder."""
    if path.suffix.lower() in FILE_SUFFIXES and not path.is_dir():
        raise UsageError(f"{option} {path}: that names a file, and {option} is the folder to "
                         "write into (each file in it is named for what it holds)",
                         hint=f"give a folder, e.g. {option} {path.with_suffix('')}")
    return path


OutDir = Annotated[Path, typer.Option("--out", "-o", metavar="DIR", callback=a_folder,
                                      help="The folder to write into (made if missing).")]
MinCount = Annotated[Optional[int], typer.Option("--min-count", metavar="N", min=1,
                                                  help=MIN_COUNT_HELP, show_default=False)]
Shared = Annotated[bool, typer.Option("--shared", help=SHARED_HELP)]
