"""The Plan sheet of a partnership workbook: the action plan as a roadmap (after the OWASP SAMM
toolbox's): per item the area, its current level and score, the target level, the action, who
owns it, when it is due and whether it is done.

    write_plan_sheet(wb.create_sheet("Plan", index=1), export)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stocktake.arithmetic.precision import published
from stocktake.records.provenance import marked
from stocktake.workbooks.styles import SCORE_FORMAT
from stocktake.workbooks.table_sheet import write_table_sheet

if TYPE_CHECKING:
    from stocktake.workbooks.partnership_export import PartnershipExport


def write_plan_sheet(ws: Any, export: "PartnershipExport") -> None:
    titles = {a.id: a.title for a in export.bank.areas}
    current = {a.id: a for a in export.scores.areas}
    rows = []
    for item in sorted(export.plans, key=lambda i: (i.due, i.area, i.action)):
        now = current.get(item.area)
        rows.append([titles.get(item.area, item.area),
                     (now.level or "no score") if now is not None else "-",
                     None if now is None else published(now.score),
                     item.target, item.action, item.owner, item.due, item.status,
                     (item.done_at or "")[:10]])
    write_table_sheet(ws, ["Area", "Current level", "Score", "Target", "Action", "Owner", "Due",
                           "Status", "Done on"], rows,
                      widths=[24, 13, 8, 13, 46, 20, 11, 9, 11],
                      # The current levels and scores are the demo's where it invented them.
                      header_left=marked(f"Action plan: {export.partnership.name} "
                                         f"({export.partnership.code})",
                                         export.scores.simulated),
                      header_right=f"{export.bank.title}, wave {export.wave}")
    # The cell holds the published score; shown at one decimal, as the Summary sheet shows it.
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=3).number_format = SCORE_FORMAT
