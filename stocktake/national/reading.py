"""Reading returns in: finding the files sent, checking each one whole and reading it.

Each file is checked before it is parsed (stocktake.returns.file_checks), read with the fast reader
(stocktake.returns.workbook_reader), identified by its About sheet, matched to this machine's edition of
its bank, and its answer data checked against the seal written at export. A file that fails any
check is refused with its reason and the reading carries on; from 16 files they are read in
worker processes.

    workbooks, rejected = read_workbooks([Path("returns/")])
    rejected   # [Rejected(path, "seal broken: ...")]
"""

from __future__ import annotations

from stocktake.national.answer_rows import answer_cells_of
from stocktake.national.returned import (CheckedExport, Rejected, ReturnedWorkbook,
                                         WorkbookRejected)

import os
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.identifiers import shown
from stocktake.records.responses import ANSWERED
from stocktake.returns.seal import (ANSWER_FIELDS, HEADER_FIELDS, MODERATION_FIELDS, PLAN_FIELDS,
                            RESPONSE_FIELDS, canonical_answer_lists, canonical_lists,
                            canonical_rows, canonical_text, seal_matches,
                            seal_of)

from stocktake.returns.about import BankShelf, about_values, partnership_from_about

if TYPE_CHECKING:
    from stocktake.national.answer_spool import AnswerSpool
    from stocktake.scoring.method import PartnershipScores

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls")
BENCHMARK_REASON = "a benchmark workbook, not a partnership export"


# ---------------------------------------------------------------- finding files


# Spreadsheets and data files a return may arrive as, that stocktake does not read: each one met
# in a folder is refused with what to do, never passed over without a word.
OTHER_SPREADSHEETS = {
    ".ods": "an OpenDocument spreadsheet (LibreOffice's own format)",
    ".fods": "a flat OpenDocument spreadsheet",
    ".xls": "an Excel 97-2003 workbook",
    ".xlsb": "an Excel binary workbook",
    ".numbers": "an Apple Numbers spreadsheet",
    ".gnumeric": "a Gnumeric spreadsheet",
    ".csv": "a CSV file",
    ".tsv": "a tab-separated file",
}
SAVE_AS_XLSX = "open it and save it as an Excel workbook (.xlsx), then add it again"


def collect_files(paths: Sequence[Path], skip: Iterable[Path] = ()
                  ) -> tuple[list[Path], list[Rejected], list[Rejected]]:
    """(files to read, refused, passed over) from the files and folders named.

    Folders are searched recursively (sub-folders too). A workbook (.xlsx, .xlsm, ...) is read;
    a spreadsheet in a format stocktake does not read (.ods, .xls, .xlsb, .numbers, .csv...)
    is refused with what to do; an Office or LibreOffice lock file (`~$x.xlsx`,
    `.~lock.x.xlsx#`), a hidden file, and any other file are passed over, each with its reason,
    so every file in the folder is accounted for. A path that does not exist is refused at once.
    A file named directly is always read (its checks give the reason if it is no workbook).
    """
    skipped_paths = {Path(p).resolve() for p in skip}
    found: list[Path] = []
    refused: list[Rejected] = []
    passed: list[Rejected] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved in seen or resolved in skipped_paths:
            return
        seen.add(resolved)
        found.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.resolve() in skipped_paths:
                    continue
                name, suffix = child.name, child.suffix.lower()
                if name.startswith("~$") or name.startswith(".~lock."):
                    passed.append(Rejected(child, "a lock file left by Excel or LibreOffice "
                                                  "while a workbook is open; passed over (close "
                                                  "the workbook if its return is missing)"))
                elif name.startswith("."):
                    passed.append(Rejected(child, "a hidden file; passed over"))
                elif suffix in WORKBOOK_SUFFIXES and suffix != ".xls":
                    add(child)
                elif suffix == ".csv" and _own_csv(child):
                    passed.append(Rejected(child, f"{_own_csv(child)}, not a return; passed "
                                                  "over"))
                elif suffix in OTHER_SPREADSHEETS:
                    refused.append(Rejected(child, f"{OTHER_SPREADSHEETS[suffix]}, which "
                                                   f"stocktake does not read: {SAVE_AS_XLSX}"))
                else:
                    passed.append(Rejected(child, "not a spreadsheet; passed over"))
        elif path.exists():
            suffix = path.suffix.lower()
            if suffix in OTHER_SPREADSHEETS:
                refused.append(Rejected(path, f"{OTHER_SPREADSHEETS[suffix]}, which stocktake "
                                              f"does not read: {SAVE_AS_XLSX}"))
            else:
                add(path)
        else:
            refused.append(Rejected(path, "no such file or folder"))
    return found, refused, passed


