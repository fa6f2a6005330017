"""Scores and benchmarks from a workspace: the I/O around the pure scoring and benchmark modules.

    ws = Workspace.open(Path("~/stocktake").expanduser())
    camden = partnership_scores(ws, bank, "2026-27", "E09000007")
    nation = national_benchmark(ws, bank, "2026-27", groups=read_groups_csv(Path("sn.csv")))
"""

from __future__ import annotations

import re

import gc
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Collection, Mapping, Sequence

from stocktake.banks.model import Bank
from stocktake.scoring.benchmark import Benchmark, build_benchmark
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import OTHER_CODE, normalise_code
from stocktake.partnerships.reference import (CODE_HEADERS as HEADER_WORDS, DFE_NUMBER,
                                              authorities_named, authority,
                                              code_for_dfe_number, is_gss_code)
from stocktake.records.responses import Moderation, Response
from stocktake.scoring.method import PartnershipScores, score_partnership
from stocktake.store.store_files import read_store_file
from stocktake.store.workspace import Workspace


def partnership_scores(ws: Workspace, bank: Bank, wave: str, code: str) -> PartnershipScores:
    """One partnership's scores; an error with a hint when it has no responses for bank and wave."""
    code = normalise_code(code)
    responses, moderations = _read_shard(ws.shard_path(code), bank.id, wave)
    if not responses:
        known = ws.find_partnership(code)
        if known is None and not ws.shard_path(code).exists():
            raise StocktakeError(f"partnership {code} is not in the workspace {ws.root}",
                                 hint=f"add it with `stocktake partnerships add {code}`, or check "
                                      "the code with `stocktake partnerships list`")
        waves = sorted({r.key.wave for r in ws.responses(code, bank=bank.id)})
        hint = (f"its {bank.id} responses are for wave {', '.join(waves)}"
                if waves else "record some answers first, e.g. with `stocktake interview`")
        raise StocktakeError(f"{code} has no responses to {bank.id} in wave {wave}", hint=hint)
    return score_partnership(bank, responses, moderations, partnership=code, wave=wave)


def all_partnership_scores(ws: Workspace, bank: Bank, wave: str, *,
                           jobs: int = 1) -> list[PartnershipScores]:
    """Scores of every partnership with responses to this bank in this wave, by code.

    Through the shard cache (store.shard_cache): a partnership's scores are worked out again
    only when its file's bytes, the bank's content hash, the wave or the scoring code differ
    from those they were worked out from; with `jobs` > 1, those are worked out on that many
    cores (worker processes forked from this one)."""
    from stocktake.scoring.score_records import scores_from_record
    from stocktake.store.shard_cache import derived_per_shard

    paths = ws.shard_files()
    found: list[PartnershipScores | None] = []
    on_cores = (lambda items: _records_on_cores(items, bank, wave, jobs)) if jobs > 1 else None
    with _collection_paused():
        records = derived_per_shard(ws, SCORES_KIND, scores_cache_key(bank, wave), paths,
                                    lambda path, data: _scores_record_of(data, bank, wave),
                                    derive_raw=on_cores)
        for path, record in zip(paths, records):
            if record is None:
                continue
            try:
                found.append(scores_from_record(record))
            except ValueError:
                # A sealed record of another shape (made by hand): worked out from the file.
                found.append(score_shard(path, bank, wave))
    return [s for s in found if s is not None]


@contextmanager
def _collection_paused():
    # A national cache read makes some 100,000 objects (its JSON, then the scores) and no
    # cycles: the collector's passes over them find nothing and took 40% of the decoding.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def score_shard(path: Path, bank: Bank, wave: str) -> PartnershipScores | None:
    """The scores of the partnership whose file is `path`, or None when it has no responses
    to this bank in this wave. One file at a time, so a caller may share them among cores.
    Never through the cache: this is what the cache is checked against."""
    return score_store_data(read_store_file(path) or {}, bank, wave)


def score_store_data(data: Mapping, bank: Bank, wave: str) -> PartnershipScores | None:
    """The scores held in one partnership file's TinyDB data, or None without responses to
    this bank in this wave."""
    responses, moderations = _responses_in(data, bank.id, wave)
    if not responses:
        return None
    return score_partnership(bank, responses, moderations,
                             partnership=responses[0].key.partnership, wave=wave)


# The cache's kind for scores, and the modules whose code the scores depend on: their source
# enters the key, so scores worked out by other code (an upgrade, a fix) are never reused.
SCORES_KIND = "scores"
_SCORING_CODE = ("stocktake.scoring.method", "stocktake.scoring.score_records",
                 "stocktake.scoring.national", "stocktake.banks.applicability",
                 "stocktake.banks.answer_values", "stocktake.banks.model",
                 "stocktake.arithmetic.precision", "stocktake.records.provenance", "stocktake.records.responses")


