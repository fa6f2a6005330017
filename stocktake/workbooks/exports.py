"""Exporting a partnership's stocktake: what goes out, and the tidy CSV and JSON forms of it.

A :class:`PartnershipExport` gathers one partnership's responses, moderations and scores for one
bank and wave (and the national picture when the workspace holds other partnerships); the
workbook writer and the tidy writers both read from it, so the files agree with each other and
with `stocktake scores`.

    export = gather_export(ws, bank, "E09000007", "2026-27")
    paths = write_export(export, "csv", Path("exports"))   # E09000007-idea-stocktake-2026-27.csv
                                                           # and ...-scores.csv
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.privacy.injection import FORMULA_PREFIXES, csv_safe
from stocktake.records.responses import Moderation, Response, now_iso
from stocktake.workbooks.partnership_export import PartnershipExport

if TYPE_CHECKING:
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.scoring.method import PartnershipScores
    from stocktake.store.workspace import PartnershipSnapshot, Workspace

from stocktake.workbooks.columns import SCORE_COLUMNS, TIDY_ANSWER_COLUMNS  # noqa: E402

FORMATS = ("xlsx", "csv", "json")


TARGETS_KIND = "targets"


def export_targets(ws: "Workspace", codes: Sequence[str] | None, bank_id: str | None,
                   wave: str | None) -> list[tuple[str, str, str]]:
    """(code, bank id, wave) for every partnership, bank and wave with responses, filtered.

    `codes` None means every partnership in the workspace. A named code with nothing to export
    is an error that says what it does have. Each file's (code, bank, wave) are kept in the
    shard cache (store.shard_cache), so a national export reads each partnership's file whole
    once, in the export itself, not here again (0.45 s of 153 files).
    """
    from stocktake.store.shard_cache import derived_per_shard

    if codes is None:
        paths = ws.shard_files()
    else:
        paths = [ws.shard_path(code) for code in codes]
    held = derived_per_shard(ws, TARGETS_KIND, targets_cache_key(), paths,
                             lambda path, data: response_keys(data))
    targets: list[tuple[str, str, str]] = []
    for path, record in zip(paths, held):
        if not _is_targets_record(record):
            # A sealed record of another shape (made by hand, or by a wrong program): worked
            # out from the file; doctor names the cache file.
            from stocktake.store.store_files import read_store_file

            record = response_keys(read_store_file(path, ws.root) or {})
        found = [(c, b, w) for c, b, w in record]
        chosen = [t for t in found if (bank_id is None or t[1] == bank_id)
                  and (wave is None or t[2] == wave)]
        if codes is not None and not chosen:
            code = path.stem
            if ws.find_partnership(code) is None and not found:
                raise StocktakeError(f"partnership {code} is not in the workspace {ws.root}",
                                     hint="check the code with `stocktake partnerships list`")
            have = ", ".join(f"{b} {w}" for _, b, w in found) or "no responses at all"
            wanted = " ".join(x for x in (bank_id, wave) if x) or "any bank"
            raise StocktakeError(f"{code} has no responses to export for {wanted}",
                                 hint=f"it has: {have}")
        targets.extend(chosen)
    return targets


def answered_targets(ws: "Workspace", code: str | None, bank_id: str | None,
                     wave: str | None) -> list[tuple[str, str, str]]:
    """(code, bank id, wave) answered in the workspace (by `code` only, when given), of the
    bank and wave when given; none is an error naming the bank and wave asked for and the
    ones there are, so that "nothing" never reads as an empty workspace when it is not."""
    if code is None:
        targets = export_targets(ws, None, bank_id, wave)
        if targets:
            return targets
        held = export_targets(ws, None, None, None) if (bank_id or wave) else []
    else:
        if ws.find_partnership(code) is None and not ws.shard_path(code).exists():
            raise StocktakeError(f"partnership {code} is not in the workspace {ws.root}",
                                 hint="check the code with `stocktake partnerships list`")
        try:
            held = export_targets(ws, [code], None, None)
        except StocktakeError:
            held = []  # it is there (checked above), so its file holds no answers at all
        targets = [t for t in held if (bank_id is None or t[1] == bank_id)
                   and (wave is None or t[2] == wave)]
        if targets:
            return targets
    raise nothing_answered(ws, code, bank_id, wave, held)


def nothing_answered(ws: "Workspace", code: str | None, bank_id: str | None,
                     wave: str | None, held: list[tuple[str, str, str]]) -> StocktakeError:
    """The error for no answers to the bank and wave asked for: what was asked for, and
    which banks and waves this workspace (or partnership) does have answers to."""
    from stocktake.reports.findings import join_names

    who = f" from {code}" if code else ""
    owner = "it" if code else "this workspace"
    if not held:
        return StocktakeError(f"no answers{who} in {ws.root} yet",
                              hint="record some first, e.g. with `stocktake interview`")
    banks = sorted({b for _, b, _ in held})
    bank = bank_id or (banks[0] if len(banks) == 1 else "any bank")
    asked = f"no answers{who} to {bank}" + (f" in wave {wave}" if wave else "")
    waves_of = {b: sorted({w for _, b2, w in held if b2 == b}) for b in banks}
    if bank_id in waves_of or (bank_id is None and len(banks) == 1):
        waves = waves_of[bank]
        return StocktakeError(f"{asked}; {owner} has {join_names(waves)}",
                              hint=f"give --wave {waves[-1]} (or another of those)")
    has = "; ".join(f"{b} {join_names(w)}" for b, w in waves_of.items())
    return StocktakeError(f"{asked}; {owner} has answers to {has}",
                          hint="give --bank and --wave of one of those")


def response_keys(data: dict) -> list[list[str]]:
    """[[code, bank id, wave], ...] of the responses in one partnership's file (its TinyDB
    `data`, whose responses the store's checks give all three as text), sorted, each once:
    what export_targets keeps of the file."""
    return [list(t) for t in sorted({(doc["partnership"], doc["bank"], doc["wave"])
                                     for doc in data.get("responses", {}).values()})]


def _is_targets_record(record: Any) -> bool:
    return isinstance(record, list) and all(
        isinstance(t, list) and len(t) == 3 and all(isinstance(x, str) for x in t)
        for t in record)


def targets_cache_key() -> str:
    """The key of the targets kept in the shard cache: the code that works them out."""
    from stocktake.store.shard_cache import code_fingerprint

    return "export targets\0" + code_fingerprint(["stocktake.workbooks.exports"])


def verify_targets_entry(key: str, data: dict, record: Any) -> str | None:
    """For `stocktake doctor`: why cached targets are not what the partnership's file `data`
    gives afresh, or None when they are (or the key is no longer in use)."""
    if key != targets_cache_key():
        return None
    if not _is_targets_record(record):
        return "it holds a record that is not a list of (code, bank, wave)"
    if response_keys(data) != record:
        return "its banks and waves differ from those the partnership's file holds"
    return None


def gather_export(ws: "Workspace", bank: Bank, code: str, wave: str, *, redact: bool = False,
                  national: "Benchmark | None" = None, exported_at: str | None = None,
                  with_national: bool = True, with_names: bool = False,
                  with_history: bool = True,
                  partnerships: "Mapping[str, Partnership] | None" = None) -> PartnershipExport:
    """Everything one partnership's export holds. Pass `national` when exporting many
    partnerships of one bank and wave, so the national benchmark is computed once, and
    `partnerships` (the workspace's, by code), so its index is read once, not once a
    partnership; without `with_history` the earlier waves are not scored (the analysts' data
    and the tidy files hold one wave).

    Respondents are named by role ("council 2"), never by the name or job title they are held
    under, unless `with_names`: an export leaves the workspace, and a post held by one person
    names them (issue 23)."""
    from stocktake.scoring.national import national_benchmark, workspace_regions
    from stocktake.scoring.method import score_partnership

    partnership = (ws.find_partnership(code) if partnerships is None
                   else partnerships.get(code))
    if partnership is None:
        from stocktake.partnerships.reference import authority

        known = authority(code)
        partnership = Partnership(code, known.name if known else code,
                                  workspace_regions(ws, [code]).get(code, ""),
                                  known.type if known else "")
    # One read: answers, moderations and plan from the same moment; without the history, of
    # this bank and wave alone.
    held = ws.snapshot(code) if with_history else ws.snapshot(code, bank.id, wave)
    every = held.responses(bank.id)
    # Answered only: a reference held for an anonymous form not yet returned is no respondent.
    responses = sorted((r for r in every if r.key.wave == wave and r.answers),
                       key=lambda r: r.key.respondent)
    if not responses:
        raise StocktakeError(f"{code} has no responses to {bank.id} in wave {wave}",
                             hint=f"see what it has with `stocktake answers {code}`")
    moderations = held.moderations(bank.id, wave)
    responses = anonymise_responses(bank, responses)
    if not with_names:
        responses = role_references(bank, responses)
    if redact:
        responses, moderations = redact_responses(bank, responses, moderations)
    # As it may be shown: a group reported apart below min_count holds its count alone.
    scores = score_partnership(bank, responses, moderations, partnership=code,
                               wave=wave).published(bank.min_count)
    if national is None and with_national:
        national = national_benchmark(ws, bank, wave)
    if national is not None and (national.count < 2 or
                                 all(s.partnership != code for s in national.scores)):
        national = None
    from stocktake.reports.action_plan import REMOVED

    plans = tuple(i for i in held.plan_items(bank.id, wave) if i.status != REMOVED)
    if redact:
        from stocktake.privacy.personal_data import redact_text

        plans = tuple(replace(i, action=redact_text(i.action), owner=redact_text(i.owner))
                      for i in plans)
    return PartnershipExport(partnership, bank, wave, tuple(responses), tuple(moderations),
                             scores, national, exported_at or now_iso(), redact, plans,
                             history=earlier_waves(ws, bank, code, wave, held)
                             if with_history else ())


def earlier_waves(ws: "Workspace", bank: Bank, code: str, wave: str,
                  held: "PartnershipSnapshot | None" = None) -> tuple["PartnershipScores", ...]:
    """The partnership's scores in each earlier wave of the same bank, oldest first (waves
    are financial years, "2025-26", so they sort as text). `held`: the partnership's file,
    when already read."""
    from stocktake.scoring.method import score_partnership

    if held is None:
        held = ws.snapshot(code)
    every = held.responses(bank.id)
    waves = sorted({r.key.wave for r in every if r.key.wave < wave})
    found = []
    for earlier in waves:
        responses = [r for r in every if r.key.wave == earlier]
        found.append(score_partnership(bank, responses, held.moderations(bank.id, earlier),
                                       partnership=code, wave=earlier)
                     .published(bank.min_count))
    return tuple(found)


def role_references(bank: Bank, responses: Iterable[Response]) -> list[Response]:
    """Each named respondent of a role that is not anonymous renamed "ROLE N" (N in name order
    within the role, so the same workspace exports the same references every time); anonymous
    roles keep their references (YP-0001), which name nobody. Sorted by the new reference."""
    responses = list(responses)
    by_role: dict[str, list[str]] = {}
    for r in responses:
        if not bank.is_anonymous(r.role):
            by_role.setdefault(r.role, []).append(r.key.respondent)
    renamed = {(role, name): f"{role} {n}" for role, names in by_role.items()
               for n, name in enumerate(sorted(set(names)), start=1)}
    out = [replace(r, key=replace(r.key, respondent=renamed[(r.role, r.key.respondent)]))
           if (r.role, r.key.respondent) in renamed else r for r in responses]
    return sorted(out, key=lambda r: r.key.respondent)


def anonymise_responses(bank: Bank, responses: Iterable[Response]) -> list[Response]:
    """Responses of anonymous roles stored under a name (before the bank made the role
    anonymous) get the next free references instead, so that no export carries the name.

    The numbering follows the names' order, after the highest reference already used, so the
    same workspace exports the same references every time.
    """
    import re

    responses = list(responses)
    renamed: dict[tuple[str, str], str] = {}
    for role in bank.roles:
        if not role.anonymous:
            continue
        pattern = re.compile(rf"^{re.escape(role.reference_prefix)}-(\d+)$")
        mine = [r for r in responses if r.role == role.id]
        taken = [int(m.group(1)) for r in mine if (m := pattern.match(r.key.respondent))]
        named = sorted(r.key.respondent for r in mine if not pattern.match(r.key.respondent))
        for offset, name in enumerate(named, start=1):
            renamed[(role.id, name)] = \
                f"{role.reference_prefix}-{max(taken, default=0) + offset:04d}"
    if not renamed:
        return responses
    out = []
    for r in responses:
        new = renamed.get((r.role, r.key.respondent))
        out.append(replace(r, key=replace(r.key, respondent=new)) if new else r)
    return sorted(out, key=lambda r: r.key.respondent)


def redact_responses(bank: Bank, responses: Iterable[Response],
                     moderations: Iterable[Moderation] = ()
                     ) -> tuple[list[Response], list[Moderation]]:
    """Evidence, text answers and moderation reasons with likely personal data redacted."""
    from stocktake.privacy.personal_data import redact_text

    cleaned = []
    for response in responses:
        answers = {}
        for qid, answer in response.answers.items():
            question = bank.question(qid) if bank.has_question(qid) else None
            value = answer.value
            if isinstance(value, str) and (question is None or question.type == "text"):
                value = redact_text(value)
            answers[qid] = replace(answer, value=value,
                                   evidence=redact_text(answer.evidence or ""))
        cleaned.append(replace(response, answers=answers))
    return cleaned, [replace(m, reason=redact_text(m.reason or "")) for m in moderations]


# ---------------------------------------------------------------- writing


def export_stem(code: str, bank_id: str, wave: str) -> str:
    return f"{code}-{bank_id}-{wave}"


def write_export(export: PartnershipExport, fmt: str, out_dir: Path, *,
                 shared: bool = False, key: bytes | None = None) -> list[Path]:
    """Write one partnership's export in `fmt` into `out_dir`; returns the files written.

    Owner-only unless `shared`; each file whole or not at all (stocktake.files.output_files). With
    `key`, a workbook carries a keyed seal (stocktake.returns.seal) beside the plain one."""
    if fmt not in FORMATS:
        raise StocktakeError(f"unknown format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    stem = export_stem(export.partnership.code, export.bank.id, export.wave)
    if fmt == "xlsx":
        from stocktake.workbooks.partnership import write_partnership_workbook

        return [write_partnership_workbook(out_dir / f"{stem}.xlsx", export, shared=shared,
                                           key=key)]
    answers, scores = export.answer_rows(simulated=True), export.score_rows()
    if fmt == "csv":
        files = [(out_dir / f"{stem}.csv", csv_bytes(TIDY_ANSWER_COLUMNS, answers)),
                 (out_dir / f"{stem}-scores.csv", csv_bytes(SCORE_COLUMNS, scores))]
    else:
        files = [(out_dir / f"{stem}.json", json_bytes(TIDY_ANSWER_COLUMNS, answers)),
                 (out_dir / f"{stem}-scores.json", json_bytes(SCORE_COLUMNS, scores))]
    from stocktake.files.output_files import write_output_bytes

    for path, data in files:
        write_output_bytes(path, data, shared=shared)
    return [path for path, _ in files]


def csv_bytes(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents), every cell injection-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    cell = _csv_cell
    writer.writerows([cell(row.get(c)) for c in columns] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def json_bytes(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    data = [{c: row.get(c) for c in columns} for row in rows]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_cell(value: Any) -> str:
    """One CSV field: text that could be taken for a formula with a leading apostrophe
    (privacy.injection.csv_safe), yes/no for a flag, a whole float without its ".0", a float
    to 6 decimals. Types are tested by identity first: a national export writes 2,000,000
    fields, and the text and number cases are nearly all of them."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is float or isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    if isinstance(value, str):
        return csv_safe(value)
    return str(value)
