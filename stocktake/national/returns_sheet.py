"""The Returns sheet of a national workbook: every authority expected, returned or not.

    write_returns_sheet(wb.create_sheet("Returns"), rows, bank, "2026-27", simulated=False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from stocktake.workbooks.table_sheet import write_table_sheet

if TYPE_CHECKING:
    from stocktake.national.returns import ReturnRow


def write_returns_sheet(ws: Any, rows: Sequence["ReturnRow"], bank: Any, wave: str, *,
                        simulated: bool) -> None:
    """One row per authority of `rows`; the page header says SIMULATED when the returns
    merged hold `stocktake demo` answers, as every other sheet's does."""
    from stocktake.records.provenance import marked

    expected = [r for r in rows if r.expected]
    returned = sum(1 for r in expected if r.returned)
    write_table_sheet(
        ws, ["Code", "Authority", "Region", "Returned", "File", "Exported at", "Respondents",
             "Roles", "Expected"],
        [[r.code, r.name, r.region, "yes" if r.returned else "no", r.file, r.exported_at,
          r.respondents if r.returned else None, ", ".join(r.roles),
          "yes" if r.expected else "no"] for r in rows],
        widths=[12, 28, 24, 10, 36, 22, 12, 30, 10],
        header_left=marked(f"Returns: {bank.title}", simulated),
        header_right=f"Wave {wave} - {returned} of {len(expected)} expected returned")
