"""`stocktake partnerships ...`: the partnerships a workspace holds."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from stocktake.cli.common import Csv, Json, console, open_workspace, stored_line
from stocktake.cli.output import Column, output_format, show
from stocktake.cli.app import app

partnerships_app = typer.Typer(
    help="Partnerships (one per children's services authority), named by GSS code.\n\n"
         "Example: stocktake partnerships add E09000007",
    no_args_is_help=True)
app.add_typer(partnerships_app, name="partnerships")


@partnerships_app.command("add")
def add(
    code: str = typer.Argument(..., metavar="CODE", help="GSS code, e.g. E09000007 for Camden.",
                              callback=stored_line),
    name: Optional[str] = typer.Option(None, help="Name, for a code not in the reference list.",
                                        callback=stored_line),
    region: Optional[str] = typer.Option(None, help="Region, for a code not in the list.",
                                          callback=stored_line),
) -> None:
    """Record a partnership; name and region come from the shipped list of authorities.

    Example: stocktake partnerships add E09000007
    """
    from stocktake.partnerships.model import partnership_for
    from stocktake.partnerships.reference import authority

    p = partnership_for(code, name, region)
    added, _ = open_workspace().add_partnerships([p])
    verb = "Added" if added else "Updated"
    where = f", {p.region}" if p.region else ""
    console.print(f"{verb} {p.code} {p.name}{where}.")
    known = authority(p.code)
    if known is not None and not known.current:
        console.print(f"[yellow]Note:[/] {p.name} ended on {known.end_date}; replaced by "
                      f"{', '.join(known.replaced_by)}.")


PARTNERSHIP_COLUMNS = (Column("code", no_wrap=True), Column("name"), Column("region"))


@partnerships_app.command("list")
def list_partnerships(as_json: Json = False, as_csv: Csv = False) -> None:
    """List the workspace's partnerships.

    Example: stocktake partnerships list --json
    """
    fmt = output_format(as_json, as_csv)
    found = open_workspace(create=False).partnerships()
    show([p.to_doc() for p in found], PARTNERSHIP_COLUMNS, fmt,
         title=f"Partnerships ({len(found)})",
         empty="No partnerships yet. Add one with [bold]stocktake partnerships add E09000007[/].")


@partnerships_app.command("import")
def import_csv(
    path: Path = typer.Argument(..., metavar="FILE.csv", help="CSV with header code,name,region."),
) -> None:
    """Add partnerships from a CSV (code,name,region); a bad row stops the whole import.

    Example: stocktake partnerships import neighbours.csv
    """
    from stocktake.partnerships.model import read_partnerships_csv

    rows = read_partnerships_csv(path)
    added, updated = open_workspace().add_partnerships(rows)
    console.print(f"Imported {len(rows)} partnership(s) from {path}: {added} added, "
                  f"{updated} updated.")
