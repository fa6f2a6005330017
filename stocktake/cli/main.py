"""The `stocktake` command: global options, the command groups, and the one place errors are shown.

Each command group lives in its own module and registers itself on `app` when imported here.
Heavy libraries (openpyxl, questionary, tinydb) are imported inside the commands that use them,
so `stocktake --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from stocktake import __version__
from stocktake.cli.common import err_console, render_error, state
from stocktake.errors import StocktakeError

app = typer.Typer(
    name="stocktake",
    help="Children's services stocktakes and joint reviews: question banks, interviews, maturity "
         "scores and benchmark workbooks.\n\n"
         "Example: stocktake partnerships add E09000007 && stocktake banks list",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stocktake {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", metavar="DIR",
        help="Workspace folder. Default: $STOCKTAKE_WORKSPACE, else your user data folder.",
        show_default=False),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    state.workspace = workspace


# Command groups register themselves on `app`; import order is the order in --help.
from stocktake.cli import banks as _banks  # noqa: E402,F401
from stocktake.cli import partnerships as _partnerships  # noqa: E402,F401
from stocktake.cli import interview as _interview  # noqa: E402,F401
from stocktake.cli import scores as _scores  # noqa: E402,F401
from stocktake.cli import privacy as _privacy  # noqa: E402,F401
from stocktake.cli import doctor as _doctor  # noqa: E402,F401
from stocktake.cli import demo as _demo  # noqa: E402,F401
from stocktake.cli import export as _export  # noqa: E402,F401
from stocktake.cli import forms as _forms  # noqa: E402,F401
from stocktake.cli import merge as _merge  # noqa: E402,F401
from stocktake.cli import submissions as _submissions  # noqa: E402,F401
from stocktake.cli import evidence as _evidence  # noqa: E402,F401
from stocktake.cli import round as _round  # noqa: E402,F401
from stocktake.cli import plan as _plan  # noqa: E402,F401
from stocktake.cli import report as _report  # noqa: E402,F401


def run() -> None:
    """Console-script entry point: user errors as two plain lines, never a traceback."""
    try:
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
        err_console.print(f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}")
        err_console.print("[bold]Hint:[/] this is a bug in stocktake; run again with "
                          "STOCKTAKE_DEBUG=1 for the traceback and report it")
        sys.exit(1)