def scores_cache_key(bank: Bank, wave: str) -> str:
    """Everything the cached scores of a partnership depend on besides its file: the bank's id,
    version and content hash (which covers every question, weight, band, role and threshold
    scoring reads; `min_count` is left out, as it rules only what is published, which is
    decided when scores are shown), the wave, and the scoring code."""
    from stocktake.scoring.score_records import RECORD_VERSION
    from stocktake.store.shard_cache import code_fingerprint

    return json.dumps({"bank": bank.id, "version": bank.version, "hash": bank.hash,
                       "wave": wave, "record": RECORD_VERSION,
                       "code": code_fingerprint(_SCORING_CODE)}, sort_keys=True)


def verify_scores_entry(key: str, data: Mapping, record) -> str | None:
    """For `stocktake doctor`: why a cached scores record is not what the partnership file
    `data` gives under `key` afresh, or None when it is (or the key is no longer in use: its
    bank edition gone or changed, or other code)."""
    from stocktake.banks.loading import find_bank
    from stocktake.scoring.score_records import scores_from_record

    try:
        wanted = json.loads(key)
        bank = find_bank(wanted["bank"])
    except (ValueError, TypeError, KeyError, StocktakeError):
        return None
    if scores_cache_key(bank, wanted.get("wave", "")) != key:
        return None  # never read: its key names another edition or other code
    fresh = score_store_data(data, bank, wanted["wave"])
    try:
        held = None if record is None else scores_from_record(record)
    except ValueError as exc:
        return str(exc)
    if held != fresh:
        return "its scores differ from those the partnership's file gives"
    return None


