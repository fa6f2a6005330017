"""The `stocktake` typer app and its global options (`-w/--workspace` anywhere on the line,
`--version`). Command modules register on `app`; `stocktake.cli.main` imports them all and runs
it, so no command module imports `main` and back (no circle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup, TyperOption

from stocktake import __version__
from stocktake.cli.common import make_output_safe, state

WORKSPACE_FLAGS = ("-w", "--workspace")


def hoist_workspace(args: list[str]) -> list[str]:
    """`-w DIR` (or `--workspace DIR`, `--workspace=DIR`, `-wDIR`) moved before the command, so
    `stocktake scores -w DIR CODE` works as `stocktake -w DIR scores CODE` does. Nothing after
    `--` is touched; the last one given wins, as for any option."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in WORKSPACE_FLAGS and i + 1 < len(args):
            front += ["--workspace", args[i + 1]]
            i += 2
            continue
        if arg.startswith("--workspace="):
            front += ["--workspace", arg.split("=", 1)[1]]
        elif arg.startswith("-w") and not arg.startswith("--") and len(arg) > 2:
            front += ["--workspace", arg[2:]]
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _flag_aware(display):
    """Typer 0.29's help shows a flag's type (`--json <bool>`), as if the flag took a value:
    a flag (the help option's included) shows none; every other option is shown as before."""
    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else display(self, ctx)

    display_type_rich.flag_aware = True
    return display_type_rich


if not getattr(TyperOption.display_type_rich, "flag_aware", False):
    # typer's own method replaced on purpose, so flags show no metavar (issue 26 kind 6).
    TyperOption.display_type_rich = _flag_aware(  # type: ignore[method-assign]
        TyperOption.display_type_rich)


class _WorkspaceAnywhere(TyperGroup):
    """The root command: takes `-w` wherever it is placed on the line."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, hoist_workspace(list(args)))


app = typer.Typer(
    name="stocktake",
    cls=_WorkspaceAnywhere,
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
        help="Workspace folder (may also follow the command name). Default: "
             "$STOCKTAKE_WORKSPACE, else your user data folder.",
        show_default=False),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    from stocktake.banks.loading import set_min_count

    state.workspace = workspace
    set_min_count(None)  # each command's --min-count is its own
    make_output_safe()


