"""The national merge: returns read in (stocktake.national.reading), folded into one national
picture per bank and wave, and the national workbook written.

Files are grouped by bank and wave; the same partnership twice keeps the newest export. Scores
are computed from the merged answers by the same code as `stocktake scores` and
`stocktake benchmark`.

    result = merge_workbooks([Path("returns/")], Path("national.xlsx"))
    result.rejected   # [Rejected(path, "seal broken: ...")]
"""

from __future__ import annotations

from stocktake.national.reading import BENCHMARK_REASON, collect_files, read_workbooks
from stocktake.national.returned import Rejected, ReturnedWorkbook

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from stocktake.banks.model import Bank


if TYPE_CHECKING:
    from stocktake.national.answer_spool import AnswerSpool
    from stocktake.returns.intake import IntakeOutcome
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.store.workspace import Workspace



@dataclass(frozen=True)
class NationalOutput:
    bank: Bank
    wave: str
    path: Path
    benchmark: "Benchmark"


@dataclass
class MergeResult:
    merged: list[ReturnedWorkbook] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    outputs: list[NationalOutput] = field(default_factory=list)
    # Benchmark workbooks met inside a folder (an earlier merge's or demo's output beside the
    # exports): passed over, not refused, since nobody sent them as returns.
    skipped: list[Rejected] = field(default_factory=list)
    # With --expect: every expected authority, returned or not (of all banks and waves merged).
    returns: list[Any] = field(default_factory=list)
    # With --groups: code -> comparator group, and the file they came from (its name).
    groups: dict[str, str] = field(default_factory=dict)
    groups_source: str = ""
    # With --into-workspace: (partnership, respondent, question ids) for every stored response
    # whose answers call for the bank's safeguarding notice.
    notices: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # With --into-workspace on a full disk: the workbooks left unstored (or stored in part),
    # and the error.
    not_stored: list[Rejected] = field(default_factory=list)
    disk_full: Any = None

    @property
    def unmatched_groups(self) -> list[str]:
        """Codes of the groups file that no merged workbook (of any bank or wave) is from."""
        merged = {wb.partnership.code for wb in self.merged}
        return sorted(set(self.groups) - merged)

    @property
    def not_returned(self) -> list[Any]:
        return [r for r in self.returns if not r.returned]

    @property
    def not_expected(self) -> list[Any]:
        return [r for r in self.returns if not r.expected]

    def to_json(self) -> dict[str, Any]:
        """{merged: [{file, partnership, respondents, answers}], rejected: [{file, reason}], out}.

        `out` is the national workbook's path; a list of paths when the files held more than
        one bank or wave; null when nothing could be merged. With groups, `groups` is {file,
        groups (how many), codes (how many), unmatched: [codes with no merged workbook]}, and
        when there are several workbooks `unmatched_by_out`: {path: [codes with no
        partnership in that workbook]}.
        """
        paths = [str(o.path) for o in self.outputs]
        return {
            "merged": [{"file": str(w.path), "partnership": w.partnership.code,
                        "bank": w.bank.id, "wave": w.wave,
                        "respondents": w.respondents, "answers": w.answers}
                       for w in self.merged],
            "rejected": [{"file": str(r.path), "reason": r.reason} for r in self.rejected],
            "out": paths[0] if len(paths) == 1 else (paths or None),
            "skipped": [{"file": str(r.path), "reason": r.reason} for r in self.skipped],
            **({"returns": {"expected": len(self.returns) - len(self.not_expected),
                            "returned": sum(1 for r in self.returns
                                            if r.returned and r.expected),
                            "not_returned": [r.to_json() for r in self.not_returned],
                            "not_expected": [r.to_json() for r in self.not_expected]}}
               if self.returns else {}),
            **({"groups": self._groups_json()} if self.groups else {}),
            **({"safeguarding_notices": [{"partnership": code, "respondent": who,
                                          "questions": list(questions)}
                                         for code, who, questions in self.notices]}
               if self.notices else {}),
            **({"not_stored": [{"file": str(r.path), "reason": r.reason}
                               for r in self.not_stored]} if self.not_stored else {}),
        }

    def _groups_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.groups_source,
                               "groups": len(set(self.groups.values())),
                               "codes": len(self.groups), "unmatched": self.unmatched_groups}
        if len(self.outputs) > 1:
            out["unmatched_by_out"] = {str(o.path): list(o.benchmark.unmatched_groups)
                                       for o in self.outputs}
        return out


