"""The national workbook: the benchmark workbook of a national merge, with the files merged,
every authority expected and whether it returned, every merged answer in long form (150,000
rows and more, written by rustpy-xlsxwriter and spliced in), and the codebook.

    write_national_workbook(Path("national.xlsx"), benchmark, bank, partnerships, sources,
                            returns=rows, answers=spool.answer_rows(spooled))
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from stocktake.workbooks.benchmark import Source, benchmark_workbook

if TYPE_CHECKING:
    from stocktake.banks.model import Bank
    from stocktake.national.answers_sheet import AnswerRows
    from stocktake.partnerships.model import Partnership
    from stocktake.scoring.benchmark import Benchmark


def write_national_workbook(path: Path, benchmark: "Benchmark", bank: "Bank",
                            partnerships: Mapping[str, "Partnership"],
                            sources: Sequence[Source], returns: Sequence[Any] | None = None,
                            answers: "AnswerRows | None" = None, *,
                            shared: bool = False, groups_source: str = "") -> Path:
    """The benchmark workbook of a national merge, with a `Sources` sheet of the files merged,
    given `returns` (ReturnRow) a `Returns` sheet of every authority expected, and given
    `answers` (stocktake.national.answers_sheet.AnswerRows) every merged answer in long
    form, written by rustpy-xlsxwriter into the sheet openpyxl wrote (workbooks.bulk_sheet),
    and a `Codebook` sheet (stocktake.workbooks.codebook_sheet) of the bank's variables and
    codes. `groups_source` names the --groups file on the Contents sheet. Written atomically,
    owner-only unless `shared`; returns the path."""
    from stocktake.workbooks.bulk_sheet import refusals_said_as_writes_of, splice_rows
    from stocktake.national.answers_sheet import start_answer_rows, write_answers_sheet
    from stocktake.files.output_files import workbook_bytes, write_output_bytes

    pending = None if answers is None else start_answer_rows(answers)

    def more_sheets(wb: Any, header_left: str, header_right: str) -> None:
        if returns is not None:
            from stocktake.national.returns_sheet import write_returns_sheet

            write_returns_sheet(wb.create_sheet("Returns", index=1), returns, bank,
                                benchmark.wave, simulated=benchmark.simulated)
        from stocktake.banks.codebook import codebook
        from stocktake.workbooks.codebook_sheet import write_codebook_sheet

        # What each code of the data files means (issue 29), before About.
        write_codebook_sheet(wb.create_sheet("Codebook", index=wb.sheetnames.index("About")),
                             codebook(bank), header_left=header_left,
                             header_right=header_right)

    try:
        wb = benchmark_workbook(
            benchmark, bank, partnerships, sources=sources, groups_source=groups_source,
            write_answers=None if pending is None or answers is None else (
                lambda ws: write_answers_sheet(ws, pending.rows, answers.value_width)),
            more_sheets=more_sheets)
        data = workbook_bytes(wb, Path(path))
        del wb  # the summary sheets' cells, before the rows are read back in
        if pending is not None:
            with refusals_said_as_writes_of(Path(path)):
                rows = pending.result()
            data = splice_rows(data, "Answers", rows)
        return write_output_bytes(Path(path), data, shared=shared)
    finally:
        if pending is not None:
            pending.cancel()