def _own_csv(path: Path) -> str:
    """What a CSV is, when its header is that of a CSV stocktake writes itself (a tidy export,
    a round's manifest or chase list); "" otherwise."""
    from stocktake.workbooks.columns import (ANSWER_COLUMNS, SCORE_COLUMNS,
                                             TIDY_ANSWER_COLUMNS)
    from stocktake.round.fieldwork import CHASE_COLUMNS
    from stocktake.round.manifest import MANIFEST_COLUMNS

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline(4096).strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return {",".join(ANSWER_COLUMNS): "a tidy CSV written by `stocktake export`",
            ",".join(TIDY_ANSWER_COLUMNS): "a tidy CSV written by `stocktake export`",
            ",".join(SCORE_COLUMNS): "a tidy CSV written by `stocktake export`",
            ",".join(MANIFEST_COLUMNS): "the manifest written by `stocktake forms create --all`",
            ",".join(CHASE_COLUMNS): "a chase list written by stocktake"}.get(first, "")


# ---------------------------------------------------------------- reading one workbook


def read_returned_workbook(path: Path, shelf: BankShelf | None = None, *,
                           reader: str = "calamine", key: bytes | None = None
                           ) -> ReturnedWorkbook:
    """Read, check and score one partnership export; WorkbookRejected says why it cannot be
    used."""
    shelf = shelf or BankShelf()
    return scored_workbook(check_returned_workbook(path, shelf, reader=reader, key=key), shelf)