def newest_exports(workbooks: Sequence[ReturnedWorkbook]
                   ) -> tuple[list[ReturnedWorkbook], list[Rejected]]:
    """One workbook per (bank, wave, partnership): the newest export; the others are refused."""
    best: dict[tuple[str, str, str], ReturnedWorkbook] = {}
    for wb in workbooks:
        key = (wb.bank.id, wb.wave, wb.partnership.code)
        held = best.get(key)
        if held is None or wb.exported_at > held.exported_at:
            best[key] = wb
    kept = [wb for wb in workbooks if best[(wb.bank.id, wb.wave, wb.partnership.code)] is wb]
    rejected = []
    for wb in workbooks:
        winner = best[(wb.bank.id, wb.wave, wb.partnership.code)]
        if winner is wb:
            continue
        when = "the same export" if winner.exported_at == wb.exported_at else \
            f"a newer export ({winner.exported_at})"
        rejected.append(Rejected(wb.path, f"duplicate: {wb.partnership.code} {wb.bank.id} "
                                          f"{wb.wave} is also in {winner.path}, {when}; that "
                                          "one is merged"))
    return kept, rejected


def national_benchmark_of(bank: Bank, workbooks: Sequence[ReturnedWorkbook],
                          groups: Mapping[str, str] | None = None) -> "Benchmark":
    """The benchmark of merged workbooks from their scores, by the terminal's code; `groups`
    (code -> comparator group) adds the group means, as `benchmark --groups` does."""
    from stocktake.scoring.benchmark import build_benchmark

    regions = {wb.partnership.code: wb.partnership.region for wb in workbooks}
    return build_benchmark(bank, [wb.scores for wb in workbooks], regions, groups)


def output_paths(out: Path, groups: Sequence[tuple[str, str]]) -> list[Path]:
    """`out` for one group; `<stem>-<bank>-<wave>.xlsx` beside it for each of several."""
    if len(groups) <= 1:
        return [out]
    return [out.with_name(f"{out.stem}-{bank}-{wave}{out.suffix or '.xlsx'}")
            for bank, wave in groups]


def merge_workbooks(paths: Sequence[Path], out: Path, *, workspace: "Workspace | None" = None,
                    redact: bool = False, progress: Callable[[Path], None] | None = None,
                    on_files: Callable[[int], None] | None = None,
                    reader: str = "calamine", workers: int | None = None,
                    expect: Sequence[Any] | None = None, shared: bool = False,
                    key: bytes | None = None, groups: Mapping[str, str] | None = None,
                    groups_source: str = "", keep_responses: bool = True) -> MergeResult:
    """Read, check and group the files, write the national workbook(s) (owner-only unless
    `shared`), optionally import.

    `on_files` hears how many files were found before reading starts (for a progress bar).
    `expect` (ExpectedAuthority of `stocktake.national.returns`) adds a Returns sheet listing
    each expected authority, returned or not. `groups` (code -> comparator group, as
    `scoring.national.read_groups_csv` reads them; `groups_source` names their file) adds
    group means to each national workbook; the workspace never stores them.

    Each return's national Answers rows are spooled to a private temporary folder as it is read
    (stocktake.national.answer_spool). Without `keep_responses` (and with no `workspace` to
    store them in) each return's answers are then let go, so the memory a merge needs does not
    grow with the number of returns: `stocktake merge` does that unless asked for --report or
    --into-workspace, and the merged workbooks' `.responses` then raise.
    """
    from stocktake.national.answer_spool import AnswerSpool

    with AnswerSpool() as spool:
        return _merge(paths, Path(out), spool, workspace=workspace, redact=redact,
                      progress=progress, on_files=on_files, reader=reader, workers=workers,
                      expect=expect, shared=shared, key=key, groups=groups,
                      groups_source=groups_source,
                      keep_responses=keep_responses or workspace is not None)


