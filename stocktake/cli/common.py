"""What every command shares: the workspace it works on, consoles, JSON output, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from stocktake.errors import StocktakeError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class _State:
    workspace: Path | None = None


state = _State()


def workspace_path() -> Path:
    from stocktake.store import default_workspace_dir

    return state.workspace or default_workspace_dir()


def open_workspace():
    from stocktake.store import Workspace

    return Workspace.open(workspace_path())


def print_json(data: Any) -> None:
    """JSON alone on stdout, so scripts can pipe it."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
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


def resolve_bank(ref: str):
    from stocktake.banks import find_bank

    return find_bank(ref)


def confirm(question: str) -> bool:
    """Ask yes/no on stderr (default no); end of input counts as no, never as a traceback."""
    import typer

    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:
        err_console.print()
        return False
