"""The `stocktake` command: global options, the command groups, and the one place errors are shown.

Each command group lives in its own module and registers itself on `app` when imported here.
Heavy libraries (openpyxl, questionary, tinydb) are imported inside the commands that use them,
so `stocktake --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from stocktake.cli.app import app
from stocktake.cli.common import err_console, make_output_safe, render_error
from stocktake.errors import StocktakeError

# Command groups register themselves on `app`; import order is the order in --help.
from stocktake.cli import banks as _banks  # noqa: E402,F401
from stocktake.cli import partnerships as _partnerships  # noqa: E402,F401
from stocktake.cli import interview as _interview  # noqa: E402,F401
from stocktake.cli import answers as _answers  # noqa: E402,F401
from stocktake.cli import moderate as _moderate  # noqa: E402,F401
from stocktake.cli import scores as _scores  # noqa: E402,F401
from stocktake.cli import privacy as _privacy  # noqa: E402,F401
from stocktake.cli import doctor as _doctor  # noqa: E402,F401
from stocktake.cli import demo as _demo  # noqa: E402,F401
from stocktake.cli import export as _export  # noqa: E402,F401
from stocktake.cli import forms as _forms  # noqa: E402,F401
from stocktake.cli import merge as _merge  # noqa: E402,F401
from stocktake.cli import codebook as _codebook  # noqa: E402,F401
from stocktake.cli import submissions as _submissions  # noqa: E402,F401
from stocktake.cli import evidence as _evidence  # noqa: E402,F401
from stocktake.cli import round as _round  # noqa: E402,F401
from stocktake.cli import roster as _roster  # noqa: E402,F401
from stocktake.cli import plan as _plan  # noqa: E402,F401
from stocktake.cli import report as _report  # noqa: E402,F401
from stocktake.cli import remove as _remove  # noqa: E402,F401


def _check_arguments_are_text(args: list[str]) -> None:
    """Refuse an argument holding bytes the terminal's encoding could not decode.

    Python hands such bytes over as lone surrogates (surrogateescape), which would fail much
    later, when the value is stored or printed, as "UnicodeEncodeError". Name the option now.
    """
    from stocktake.errors import UsageError

    for index, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if arg.startswith("--") and "=" in arg:
                where = f"the value of {arg.split('=', 1)[0]}"
            elif index and args[index - 1].startswith("-") and not args[index - 1][1:2].isdigit():
                where = f"the value of {args[index - 1]}"
            else:
                where = f"argument {index + 1}"
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(f"{where} ({shown!r}) holds bytes that are not text in this "
                             "terminal's encoding (not UTF-8)",
                             hint="type it again in a terminal set to UTF-8 (e.g. LANG=en_GB.UTF-8)")


def run() -> None:
    """Console-script entry point: user errors as two plain lines, never a traceback."""
    make_output_safe()
    try:
        _check_arguments_are_text(sys.argv[1:])
        app(prog_name="stocktake")
    except StocktakeError as exc:
        render_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)
    except BrokenPipeError:
        # `stocktake ... --json | head`: the reader went away; nothing to report.
        os._exit(0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("STOCKTAKE_DEBUG"):
            raise
        from stocktake.files.atomic import is_disk_full, write_error

        if is_disk_full(exc):  # a full disk is the machine's state, not a bug
            full = write_error(exc, Path(getattr(exc, "filename", None) or "a file"),
                               in_workspace=False)
            render_error(full)
            sys.exit(full.exit_code)
        machine = _machine_failure(exc)
        if machine is not None:  # a read-only mount is no bug either
            render_error(machine)
            sys.exit(1)
        err_console.print(f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}")
        err_console.print("[bold]Hint:[/] this is a bug in stocktake; run again with "
                          "STOCKTAKE_DEBUG=1 for the traceback and report it")
        sys.exit(1)


def _machine_failure(exc: Exception) -> StocktakeError | None:
    """A read-only file system or a full disk met outside the store's own writes, by file."""
    import errno

    if not isinstance(exc, OSError) or exc.errno not in (
            errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return None
    from stocktake.files.atomic import write_error

    return write_error(exc, exc.filename or "a file", in_workspace=False)