def _records_on_cores(items: list[tuple[Path, bytes]], bank: Bank, wave: str,
                      jobs: int) -> list:
    """Each file's scores record from its bytes, on `jobs` cores; DamagedStoreFile, naming the
    file, for bytes that cannot serve as a store file (checked in the worker, raised here: an
    error made there would not survive the way back)."""
    import multiprocessing

    from stocktake.store.store_files import DamagedStoreFile

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        made = pool.starmap(_record_of_bytes, [(raw, bank, wave) for _, raw in items],
                            chunksize=max(1, len(items) // (4 * jobs)))
    for (path, _), (problem, _) in zip(items, made):
        if problem:
            raise DamagedStoreFile(path, problem)
    return [record for _, record in made]


def _record_of_bytes(raw: bytes, bank: Bank, wave: str) -> tuple[str | None, object]:
    from stocktake.store.doctor import read_store_bytes

    data, problem = read_store_bytes(raw)
    if data is None:  # read_store_bytes gives data exactly when there is no problem
        return problem, None
    return None, _scores_record_of(data, bank, wave)


def _scores_record_of(data: Mapping, bank: Bank, wave: str):
    from stocktake.scoring.score_records import scores_record

    scores = score_store_data(data, bank, wave)
    return None if scores is None else scores_record(scores)


def national_benchmark(ws: Workspace, bank: Bank, wave: str, *, region: str | None = None,
                       groups: Mapping[str, str] | None = None,
                       exclude: Collection[str] = (),
                       scores: Sequence[PartnershipScores] | None = None) -> Benchmark:
    """The benchmark of every partnership with responses (optionally of one region only).
    `scores`: every partnership's scores, when already worked out (all_partnership_scores)."""
    scores = list(scores) if scores is not None else all_partnership_scores(ws, bank, wave)
    if not scores:
        waves = sorted({r.key.wave for r in ws.responses(bank=bank.id)})
        hint = (f"the workspace has {bank.id} responses for wave {', '.join(waves)}: "
                "give --wave"
                if waves else f"no partnership in {ws.root} has answered {bank.id} yet")
        raise StocktakeError(f"no responses to {bank.id} in wave {wave}", hint=hint)
    regions = workspace_regions(ws, [s.partnership for s in scores])
    if region is not None:
        wanted = _match_region(region, set(regions.values()))
        scores = [s for s in scores if regions.get(s.partnership) == wanted]
        if not scores:
            raise StocktakeError(f"no partnership in {wanted} has responses to {bank.id} in "
                                 f"wave {wave}", hint="leave out --region to see the nation")
    return build_benchmark(bank, scores, regions, groups, exclude)


def workspace_regions(ws: Workspace, codes: Collection[str]) -> dict[str, str]:
    """Each code's region: as recorded in the workspace, else from the reference list."""
    recorded = {p.code: p.region for p in ws.partnerships()}
    regions = {}
    for code in codes:
        region = recorded.get(code) or ""
        if not region:
            known = authority(code)
            region = known.region if known else ""
        regions[code] = region
    return regions


# What a code that is meant as a GSS code but is not one looks like: a nation's letter and
# digits ("E0900007", a digit short). Taken as a code of one's own it would match nothing.
_GSS_LIKE = re.compile(r"^[EWSN]\d+$", re.IGNORECASE)
_GROUPS_EXAMPLE = "E09000007,Inner London"


def read_groups_csv(path: Path) -> dict[str, str]:
    """Comparator groups from a CSV of code,group: {code: group}, codes normalised; a listed
    authority's name stands for its code ("Camden" is E09000007), and so does its DfE LA
    number. The first line is the header (its first cell `code`, `LA code` or another
    CODE_HEADERS word, whatever the second is called), or else already a row whose code is
    a GSS code, a listed authority's name or a DfE LA number: a first line that is neither
    (`x,y`) is refused, since it would be taken for a code of one's own and match nothing.
    Every bad row is reported by file and line in one StocktakeError (a row without two
    cells, an empty code or group, a cell that is not a partnership code, a code given
    twice); a missing, empty or undecodable file is refused too."""
    path = Path(path)
    from stocktake.text.csv_files import SAVE_AS_CSV, csv_records
    from stocktake.text.problems import ProblemList
    from stocktake.text.text_files import read_text_file

    text = read_text_file(path, save_as=SAVE_AS_CSV, option="--groups")
    groups: dict[str, str] = {}
    seen: dict[str, int] = {}
    problems = ProblemList()
    first = True
    for line, row in csv_records(text, path, example="code,group"):
        cells = [c.strip() for c in row]
        opening, first = first, False
        if opening and cells and cells[0].casefold() in HEADER_WORDS:
            continue  # a header, whatever the second column is called
        if len(cells) != 2:
            # A trailing comma is gone by now (csv_records), so `E09000007,` is one cell too.
            missing = " (no group)" if len(cells) == 1 and cells[0] else ""
            problems.add(f"{path}:{line}: expected two cells, code and group; got "
                         f"{','.join(row)!r}{missing}")
            continue
        if not cells[0] or not cells[1]:
            empty = "code" if not cells[0] else "group"
            problems.add(f"{path}:{line}: the {empty} is empty in {','.join(row)!r}; each row "
                         f"reads code,group, e.g. {_GROUPS_EXAMPLE}")
            continue
        named = [a for a in authorities_named(cells[0]) if a.current]
        # A listed authority's name stands for its code, as wherever a partnership is asked for;
        # so does its DfE LA number (805 is Hartlepool), the scheme of DfE's own files.
        code = code_for_dfe_number(cells[0]) or (
            named[0].code if len(named) == 1 else normalise_code(cells[0]))
        if opening and not is_gss_code(code):
            problems.add(f"{path}:{line}: '{cells[0]}' is not a partnership code (a header "
                         f"row starts with code or LA code): found {','.join(row)!r}, where "
                         f"the first line should read code,group, or be a row such as "
                         f"{_GROUPS_EXAMPLE}")
            continue
        if not (is_gss_code(code) or OTHER_CODE.match(code)) or (
                DFE_NUMBER.match(code) and not is_gss_code(code)) or (
                _GSS_LIKE.match(code) and not is_gss_code(code)):
            scheme = (" nor a DfE LA number" if DFE_NUMBER.match(code) else
                      " (a GSS code is a letter and eight digits, e.g. E09000007)"
                      if _GSS_LIKE.match(code) else " nor a listed authority's name")
            problems.add(f"{path}:{line}: '{cells[0]}' is not a partnership code{scheme}")
            continue
        if code in seen:
            other = groups[code]
            problems.add(f"{path}:{line}: {code} repeats line {seen[code]}"
                         + (f" (group '{other}' there, '{cells[1]}' here)"
                            if other != cells[1] else ""))
            continue
        seen[code] = line
        groups[code] = cells[1]
    hint = f"the first line reads code,group; each line after it a code and its group, e.g. " \
           f"{_GROUPS_EXAMPLE}"
    if problems:
        raise StocktakeError(f"{path}: {len(problems)} bad row(s)", hint=hint,
                             details=problems.details())
    if not groups:
        raise StocktakeError(f"{path}: no groups found", hint=hint)
    return groups


def _read_shard(path: Path, bank_id: str, wave: str) -> tuple[list[Response], list[Moderation]]:
    # One read per shard gives both the responses and the moderations.
    return _responses_in(read_store_file(path) or {}, bank_id, wave)


def _responses_in(data: Mapping, bank_id: str, wave: str
                  ) -> tuple[list[Response], list[Moderation]]:
    if not data:
        return [], []
    responses = [Response.from_doc(doc) for doc in data.get("responses", {}).values()
                 if doc.get("bank") == bank_id and doc.get("wave") == wave]
    moderations = [Moderation.from_doc(doc) for doc in data.get("moderations", {}).values()
                   if doc.get("bank") == bank_id and doc.get("wave") == wave]
    return responses, moderations


def _match_region(region: str, present: set[str]) -> str:
    from stocktake.partnerships.reference import regions as reference_regions

    known = sorted({r for r in present if r} | set(reference_regions()))
    for name in known:
        if name.lower() == region.strip().lower():
            return name
    raise StocktakeError(f"unknown region '{region}'", hint=f"regions: {', '.join(known)}")