def check_returned_workbook(path: Path, shelf: BankShelf, *, reader: str = "calamine",
                            key: bytes | None = None) -> CheckedExport:
    """Every check a returned workbook must pass, in the order that gives the clearest reason:
    a safe workbook file, a stocktake export, this machine's edition of its bank, the sheets
    it needs, an intact seal (and, with `key`, an intact keyed seal made with that key), rows
    of one partnership."""
    from stocktake.returns.file_checks import check_workbook_file
    from stocktake.returns.workbook_reader import MissingSheet, read_sheets

    path = Path(path)
    try:
        check_workbook_file(path)
    except StocktakeError as exc:
        raise WorkbookRejected(path, getattr(exc, "reason", None) or exc.message)
    try:
        sheets = read_sheets(path, ["About"], optional=["Answers", "_responses", "_moderations",
                                                        "_plans"],
                             reader=reader, empty_as_none=False)
    except MissingSheet:
        raise WorkbookRejected(path, "not a stocktake export (no About sheet)")
    except StocktakeError as exc:
        raise WorkbookRejected(path, getattr(exc, "reason", None) or exc.message)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is a refusal
        raise WorkbookRejected(path, f"cannot be read as a workbook ({type(exc).__name__})")
    about = about_values(sheets["About"])
    _check_identity(path, about)
    for name in ("Answers", "_responses"):
        if name not in sheets:
            raise WorkbookRejected(path, f"sheet '{name}' is missing; send the workbook as "
                                         "stocktake exported it")
    checked_ids = about_identifiers(path, about)
    bank = _matching_bank(path, about, shelf)
    header = canonical_rows("header", [about])[0]
    answers = canonical_answer_lists(_records(path, sheets["Answers"], ANSWER_FIELDS,
                                              "Answers"), bank)
    response_sheet = sheets["_responses"]
    # Workbooks exported before responses carried an age band have no such column; their seal
    # covers the fields before it.
    with_age = bool(response_sheet) and "age_band" in [canonical_text(h).strip()
                                                      for h in response_sheet[0]]
    responses = canonical_lists("responses", _records(
        path, response_sheet, RESPONSE_FIELDS if with_age else RESPONSE_FIELDS[:-1],
        "_responses"))
    moderations = canonical_lists("moderations", _records(
        path, sheets.get("_moderations") or [list(MODERATION_FIELDS)], MODERATION_FIELDS,
        "_moderations"))
    plans = canonical_lists("plans", _records(
        path, sheets.get("_plans") or [list(PLAN_FIELDS)], PLAN_FIELDS, "_plans"))
    seal = canonical_text(about.get("seal")).strip()
    if not seal:
        raise WorkbookRejected(path, "no seal in the About sheet")
    if seal_of(header, responses, answers, moderations, plans) != seal:
        from stocktake.returns.workbook_reader import formula_reason, formulas_without_values

        # A formula nobody calculated reads as empty: say so, not "edited".
        unsaved = formulas_without_values(path, ["About", "Answers", "_responses",
                                                 "_moderations", "_plans"])
        if unsaved:
            raise WorkbookRejected(path, formula_reason(unsaved))
        raise WorkbookRejected(path, "seal broken: the answer data was edited after export "
                                     "(it no longer matches the seal in About)")
    if key is not None:
        keyed = canonical_text(about.get("keyed_seal")).strip()
        if not keyed:
            raise WorkbookRejected(path, "no keyed seal in the About sheet: it was exported "
                                         "without the national team's key, so a deliberate "
                                         "edit could not be told; ask for an export made with "
                                         "`stocktake export --key`")
        if not seal_matches(seal_of(header, responses, answers, moderations, plans, key=key),
                            keyed):
            raise WorkbookRejected(path, "keyed seal broken: the answer data was changed after "
                                         "export and its plain seal recomputed, or it was "
                                         "sealed with another key")
    if not with_age:
        responses = [row + [""] for row in responses]
    code, wave = header[HEADER_FIELDS.index("partnership")], header[HEADER_FIELDS.index("wave")]
    others = {row[0] for row in answers} | {row[0] for row in responses}
    others.discard(code)
    if others:
        raise WorkbookRejected(path, "holds rows for other partnerships "
                                     f"({', '.join(sorted(others))})")
    orphans = {row[1] for row in answers} - {row[1] for row in responses}
    if orphans:
        raise WorkbookRejected(path, "answers of respondents missing from the _responses sheet "
                                     f"({', '.join(sorted(orphans))})")
    roles = {row[RESPONSE_FIELDS.index("role")] for row in responses}
    unknown = sorted(r for r in roles if r not in bank.role_ids)
    if unknown:
        raise WorkbookRejected(path, f"respondents with roles bank {bank.id} does not have "
                                     f"({', '.join(shown(r) for r in unknown)})")
    _check_option_answers(path, bank, answers)
    named = [f"row {i}" for i, row in enumerate(responses, start=2)
             if not is_reference(bank, row[RESPONSE_FIELDS.index("role")],
                                 row[RESPONSE_FIELDS.index("respondent")])]
    if named:
        raise WorkbookRejected(path, "_responses " + ", ".join(named) + ": a name given for a "
                                     "role that answers anonymously (children and young "
                                     "people); their responses carry a reference such as "
                                     "YP-0007, never a name")
    code, wave = checked_ids["partnership"], checked_ids["wave"]
    return CheckedExport(path, bank.id, wave, partnership_from_about(code, about),
                         header[HEADER_FIELDS.index("exported_at")], responses, answers,
                         moderations, plans)