def _merge(paths: Sequence[Path], out: Path, spool: "AnswerSpool", *,
           workspace: "Workspace | None", redact: bool,
           progress: Callable[[Path], None] | None, on_files: Callable[[int], None] | None,
           reader: str, workers: int | None, expect: Sequence[Any] | None, shared: bool,
           key: bytes | None, groups: Mapping[str, str] | None, groups_source: str,
           keep_responses: bool) -> MergeResult:
    from stocktake.national.workbook import write_national_workbook

    out = Path(out)
    files, missing, passed_over = collect_files(paths, skip=[out])
    if on_files is not None:
        on_files(len(files))
    read, rejected = read_workbooks(files, progress=progress, reader=reader, workers=workers,
                                    key=key, spool=spool, keep_responses=keep_responses)
    kept, duplicates = newest_exports(read)
    named = {Path(p).resolve() for p in paths}
    skipped = [r for r in rejected
               if r.reason == BENCHMARK_REASON and r.path.resolve() not in named]
    rejected = [r for r in rejected if r not in skipped]
    result = MergeResult(rejected=missing + rejected + duplicates,
                         skipped=passed_over + skipped, groups=dict(groups or {}),
                         groups_source=groups_source)
    by_bank_wave: dict[tuple[str, str], list[ReturnedWorkbook]] = defaultdict(list)
    for wb in kept:
        by_bank_wave[(wb.bank.id, wb.wave)].append(wb)
    ordered = sorted(by_bank_wave)
    for (bank_id, wave), path in zip(ordered, output_paths(out, ordered)):
        members = sorted(by_bank_wave[(bank_id, wave)], key=lambda w: w.partnership.code)
        bank = members[0].bank
        benchmark = national_benchmark_of(bank, members, result.groups or None)
        returns = None
        if expect is not None:
            from stocktake.national.returns import return_rows

            returns = return_rows(expect, members)
        spooled = [wb.spooled for wb in members if wb.spooled is not None]
        assert len(spooled) == len(members), "read_workbooks spools every workbook it is given"
        write_national_workbook(path, benchmark, bank,
                                {wb.partnership.code: wb.partnership for wb in members},
                                sources=[(wb.partnership.code, wb.path.name, wb.exported_at,
                                          wb.respondents, wb.answers) for wb in members],
                                returns=returns, shared=shared,
                                answers=spool.answer_rows(spooled),
                                groups_source=groups_source)
        result.outputs.append(NationalOutput(bank, wave, path, benchmark))
        result.merged.extend(members)
        if workspace is not None:
            _store_in_workspace(result, workspace, members, redact)
    if expect is not None:
        from stocktake.national.returns import return_rows

        result.returns = return_rows(expect, result.merged)
    return result


def _store_in_workspace(result: MergeResult, ws: "Workspace",
                        members: Sequence[ReturnedWorkbook], redact: bool) -> None:
    """`members` into the workspace, unless the disk filled for an earlier bank and wave: what
    was stored noted on `result` (its notices), what was not in its `not_stored`."""
    if result.disk_full is not None:
        result.not_stored.extend(Rejected(wb.path, "not stored: the disk is full")
                                 for wb in members)
        return
    outcome, partial = import_into_workspace(ws, members, redact=redact)
    result.notices.extend((s.key.partnership, s.key.respondent, tuple(sorted(s.notices)))
                          for s in outcome.notices)
    # Merged into the national workbook, but not into the workspace: said as a refusal.
    refused = {r.ret.source: r.error for r in outcome.refused}
    result.rejected.extend(Rejected(Path(source), f"not stored in the workspace: {error.message}"
                                    + (f"; {error.hint}" if error.hint else ""))
                           for source, error in refused.items())
    if outcome.disk_full is None:
        return
    left = [wb.path for wb in members if str(wb.path) in {r.source for r in outcome.not_stored}]
    rows = [Rejected(path, "not stored: the disk is full") for path in left] + \
        [Rejected(path, "its answers stored, its moderations and plan items not: the disk is "
                        "full") for path in partial]
    if rows and not result.not_stored:
        rows[0] = Rejected(rows[0].path, f"{rows[0].reason} ({outcome.disk_full.message})")
    result.not_stored.extend(rows)
    result.disk_full = outcome.disk_full


