"""`stocktake report`: the adviser's partnership report, or the national findings report, as a
self-contained HTML page and an editable Word document.

    stocktake report E09000007 --out camden.html --docx camden.docx
    stocktake report --national --out national.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (MinCount, apply_min_count, console, err_console, open_workspace,
                                  resolve_bank)
from stocktake.cli.app import app

from stocktake.errors import UsageError


@app.command("report")
def report_command(
    code: Optional[str] = typer.Argument(None, metavar="CODE",
                                         help="Partnership code, e.g. E09000007."),
    national: bool = typer.Option(False, "--national",
                                  help="The national findings report over every partnership."),
    bank_ref: Optional[str] = typer.Option(None, "--bank", "-b", metavar="BANK",
                                           help="Bank id or .toml path. Default: the one "
                                                "answered, when there is one."),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Wave, e.g. 2026-27. Default: the latest answered."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="PATH.html",
                                       help="The HTML report. Default: exports/report-...html"),
    docx: Optional[Path] = typer.Option(None, "--docx", metavar="PATH.docx",
                                        help="Also write it as a Word document."),
    redact: bool = typer.Option(True, "--redact/--no-redact",
                                help="Mask likely personal data in quoted evidence (default)."),
    min_count: MinCount = None,
) -> None:
    """Write the report: cover, summary with a chart against the round's median, one section
    per area (partners' scores, moderation, questions scored highest and lowest, evidence
    quoted), and the action plan. Every finding is worked out from the numbers by the rules
    in the README. The HTML has everything inside it (no network) and prints on A4.

    Example: stocktake report E09000007 --docx camden.docx

    Example: stocktake report --national --out national.html
    """
    apply_min_count(min_count)
    from stocktake.reports.loading import require_report_libraries

    if national == (code is not None):
        raise UsageError("give a partnership CODE or --national (not both)",
                         hint="e.g. `stocktake report E09000007` or `stocktake report --national`")
    for path, suffix in ((out, ".html"), (docx, ".docx")):
        if path is not None and path.suffix.lower() != suffix:
            raise UsageError(f"{path}: expected a file name ending {suffix}")
    require_report_libraries(word=docx is not None)
    ws = open_workspace()
    bank_id, wave = _target(ws, code, bank_ref, wave)
    bank = resolve_bank(bank_ref or bank_id)
    if national:
        from stocktake.reports.national_report import national_document

        doc = national_document(ws, bank, wave)
        stem = f"report-national-{bank.id}-{wave}"
    else:
        from stocktake.cli.common import partnership_code
        from stocktake.reports.partnership_report import partnership_document

        assert code is not None  # CODE or --national, one of them: refused above otherwise
        code = partnership_code(code)
        doc = partnership_document(ws, bank, wave, code, redact=redact)
        stem = f"report-{code}-{bank.id}-{wave}"
    from stocktake.reports.html import render_html, write_html

    html_path = write_html(render_html(doc), out or Path("exports") / f"{stem}.html")
    console.print(f"Wrote {escape(str(html_path))}: open it in a browser; print it on A4 from "
                  "there.")
    if docx is not None:
        from stocktake.reports.word import write_docx

        console.print(f"Wrote {escape(str(write_docx(doc, docx)))} (Word).")
    if not redact:
        err_console.print("[yellow]Note:[/] evidence is quoted unredacted (--no-redact); check "
                          "it for personal data before you share the report.")


def _target(ws, code: Optional[str], bank_ref: Optional[str], wave: Optional[str]
            ) -> tuple[str, str]:
    """The bank and wave meant: as given, else the only (or latest) one answered."""
    from stocktake.cli.common import partnership_code
    from stocktake.workbooks.exports import answered_targets

    bank_id = resolve_bank(bank_ref).id if bank_ref else None
    if wave is not None:
        from stocktake.cli.common import check_wave

        wave = check_wave(wave)
    targets = answered_targets(ws, partnership_code(code) if code else None, bank_id, wave)
    banks = sorted({b for _, b, _ in targets})
    if len(banks) > 1:
        raise UsageError(f"answers to {len(banks)} banks: {', '.join(banks)}",
                         hint="say which with --bank")
    return banks[0], max(w for _, _, w in targets)