def _check_option_answers(path: Path, bank: Bank, answers: list[list[str]]) -> None:
    """Choice and multi answers read as every other route reads them
    (answer_values.read_options): labels or ids, several by `;` or `,`, each row's value put
    back as the ids it names; an option the bank does not have, an ambiguous name, or an
    exclusive option ("None of these") ticked with others is refused, naming the answer."""
    from stocktake.banks.answer_values import BadValue, exclusive_conflict, read_options

    for row in answers:
        _, respondent, qid, status, value, *_ = row
        if status != ANSWERED or not value or not bank.has_question(qid):
            continue
        question = bank.question(qid)
        if question.type not in ("choice", "multi"):
            continue
        # The canonical text stocktake writes, checked without the general reader: this runs
        # for every answer of every return.
        if question.type == "choice" and question.option(value) is not None:
            continue
        parts = value.split(";")
        ids: list[str] | None  # read_options' None (nothing matches) is refused below
        if question.type == "multi" and all(question.option(p) is not None for p in parts):
            ids = list(dict.fromkeys(parts))
        else:
            try:
                ids = read_options(question, value)
            except BadValue as exc:
                raise WorkbookRejected(path, f"{respondent}'s answer to {qid}: {exc}")
            if not ids or (question.type == "choice" and len(ids) != 1):
                known = ", ".join(o.id for o in question.options)
                raise WorkbookRejected(path, f"{respondent}'s answer to {qid}: {value!r} is not "
                                             f"one of its options ({known})")
        conflict = exclusive_conflict(question, ids)
        if conflict:
            raise WorkbookRejected(path, f"{respondent}'s answer to {qid}: {conflict}")
        if ids != parts:
            row[4] = ";".join(ids)


def is_reference(bank: Bank, role: str, respondent: str) -> bool:
    """False only for an anonymous role whose respondent is not a reference such as YP-0007."""
    import re

    if not bank.is_anonymous(role):
        return True
    prefix = bank.role(role).reference_prefix
    return re.fullmatch(rf"{re.escape(prefix)}-\d{{4,}}", respondent) is not None


def scored_workbook(checked: CheckedExport, shelf: BankShelf,
                    scores: "PartnershipScores | None" = None) -> ReturnedWorkbook:
    """The workbook with its responses rebuilt and scored (by the same code as `stocktake
    scores`), unless `scores` were worked out already."""
    from stocktake.scoring.method import score_partnership

    bank = shelf.get(checked.bank_id)
    wb = ReturnedWorkbook(checked.path, bank, checked.wave, checked.partnership,
                          checked.exported_at, checked, scores)  # type: ignore[arg-type]
    if scores is None:
        scores = score_partnership(bank, list(wb.responses), list(wb.moderations),
                                   partnership=checked.partnership.code, wave=checked.wave)
        object.__setattr__(wb, "scores", scores)
    return wb


def about_identifiers(path: Path, about: dict[str, Any]) -> dict[str, str]:
    """The About sheet's bank id, partnership code and wave, each checked as the command line
    checks them (stocktake.partnerships.identifiers), since they go on to name files; WorkbookRejected
    names the first that is not fit."""
    from stocktake.partnerships.identifiers import checked_bank_id, checked_code, checked_wave

    found = {}
    for key, check in (("bank", checked_bank_id), ("partnership", checked_code),
                       ("wave", checked_wave)):
        try:
            found[key] = check(canonical_text(about.get(key)), f"About sheet, {key}")
        except StocktakeError as exc:
            raise WorkbookRejected(path, exc.message)
    return found


def _check_identity(path: Path, about: dict[str, Any]) -> None:
    from stocktake.workbooks import (BENCHMARK_WORKBOOK, FORMAT_VERSION, PARTNERSHIP_EXPORT,
                                     RESPONSE_FORM)

    kind = canonical_text(about.get("format")).strip()
    if kind == RESPONSE_FORM:
        raise WorkbookRejected(path, "a response form, not a partnership export; import it with "
                                     "`stocktake forms import`")
    if kind == BENCHMARK_WORKBOOK:
        raise WorkbookRejected(path, BENCHMARK_REASON)
    if kind != PARTNERSHIP_EXPORT:
        raise WorkbookRejected(path, "not a stocktake export (its About sheet does not say "
                                     f"'{PARTNERSHIP_EXPORT}')")
    version = canonical_text(about.get("format_version")).strip()
    if version != str(FORMAT_VERSION):
        raise WorkbookRejected(path, f"export format {version or '?'} is not one this version "
                                     f"of stocktake reads (format {FORMAT_VERSION})")