def import_into_workspace(ws: "Workspace", workbooks: Sequence[ReturnedWorkbook], *,
                          redact: bool = False) -> tuple["IntakeOutcome", list[Path]]:
    """Each workbook's responses stored whole through the intake (stocktake.returns.intake):
    the partnerships in one write (names and regions refreshed), each workbook's responses in
    one write, then each workbook's moderations and plan items.

    With `redact`, likely personal data in evidence and text answers is replaced first (scores
    do not change: neither is scored). Each response records the safeguarding notices its
    answers call for (`returns.notices`), those this workspace recorded before keeping their
    times. Returns the intake's outcome (one Return per response, `source` the workbook's
    path) and the workbooks whose answers were stored but whose moderations or plan items a
    full disk then stopped (the outcome's `disk_full` says how).
    """
    from stocktake.errors import DiskFull
    from stocktake.returns.intake import Return, take_in
    from stocktake.workbooks.exports import redact_responses

    returns: list[Return] = []
    moderations_of: dict[str, list[Any]] = {}
    for wb in workbooks:
        responses, moderations = list(wb.responses), list(wb.moderations)
        if redact:
            responses, moderations = redact_responses(wb.bank, responses, moderations)
        moderations_of[str(wb.path)] = moderations
        returns.extend(Return(wb.partnership, wb.bank, wb.wave, r.role, r.mode,
                              tuple(r.answers.values()), source=str(wb.path),
                              respondent=r.key.respondent, adviser=r.adviser, whole=r,
                              redacted=redact)
                       for r in responses)
    outcome = take_in(ws, returns, refresh_partnerships=True,
                      also_list=[wb.partnership for wb in workbooks])
    stored = {s.ret.source for s in outcome.stored}
    with_answers = {r.source for r in returns}
    partial: list[Path] = []
    for wb in workbooks:
        source = str(wb.path)
        # Moderations and plans follow their workbook's answers: none where those were not
        # stored, and none once the disk is full.
        if source not in stored and (source in with_answers or outcome.disk_full):
            continue
        if outcome.disk_full is not None:
            if moderations_of[source] or wb.plans:
                partial.append(wb.path)
            continue
        try:
            _add_moderations_and_plans(ws, wb, moderations_of[source])
        except DiskFull as exc:
            outcome.disk_full = exc
            partial.append(wb.path)
    return outcome, partial


def _add_moderations_and_plans(ws: "Workspace", wb: ReturnedWorkbook,
                               moderations: list[Any]) -> None:
    if moderations:
        held = {(m.area, m.moderated_at) for m in
                ws.moderations(wb.partnership.code, bank=wb.bank.id, wave=wb.wave)}
        for moderation in moderations:
            if (moderation.area, moderation.moderated_at) not in held:
                ws.add_moderation(moderation)
    if wb.plans:
        # An item is the same item when its area, action and creation time agree; its
        # status may have moved on (done) in the returned workbook.
        mine = {(i.area, i.action, i.created_at): i for i in
                ws.plan_items(wb.partnership.code, wb.bank.id, wb.wave)}
        for item in wb.plans:
            held_item = mine.get((item.area, item.action, item.created_at))
            if held_item is None:
                ws.add_plan_item(item)
            elif held_item.status != item.status:
                ws.set_plan_status(wb.partnership.code, held_item.id, item.status)
