"""Exporting many partnerships at once: the national benchmark worked out once per bank and
wave, the workbooks written side by side on the machine's cores.

A national team exports 153 partnership workbooks at a time; each is independent of the others
(it reads the store, never writes it, and writes its own file whole or not at all), so they are
shared among worker processes. The workers are forked after the national benchmarks are built,
so they start with them instead of building them again. Where forking is not available (Windows,
macOS's default) or `jobs` is 1, the same work runs in this process.

    for result in export_many(ws, targets, BankShelf(), "xlsx", Path("exports"), jobs=0):
        print(result.code, result.files or result.reason)
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from stocktake.errors import StocktakeError

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

MAX_JOBS = 8  # beyond this the disk, not the processor, sets the pace
FEW = 4  # fewer workbooks than this are not worth starting processes for


@dataclass(frozen=True)
class ExportResult:
    """One (partnership, bank, wave) exported, or the reason it was not."""

    code: str
    bank: str
    wave: str
    files: tuple[str, ...] = ()
    respondents: int = 0
    answers: int = 0
    reason: str | None = None  # set when nothing was written

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass
class _Job:
    """What every export of a run shares (inherited by forked workers, never pickled)."""

    ws: Any
    shelf: Any
    fmt: str
    out: Path
    redact: bool
    shared: bool
    key: bytes | None
    with_names: bool = False
    partnerships: dict[str, Any] = field(default_factory=dict)  # the workspace's, by code
    nationals: dict[tuple[str, str], Any] = field(default_factory=dict)
    unavailable: dict[tuple[str, str], str] = field(default_factory=dict)


_JOB: _Job | None = None


def default_jobs() -> int:
    """The cores this process may use, at most MAX_JOBS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, cores))


def export_many(ws: "Workspace", targets: Sequence[tuple[str, str, str]], shelf: Any,
                fmt: str, out: Path, *, redact: bool = False,
                groups: Mapping[str, str] | None = None, shared: bool = False,
                key: bytes | None = None, jobs: int = 0,
                nationals: dict[tuple[str, str], Any] | None = None,
                with_names: bool = False) -> Iterator[ExportResult]:
    """Export each (code, bank id, wave) of `targets` in `fmt` into `out`, yielding a result for
    each in the order given, as each is done.

    `jobs`: worker processes; 0 means one per core (default_jobs), 1 works in this process.
    `nationals`, when given, is filled with the national benchmark used for each (bank id,
    wave), so a caller can report on them (e.g. codes in `groups` that matched nothing).
    A target that cannot be exported (StocktakeError: no responses, disk full) gives a result
    with its reason and the run goes on; any other error stops the run.
    """
    global _JOB
    job = _Job(ws, shelf, fmt, Path(out), redact, shared, key, with_names,
               {p.code: p for p in ws.partnerships()})
    jobs = default_jobs() if jobs <= 0 else jobs
    jobs = min(jobs, len(targets))
    pooled = jobs > 1 and len(targets) >= FEW and "fork" in multiprocessing.get_all_start_methods()
    _JOB = job
    collecting = gc.isenabled()
    try:
        # What scoring makes is kept (the benchmarks) or freed as it goes (no cycles), so the
        # collector, which would walk the growing heap again and again, is off meanwhile.
        gc.disable()
        for bank_id, wave in dict.fromkeys((b, w) for _, b, w in targets):
            try:
                job.nationals[(bank_id, wave)] = _national(job, bank_id, wave, groups,
                                                           jobs if pooled else 1)
            except StocktakeError as exc:
                job.unavailable[(bank_id, wave)] = exc.message
        if collecting:
            gc.enable()
        if nationals is not None:
            nationals.update(job.nationals)
        # The benchmarks stay alive to the end: kept out of every collection from here on
        # (and, in forked workers, out of the pages a collection would touch and copy).
        gc.collect()
        gc.freeze()
        if not pooled:
            for target in targets:
                yield _export(target)
            return
        # Forked now, so that each worker starts with the national benchmarks built above.
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # Small chunks keep the progress honest and the cores busy to the end.
            yield from pool.imap(_export, targets, chunksize=2)
    finally:
        _JOB = None
        gc.unfreeze()
        if collecting:
            gc.enable()


def _national(job: _Job, bank_id: str, wave: str, groups: Mapping[str, str] | None,
              jobs: int) -> Any:
    """The national benchmark of one bank and wave: every partnership's scores from the shard
    cache, those not in it worked out on `jobs` cores."""
    from stocktake.scoring.national import all_partnership_scores, national_benchmark

    bank = job.shelf.get(bank_id)
    scores = all_partnership_scores(job.ws, bank, wave, jobs=jobs)
    return national_benchmark(job.ws, bank, wave, groups=groups, scores=scores)


def _export(target: tuple[str, str, str]) -> ExportResult:
    job = _JOB
    assert job is not None, "export_many sets the job before any export"
    code, bank_id, wave = target
    # A workbook's sheets, cells and styles point at each other, so the collector would walk
    # them again and again while they are built (a tenth of the time): off while one workbook
    # is made, then its leftovers collected at once.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _export_now(job, code, bank_id, wave)
    finally:
        if collecting:
            gc.enable()
            gc.collect(1)


def _export_now(job: _Job, code: str, bank_id: str, wave: str) -> ExportResult:
    from stocktake.workbooks.exports import gather_export, write_export

    try:
        if (bank_id, wave) in job.unavailable:
            raise StocktakeError(job.unavailable[(bank_id, wave)])
        bank = job.shelf.get(bank_id)
        # Earlier waves' scores are the workbook's Trend sheet; the tidy files hold one wave.
        export = gather_export(job.ws, bank, code, wave, redact=job.redact,
                               national=job.nationals.get((bank_id, wave)),
                               with_names=job.with_names, with_history=job.fmt == "xlsx",
                               partnerships=job.partnerships)
        files = write_export(export, job.fmt, job.out, shared=job.shared, key=job.key)
    except StocktakeError as exc:
        return ExportResult(code, bank_id, wave, reason=exc.message)
    return ExportResult(code, bank_id, wave, tuple(str(f) for f in files),
                        len(export.responses), export.answer_count)