def _matching_bank(path: Path, about: dict[str, Any], shelf: BankShelf) -> Bank:
    bank_id = canonical_text(about.get("bank")).strip()
    version = canonical_text(about.get("bank_version")).strip()
    digest = canonical_text(about.get("bank_hash")).strip()
    try:
        bank = shelf.get(bank_id)
    except StocktakeError:
        raise WorkbookRejected(path, f"bank '{bank_id}' is not installed here")
    if version != bank.version:
        raise WorkbookRejected(path, f"different bank version: exported with {bank_id} "
                                     f"{version}, this merge uses {bank.version}")
    if digest != bank.hash:
        raise WorkbookRejected(path, f"different edition of bank {bank_id} {version}: its "
                                     f"questions differ from this machine's (hash "
                                     f"{digest[:12]} vs {bank.hash[:12]})")
    return bank


def _records(path: Path, rows: list[list[Any]], fields: Sequence[str],
             sheet: str) -> list[list[Any]]:
    """Rows as lists of `fields` found by the header's names; empty rows (a table's tail, a
    re-save's padding) are dropped."""
    if not rows:
        raise WorkbookRejected(path, f"sheet '{sheet}' is empty")
    header = [canonical_text(h).strip() for h in rows[0]]
    missing = [f for f in fields if f not in header]
    if missing:
        raise WorkbookRejected(path, f"sheet '{sheet}' has no column {', '.join(missing)}")
    index = [header.index(f) for f in fields]
    width = max(index) + 1
    pick = itemgetter(*index)
    records = []
    for row in rows[1:]:
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        picked = pick(row)
        # An empty row (a table's tail, a re-save's padding): None or "" in every field.
        if (picked[0] is None or picked[0] == "") and \
                all(v is None or v == "" for v in picked):
            continue
        records.append(picked)
    return records


# ---------------------------------------------------------------- the whole merge


def read_workbooks(paths: Sequence[Path], *, shelf: BankShelf | None = None,
                   progress: Callable[[Path], None] | None = None,
                   reader: str = "calamine", workers: int | None = None,
                   key: bytes | None = None, spool: "AnswerSpool | None" = None,
                   keep_responses: bool = True,
                   ) -> tuple[list[ReturnedWorkbook], list[Rejected]]:
    """Read every file; each is either a ReturnedWorkbook or a Rejected with its reason.

    Reading and checking a workbook is independent of every other, so a large merge spreads
    the files over `workers` processes (default: one per CPU, from 16 files up); results come
    back in file order either way. Each workbook is scored where it was read. With `spool`,
    each workbook's national Answers rows are written to it there too (`.spooled`), and unless
    `keep_responses` its answer rows are then let go (`.responses` raises).
    """
    shelf = shelf or BankShelf()
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(paths) >= PARALLEL_FROM else 1
    read: list[ReturnedWorkbook] = []
    rejected: list[Rejected] = []
    for path, outcome in _outcomes(paths, shelf, reader, workers, key, spool, keep_responses):
        if isinstance(outcome, Rejected):
            rejected.append(outcome)
        else:
            read.append(outcome)
        if progress is not None:
            progress(Path(path))
    return read, rejected


PARALLEL_FROM = 16
MAX_WORKERS = 8


