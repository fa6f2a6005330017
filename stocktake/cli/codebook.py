"""`stocktake codebook`: what every variable and value of the analysts' data files means.

    stocktake codebook idea-stocktake                       # codebook-idea-stocktake.xlsx
    stocktake codebook idea-stocktake --out codebook.md     # or .csv
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.app import app
from stocktake.cli.common import Json, Shared, console, print_json, resolve_bank


@app.command("codebook")
def codebook_command(
    bank_ref: str = typer.Argument(..., metavar="BANK", help="Bank id or .toml path."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH",
                                       help="The file to write: .xlsx, .csv or .md (default "
                                            "codebook-BANK.xlsx here)."),
    as_json: Json = False,
    shared: Shared = False,
) -> None:
    """Write a bank's codebook: one row per variable of the data files (question id, area, type,
    text, roles asked, unit, min/max, scored, weight, its condition in words) and one per value
    (levels, options, yes/no, 0/1, N/A and don't know with their codes), with the bank's edition
    and hash and the scoring method.

    Example: stocktake codebook idea-stocktake --out codebook.xlsx
    """
    from stocktake.analysis.codebook_files import write_codebook
    from stocktake.banks.codebook import codebook

    bank = resolve_bank(bank_ref)
    path = out if out is not None else Path(f"codebook-{bank.id}.xlsx")
    written = write_codebook(bank, path, shared=shared)
    book = codebook(bank)
    if as_json:
        print_json({"bank": bank.id, "edition": bank.version, "hash": bank.hash,
                    "variables": len(book.variables), "values": len(book.values),
                    "file": str(written)})
        return
    console.print(f"Wrote {escape(str(written))}: {len(book.variables)} variables, "
                  f"{len(book.values)} values of {escape(bank.id)} {escape(bank.version)}.")
