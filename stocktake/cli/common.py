"""What every command shares: the workspace it works on, consoles, JSON output, errors."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.segment import Segment

from stocktake.errors import StocktakeError, UsageError
from stocktake.text.terminal_text import escape_controls, is_unicode_encoding, make_stream_safe


class SafeConsole(Console):
    """A rich Console that escapes control characters in every piece of text it renders (user
    text included, wherever it is placed: tables, panels, errors), leaving rich's own styling
    codes alone, so nothing printed can drive the terminal."""

    _rendering = threading.local()

    def render(self, renderable, options=None):
        # Rich renders nested renderables through this method too; escaping once, at the top,
        # keeps the cost to one pass over the segments (measured: within noise of rich's own).
        if getattr(self._rendering, "active", False):
            return super().render(renderable, options)
        return self._escaped(super().render(renderable, options))

    def _escaped(self, segments):
        self._rendering.active = True
        try:
            for segment in segments:
                if segment.control is None and segment.text:
                    escaped = escape_controls(segment.text)
                    if escaped is not segment.text:
                        segment = Segment(escaped, segment.style, segment.control)
                yield segment
        finally:
            self._rendering.active = False


console = SafeConsole(highlight=False, soft_wrap=True)
err_console = SafeConsole(stderr=True, highlight=False, soft_wrap=True)


def make_output_safe() -> None:
    """stdout and stderr write plain fall-backs where their encoding lacks a character."""
    make_stream_safe(sys.stdout)
    make_stream_safe(sys.stderr)


class _State:
    workspace: Path | None = None


state = _State()


def workspace_path() -> Path:
    from stocktake.store.workspace import default_workspace_dir

    return state.workspace or default_workspace_dir()


def open_workspace(*, create: bool = True):
    """The workspace; a read command (create=False) refuses a folder that does not exist rather
    than leaving an empty workspace behind where a mistyped `-w` pointed."""
    from stocktake.store.workspace import Workspace

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


def checked_option(value: str, option: str, *, lines: bool = False) -> str:
    """`value` as given for `option` (e.g. "--adviser", "CODE") if the store can keep it: line
    ends as LF where `lines` allows them (a reason, an action), else one line.

    Raises UsageError (exit 2) naming the option for a control character or text-direction
    override (stocktake.text.terminal_text), or text a workbook would change on the way
    (stocktake.text.text_rules: over 32,767 characters, an `_xHHHH_` sequence). The same rules
    meet text read from a file there, as data errors (exit 1) naming the file and line or cell;
    here the command line itself is wrong, whichever rule meets it.
    """
    from stocktake.text.terminal_text import check_line, check_text
    from stocktake.text.text_rules import checked_text

    try:
        (check_text if lines else check_line)(value, f"{option}:")
    except StocktakeError as exc:
        raise UsageError(exc.message, hint=f"give {option} again without them (a pasted value, "
                                           "or shell quoting such as $'...', can carry "
                                           "them)") from None
    try:
        return checked_text(value, option)
    except StocktakeError as exc:
        raise UsageError(exc.message) from None


def _check_option_values(param, value, *, lines: bool):
    if value is None:
        return value
    # An argument is named by its metavar (CODE), an option by its long name (--adviser).
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if opts and getattr(param, "param_type_name", "") == "option":
        name = opts[0]
    else:
        name = (getattr(param, "metavar", None) or param.name or "").upper().strip("[].")
    if isinstance(value, (list, tuple)):
        return type(value)(checked_option(v, name, lines=lines) if isinstance(v, str) else v
                           for v in value)
    return checked_option(value, name, lines=lines) if isinstance(value, str) else value


def stored_line(ctx, param, value):
    """Callback for an option or argument whose value is kept (stored, or written into a form):
    one line, checked by :func:`checked_option` while the command line is parsed, so nothing
    is opened or stored before a bad value is refused (exit 2, naming the option)."""
    if getattr(ctx, "resilient_parsing", False):
        return value
    return _check_option_values(param, value, lines=False)


def stored_text(ctx, param, value):
    """As :func:`stored_line`, for free text that may run over lines (a reason, an action)."""
    if getattr(ctx, "resilient_parsing", False):
        return value
    return _check_option_values(param, value, lines=True)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def print_json(data: Any) -> None:
    """JSON alone on stdout, so scripts can pipe it; valid in any output encoding.

    Where stdout cannot take all of Unicode (a Latin-1 locale, cp1252), every non-ASCII
    character is written as a \\u escape, so "Zoë Łukaszewicz" survives; C1 controls and bidi
    overrides are always escaped (json.dumps escapes C0 itself), so nothing drives a terminal.
    """
    ascii_only = not is_unicode_encoding(getattr(sys.stdout, "encoding", None))
    text = json.dumps(data, indent=2, ensure_ascii=ascii_only, default=str)
    if not ascii_only:
        text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text)
    sys.stdout.write("\n")
    sys.stdout.flush()


def render_error(exc: StocktakeError) -> None:
    err_console.print(f"[bold red]Error:[/] {_escape(exc.message)}")
    for line in exc.details:
        err_console.print(f"  - {_escape(line)}", soft_wrap=True)
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
    import typer

    return typer.Option(None, "--min-count", metavar="N", min=1, help=MIN_COUNT_HELP,
                        show_default=False)


def apply_min_count(n: int | None) -> None:
    """Every bank this command finds publishes to `n` (None: each bank's own min_count)."""
    from stocktake.banks.loading import set_min_count

    set_min_count(n)


def resolve_bank(ref: str):
    from stocktake.banks.loading import find_bank

    return find_bank(ref)


def confirm(question: str) -> bool:
    """Ask yes/no on stderr (default no); end of input counts as no, never as a traceback."""
    import typer

    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:
        err_console.print()
        return False


def shared_option():
    """`--shared`, as every command that writes files for people takes it."""
    import typer

    return typer.Option(False, "--shared",
                        help="Let others read the files written (as the umask allows); by "
                             "default they are owner-only, as they hold names and evidence.")