def _outcomes(paths: Sequence[Path], shelf: BankShelf, reader: str, workers: int,
              key: bytes | None = None, spool: "AnswerSpool | None" = None,
              keep: bool = True):
    if workers <= 1 or len(paths) < 2:
        for index, path in enumerate(paths):
            outcome = _scored(_read_in(Path(path), shelf, reader, key), shelf)
            if spool is not None and isinstance(outcome, ReturnedWorkbook):
                outcome = _spooled(outcome, spool, index, keep)
            yield path, outcome
        return
    import multiprocessing

    # fork shares the already-imported modules and banks with the workers at no cost; where
    # there is no fork (Windows, macOS default) spawn pays one import per worker.
    global _WORKER_SHELF
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, len(paths) // (workers * 8))
    _WORKER_SHELF = shelf  # forked workers inherit the banks already found
    try:
        with context.Pool(workers) as pool:
            folder = None if spool is None else str(spool.folder)
            jobs = [(str(p), reader, key, folder, index, keep) for index, p in enumerate(paths)]
            for path, outcome in zip(paths, pool.imap(_read_in_worker, jobs, chunksize=chunk)):
                yield path, _scored(outcome, shelf)
    finally:
        _WORKER_SHELF = None


def _read_in(path: Path, shelf: BankShelf, reader: str, key: bytes | None = None
             ) -> tuple[CheckedExport, "PartnershipScores | None"] | Rejected:
    try:
        return check_returned_workbook(path, shelf, reader=reader, key=key), None
    except WorkbookRejected as exc:
        return Rejected(exc.path, exc.reason)
    except StocktakeError as exc:
        return Rejected(path, exc.message)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other 150
        return Rejected(path, f"cannot be read ({type(exc).__name__}: {exc})")


def _scored(outcome: Any, shelf: BankShelf) -> ReturnedWorkbook | Rejected:
    if isinstance(outcome, Rejected):
        return outcome
    checked, scores, *spooled = outcome
    try:
        wb = scored_workbook(checked, shelf, scores)
    except Exception as exc:  # noqa: BLE001 - as above: refuse the file, go on
        return Rejected(checked.path, f"cannot be read ({type(exc).__name__}: {exc})")
    if spooled and spooled[0] is not None:
        object.__setattr__(wb, "spooled", spooled[0])
    return wb


def _spooled(wb: ReturnedWorkbook, spool: "AnswerSpool", index: int,
             keep: bool) -> ReturnedWorkbook:
    """`wb` with its national Answers rows written to `spool`; without `keep`, its answer rows
    and the responses rebuilt from them let go."""
    from dataclasses import replace

    from stocktake.national.answers_sheet import value_width

    spooled = spool.put(f"{index:06d}", answer_cells_of(wb.bank, wb), value_width(wb.bank))
    if keep:
        return replace(wb, spooled=spooled)
    # Each respondent's area scores are for one partnership's report, never the national
    # workbook: a merge that keeps no answers keeps none of those either.
    return replace(wb, checked=wb.checked.without_answers(), spooled=spooled,
                   scores=replace(wb.scores, respondent_scores=()))


_WORKER_SHELF: BankShelf | None = None


def _read_in_worker(job: tuple[str, str, bytes | None, str | None, int, bool]) -> Any:
    """In a worker: check and score one file, and spool its national Answers rows. What goes
    back is the checked rows (lists of text; without the answers unless kept) and the scores;
    pickling thousands of frozen Answer objects instead would cost more than the worker saves,
    so the parent rebuilds responses only if it stores them."""
    global _WORKER_SHELF
    if _WORKER_SHELF is None:
        _WORKER_SHELF = BankShelf()
    path, reader, key, folder, index, keep = job
    outcome = _read_in(Path(path), _WORKER_SHELF, reader, key)
    if isinstance(outcome, Rejected):
        return outcome
    checked = outcome[0]
    try:
        wb = scored_workbook(checked, _WORKER_SHELF)
        if folder is None:
            return checked, wb.scores, None
        from stocktake.national.answer_spool import AnswerSpool

        wb = _spooled(wb, AnswerSpool(Path(folder)), index, keep)
        return wb.checked, wb.scores, wb.spooled
    except Exception as exc:  # noqa: BLE001
        return Rejected(checked.path, f"cannot be read ({type(exc).__name__}: {exc})")
