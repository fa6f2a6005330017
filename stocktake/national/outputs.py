"""What a merge writes beside the national workbook, when asked: the analysts' data of each bank
and wave merged (`merge --data`) and the national findings report (`merge --report`).

    written = merged_data_files(result, "csv", Path("data"), redact=False, with_names=False)
    reports = national_reports(result, Path("national.html"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _members(result: Any, output: Any) -> list:
    return [wb for wb in result.merged
            if wb.bank.id == output.bank.id and wb.wave == output.wave]


def merged_data_files(result: Any, data_format: str, data_dir: Path, *, redact: bool,
                      with_names: bool, shared: bool = False) -> list:
    """Write the data tables (wide, long, scores, respondent scores) of each bank and wave in
    `result` (national.merge.MergeResult, merged with keep_responses) into `data_dir` in
    `data_format` (analysis.formats.FORMATS); one analysis.gathering written-data record per
    bank and wave, in the order of result.outputs. StocktakeError if a file cannot be written
    (DiskFull for a full disk); the library for the format is checked by the caller first."""
    from stocktake.analysis.gathering import merged_data

    return [merged_data(output.bank, output.wave, _members(result, output), output.benchmark,
                        data_format, data_dir, redact=redact, with_names=with_names,
                        shared=shared)
            for output in result.outputs]


def national_reports(result: Any, report: Path) -> list[tuple[Path, str, str]]:
    """Write the national findings (HTML) of each bank and wave merged: `report` for one,
    `<stem>-<bank>-<wave>.html` beside it for each of several (as the national workbook is
    named). Returns (path, bank id, wave) for each file written. Needs the `reports` extra
    (reports.loading.require_report_libraries, checked by the caller before the merge)."""
    from stocktake.national.merge import output_paths
    from stocktake.reports.html import render_html, write_html
    from stocktake.reports.national_report import national_findings

    written = []
    groups = [(o.bank.id, o.wave) for o in result.outputs]
    for output, path in zip(result.outputs, output_paths(report, groups)):
        members = _members(result, output)
        doc = national_findings(output.bank, output.wave, [wb.scores for wb in members],
                                [r for wb in members for r in wb.responses],
                                {wb.partnership.code: wb.partnership.region or "Unknown region"
                                 for wb in members})
        write_html(render_html(doc), path)
        written.append((path, output.bank.id, output.wave))
    return written
