"""The round's status as a workbook: a Status sheet (one row per partnership) and a Chase sheet
(one row per missing respondent, e-mail included: it is for chasing).

    write_status_workbook(Path("status.xlsx"), status)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stocktake.round.status import RoundStatus


def write_status_workbook(path: Path, status: "RoundStatus") -> Path:
    from openpyxl import Workbook

    from stocktake.workbooks.styles import save_workbook
    from stocktake.workbooks.table_sheet import write_table_sheet

    wb = Workbook()
    title = f"Status of {status.bank} {status.wave} on {status.today}"
    deadline = f"deadline {status.deadline}" if status.deadline else "no deadline set"
    sheet = wb.active
    sheet.title = "Status"
    rows = []
    for p in status.partnerships:
        rows.append([p.code, p.name, p.state, sum(p.expected.values()),
                     sum(p.received.values()), p.started,
                     "; ".join(f"{r} {p.received.get(r, 0)}/{n}" for r, n in p.expected.items())
                     or "; ".join(f"{r} {n}/-" for r, n in p.received.items()),
                     len(p.missing), ", ".join(p.unexpected),
                     None if p.answered_share is None else round(p.answered_share * 100, 1),
                     (p.last_answer or "")[:10]])
    write_table_sheet(sheet, ["Code", "Partnership", "State", "Expected", "Received", "Started",
                              "By role (received/expected)", "Missing", "Not on the roster",
                              "Bank answered (%)", "Last answer"], rows,
                      widths=[12, 26, 12, 10, 10, 9, 34, 9, 24, 11, 12],
                      header_left=title, header_right=deadline)
    chase = wb.create_sheet("Chase")
    write_table_sheet(chase, ["Code", "Partnership", "Role", "Respondent", "E-mail",
                              "Organisation", "Form"],
                      [[c["partnership"], c["name"], c["role"], c["respondent"], c["email"],
                        c["organisation"], c["form"]] for c in status.chase()],
                      widths=[12, 26, 14, 24, 30, 24, 40], header_left=title,
                      header_right=deadline)
    from stocktake.workbooks.print_setup import finish_print

    finish_print(wb)
    wb.properties.title = title
    wb.properties.creator = "stocktake"
    return save_workbook(wb, Path(path))
