"""Where a round's data sets come from: the workspace (`export --format spss|stata|parquet`) or
the workbooks a national merge read (`merge --data DIR`). Either way each partnership becomes
the PartnershipExport every other export is made from, so the data files say what the workbooks
and `stocktake scores` say, with the same personal-data rules (respondents by role unless
`with_names`; anonymous roles by reference).

    for written in export_workspace_data(ws, targets, BankShelf(), "spss", Path("data")):
        print(written.bank, written.wave, written.files)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from stocktake.analysis.data_files import data_set, write_data_set

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class WrittenData:
    """One bank and wave written: its files, and what they hold."""

    bank: str
    wave: str
    partnerships: int
    respondents: int
    answers: int
    files: tuple[str, ...]
    simulated: bool

    def to_json(self) -> dict[str, Any]:
        return {"bank": self.bank, "wave": self.wave, "partnerships": self.partnerships,
                "respondents": self.respondents, "answers": self.answers,
                "files": list(self.files), "simulated": self.simulated}


def export_workspace_data(ws: "Workspace", targets: Sequence[tuple[str, str, str]], shelf: Any,
                          fmt: str, out: Path, *, redact: bool = False,
                          with_names: bool = False, shared: bool = False,
                          groups: Mapping[str, str] | None = None,
                          every: bool = False) -> Iterator[WrittenData]:
    """One data set per bank and wave of `targets` ((code, bank id, wave), as
    stocktake.workbooks.exports.export_targets gives them), written in `fmt` into `out`.
    The national benchmark of each bank and wave is built once, over the whole workspace;
    `every`: the targets are every partnership of each bank and wave (`export --all`), so it
    is built from their scores instead of reading and scoring them again."""
    from stocktake.analysis.formats import require_library
    from stocktake.scoring.national import national_benchmark
    from stocktake.workbooks.exports import gather_export

    require_library(fmt)
    partnerships = {p.code: p for p in ws.partnerships()}
    grouped: dict[tuple[str, str], list[str]] = {}
    for code, bank_id, wave in targets:
        grouped.setdefault((bank_id, wave), []).append(code)
    for (bank_id, wave), codes in grouped.items():
        bank = shelf.get(bank_id)
        exports = [gather_export(ws, bank, code, wave, redact=redact, with_national=False,
                                 with_names=with_names, with_history=False,
                                 partnerships=partnerships)
                   for code in codes]
        # Every partnership of the bank and wave is here (export --all): the benchmark is
        # made from their scores, so no partnership is read or scored twice.
        scores = [e.scores for e in exports] if every else None
        national = national_benchmark(ws, bank, wave, groups=groups, scores=scores)
        if national.count >= 2:
            exports = [replace(e, national=national) for e in exports]
        yield _written(bank, wave, exports, fmt, out, shared)


def merged_data(bank: Any, wave: str, workbooks: Sequence[Any], benchmark: Any, fmt: str,
                out: Path, *, redact: bool = False, with_names: bool = False,
                shared: bool = False) -> WrittenData:
    """The data set of one bank and wave of a merge: `workbooks` (ReturnedWorkbook of
    stocktake.national.merge) compared in `benchmark`, written in `fmt` into `out`."""
    from stocktake.analysis.formats import require_library
    from stocktake.scoring.method import score_partnership
    from stocktake.workbooks.exports import anonymise_responses, redact_responses, role_references
    from stocktake.workbooks.partnership_export import PartnershipExport

    require_library(fmt)
    exports = []
    for wb in workbooks:
        responses = anonymise_responses(bank, [r for r in wb.responses if r.answers])
        if not with_names:
            responses = role_references(bank, responses)
        moderations = list(wb.moderations)
        if redact:
            responses, moderations = redact_responses(bank, responses, moderations)
        # Scored again under the references, so the respondents' scores name nobody either.
        scores = score_partnership(bank, responses, moderations,
                                   partnership=wb.partnership.code, wave=wave)
        national = benchmark if benchmark is not None and benchmark.count >= 2 else None
        exports.append(PartnershipExport(wb.partnership, bank, wave, tuple(responses),
                                         tuple(moderations), scores, national,
                                         wb.exported_at, redact))
    return _written(bank, wave, exports, fmt, out, shared)


def _written(bank: Any, wave: str, exports: Sequence[Any], fmt: str, out: Path,
             shared: bool) -> WrittenData:
    data = data_set(bank, wave, exports)
    files = write_data_set(data, fmt, out, shared=shared)
    return WrittenData(bank.id, wave, len(exports), sum(len(e.responses) for e in exports),
                       sum(e.answer_count for e in exports), tuple(str(f) for f in files),
                       data.simulated)
