"""The national merge: reading returned partnership workbooks, checking them, building the result.

Each file is checked before it is parsed (stocktake.returns.file_checks), read with the fast reader
(stocktake.returns.workbook_reader), identified by its About sheet, matched to this machine's edition of
its bank, and its answer data checked against the seal written at export. A file that fails any
check is refused with its reason and the merge carries on. Files are grouped by bank and wave;
the same partnership twice keeps the newest export. Scores are then computed from the merged
answers by the same code as `stocktake scores` and `stocktake benchmark`.

    result = merge_workbooks([Path("returns/")], Path("national.xlsx"))
    result.rejected   # [Rejected(path, "seal broken: ...")]
"""

from __future__ import annotations

import os
from collections import defaultdict
from operator import itemgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.identifiers import shown
from stocktake.partnerships.model import Partnership
from stocktake.responses import ANSWERED, Answer, Moderation, Response, ResponseKey
from stocktake.returns.seal import (ANSWER_FIELDS, HEADER_FIELDS, MODERATION_FIELDS, PLAN_FIELDS,
                            RESPONSE_FIELDS, canonical_answer_lists, canonical_lists,
                            canonical_rows, canonical_text, clean_text, seal_matches,
                            seal_of)

from stocktake.returns.about import BankShelf, about_values, partnership_from_about  # noqa: F401

if TYPE_CHECKING:
    from stocktake.national.answer_spool import AnswerSpool, Spooled
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.scoring.method import PartnershipScores
    from stocktake.store.workspace import Workspace

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls")
BENCHMARK_REASON = "a benchmark workbook, not a partnership export"


class WorkbookRejected(StocktakeError):
    """A returned workbook the merge will not use; `reason` is the short why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: refused: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class CheckedExport:
    """A workbook that passed every check, as canonical rows (the fields of stocktake.returns.seal):
    plain lists of text, cheap to send back from a worker process."""

    path: Path
    bank_id: str
    wave: str
    partnership: Partnership
    exported_at: str
    responses: list[list[str]]
    # None once the national rows were spooled and the merge does not store or report the
    # responses (merge_workbooks, keep_responses=False): `answer_count` says how many there were.
    answers: list[list[str]] | None
    moderations: list[list[str]]
    plans: list[list[str]] = field(default_factory=list)
    answer_count: int = 0

    def without_answers(self) -> "CheckedExport":
        """The same without its answer rows, which a merge that only writes the national
        workbook has spooled (stocktake.national.answer_spool) and needs no more."""
        from dataclasses import replace

        return replace(self, answers=None, answer_count=self.answers_held)

    @property
    def answers_held(self) -> int:
        return self.answer_count if self.answers is None else len(self.answers)


@dataclass(frozen=True)
class ReturnedWorkbook:
    """One partnership export, read and checked, with its scores.

    The responses are built from the checked rows when first asked for: a merge scores each
    workbook where it was read (perhaps in a worker process) and needs the responses again
    only to store them.
    """

    path: Path
    bank: Bank
    wave: str
    partnership: Partnership
    exported_at: str
    checked: CheckedExport = field(repr=False, compare=False)
    scores: "PartnershipScores" = field(repr=False, compare=False)
    # Its rows of the national Answers sheet, on disk (merge_workbooks spools them).
    spooled: "Spooled | None" = field(default=None, repr=False, compare=False)

    @property
    def responses(self) -> tuple[Response, ...]:
        built = self.__dict__.get("_responses")
        if built is None:
            c = self.checked
            if c.answers is None:
                raise RuntimeError(f"{self.path}: the answers were not kept (merge_workbooks "
                                   "keeps them with keep_responses=True)")
            built = _rebuild_responses(self.bank, c.partnership.code, c.wave, c.responses,
                                       c.answers)
            object.__setattr__(self, "_responses", built)
        return built

    @property
    def moderations(self) -> tuple[Moderation, ...]:
        c = self.checked
        return tuple(_rebuild_moderation(self.bank.id, c.wave, c.partnership.code, m)
                     for m in c.moderations)

    @property
    def plans(self) -> tuple:
        """The action plan's items the workbook carried (reports.action_plan.PlanItem)."""
        from stocktake.reports.action_plan import PlanItem

        c = self.checked
        return tuple(PlanItem.from_doc({**dict(zip(PLAN_FIELDS, row)), "bank": self.bank.id,
                                        "wave": c.wave}) for row in c.plans)

    @property
    def respondents(self) -> int:
        return len(self.checked.responses)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of its respondents, sorted, each once."""
        return tuple(sorted({row[2] for row in self.checked.responses}))

    @property
    def answers(self) -> int:
        return self.checked.answers_held


@dataclass(frozen=True)
class Rejected:
    path: Path
    reason: str


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
        }

    def _groups_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.groups_source,
                               "groups": len(set(self.groups.values())),
                               "codes": len(self.groups), "unmatched": self.unmatched_groups}
        if len(self.outputs) > 1:
            out["unmatched_by_out"] = {str(o.path): list(o.benchmark.unmatched_groups)
                                       for o in self.outputs}
        return out


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
    from stocktake.workbooks.exports import (ANSWER_COLUMNS, SCORE_COLUMNS,
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


def _rebuild_responses(bank: Bank, code: str, wave: str, responses: list[list[str]],
                       answers: list[list[str]]) -> tuple[Response, ...]:
    """Responses from canonical rows (the fields of stocktake.returns.seal, in order)."""
    by_respondent: dict[str, dict[str, Answer]] = defaultdict(dict)
    types = {q.id: q.type for q in bank.questions}
    for _, respondent, qid, status, value, evidence, answered_at in answers:
        if status != ANSWERED or value == "":
            stored: Any = None
        else:
            qtype = types.get(qid)
            # Levels are the bulk of every bank: whole numbers in canonical text.
            stored = int(value) if qtype == "scale" and value.isdigit() else \
                value if qtype in ("yesno", "choice", "text") else _answer_value(qtype, value)
        by_respondent[respondent][qid] = Answer(qid, status, stored, evidence, answered_at)
    rebuilt = []
    for (_, respondent, role, mode, adviser, version, digest, started_at, updated_at,
         age_band) in responses:
        key = ResponseKey(code, bank.id, wave, respondent)
        rebuilt.append(Response(key, role, mode or "interview", adviser, version, digest,
                                started_at, updated_at, by_respondent.pop(respondent, {}),
                                age_band=age_band))
    return tuple(sorted(rebuilt, key=lambda r: r.key.respondent))


def _answer_value(qtype: str | None, text: str) -> Any:
    """A stored answer value from its canonical text: levels and numbers as numbers, multi as
    a list of option ids, anything else as text."""
    if text == "":
        return None
    if qtype in ("scale", "number"):
        try:
            number = float(text)
        except ValueError:
            return text
        if qtype == "scale" or number.is_integer():
            return int(number)
        return number
    if qtype == "multi":
        return [part for part in text.split(";") if part]
    return text


def _rebuild_moderation(bank_id: str, wave: str, code: str, row: list[str]) -> Moderation:
    _, area, score, reason, adviser, moderated_at = row
    try:
        value = float(score)
    except ValueError:
        value = 0.0
    return Moderation(code, bank_id, wave, area, value, reason, adviser, moderated_at)


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

    spooled = spool.put(f"{index:06d}", answer_cells_of(wb.bank, wb))
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


def national_answer_rows(bank: Bank, workbooks: Sequence[ReturnedWorkbook]
                         ) -> list[dict[str, Any]]:
    """Every merged answer in long form (NATIONAL_ANSWER_COLUMNS of
    stocktake.workbooks.national_answers): partnership, respondent, role, question, value and
    the question's score on 0-100 (empty where the answer does not count), so nobody has to
    reopen the returned files.

    The respondent is a reference by role ("health 2", the second health respondent of that
    partnership in name order), never the name or job title it was held by: a national workbook
    leaves the workspace, and a post held by one person names them (issue 23)."""
    from stocktake.workbooks.national_answers import NATIONAL_ANSWER_COLUMNS

    return [dict(zip(NATIONAL_ANSWER_COLUMNS, row)) for wb in workbooks
            for row in _answer_rows_of(bank, wb)]


def answer_cells_of(bank: Bank, wb: ReturnedWorkbook) -> list[list[Any]]:
    """One workbook's rows of national_answer_rows as the sheet's cells (as
    national_answers.answer_cells makes them: clean text, no empty text)."""
    return [list(row) for row in _answer_rows_of(bank, wb)]


def _answer_rows_of(bank: Bank, wb: ReturnedWorkbook) -> Iterator[tuple[Any, ...]]:
    """One workbook's answers as tuples in NATIONAL_ANSWER_COLUMNS order, their text as a cell
    holds it (clean_text) and empty text as None. What repeats from row to row (the bank's
    words, the partnership's) is cleaned once."""
    from stocktake.banks.applicability import is_applicable
    from stocktake.workbooks.exports import cell_value
    from stocktake.scoring.method import question_score

    def clean(value: Any) -> Any:
        value = clean_text(value)
        return None if value == "" else value

    apart = set(bank.apart_role_ids)
    order = {q.id: i for i, q in enumerate(bank.questions)}
    p = wb.partnership
    held = (clean(p.code), clean(p.name), clean(p.region))
    words: dict[str, tuple[Any, Any, Any]] = {}
    scored: dict[tuple[Any, ...], Any] = {}
    seen: dict[str, int] = {}
    for response in sorted(wb.responses, key=lambda r: r.key.respondent):
        answers = response.answers
        role = response.role
        seen[role] = seen.get(role, 0) + 1
        who = (clean(f"{role} {seen[role]}"), clean(role), clean(bank.role_title(role)),
               "yes" if role in apart else "no")
        for qid in sorted(answers, key=lambda q: (order.get(q, len(order)), q)):
            answer = answers[qid]
            question = bank.question(qid) if bank.has_question(qid) else None
            said = words.get(qid)
            if said is None:
                said = words[qid] = (clean(question.area if question else ""), clean(qid),
                                     clean(question.text if question else ""))
            score = None
            if question is not None and is_applicable(bank, question, role, answers):
                # The same answer to the same question scores the same: most repeat.
                value = answer.value
                key = (qid, answer.status, tuple(value) if isinstance(value, list) else value)
                score = scored.get(key, scored)
                if score is scored:
                    s = question_score(question, answer)
                    score = scored[key] = None if s is None else 100.0 * s
            yield (*held, *who, *said, clean(cell_value(question, answer)), score,
                   clean(answer.status))


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
    `expect` (ExpectedAuthority of `stocktake.round.returns`) adds a Returns sheet listing
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
    from stocktake.workbooks.benchmark import write_national_workbook

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
            from stocktake.round.returns import return_rows

            returns = return_rows(expect, members)
        write_national_workbook(path, benchmark, bank,
                                {wb.partnership.code: wb.partnership for wb in members},
                                sources=[(wb.partnership.code, wb.path.name, wb.exported_at,
                                          wb.respondents, wb.answers) for wb in members],
                                returns=returns, shared=shared,
                                answers=spool.answer_rows([wb.spooled for wb in members]),
                                groups_source=groups_source)
        result.outputs.append(NationalOutput(bank, wave, path, benchmark))
        result.merged.extend(members)
        if workspace is not None:
            result.notices.extend(import_into_workspace(workspace, members, redact=redact))
    if expect is not None:
        from stocktake.round.returns import return_rows

        result.returns = return_rows(expect, result.merged)
    return result


def import_into_workspace(ws: "Workspace", workbooks: Sequence[ReturnedWorkbook], *,
                          redact: bool = False) -> list[tuple[str, str, tuple[str, ...]]]:
    """Partnerships in one write, then each partnership's responses in one write; with
    `redact`, likely personal data in evidence and text answers is replaced first (scores do
    not change: neither is scored). Each response records the safeguarding notices its answers
    call for (`returns.notices`); returned: (partnership, respondent, question ids) of each
    response that has any."""
    from dataclasses import replace

    from stocktake.returns.notices import notices_called_for, with_earlier_notices
    from stocktake.workbooks.exports import redact_responses

    noticed: list[tuple[str, str, tuple[str, ...]]] = []
    ws.add_partnerships(wb.partnership for wb in workbooks)
    for wb in workbooks:
        responses, moderations = list(wb.responses), list(wb.moderations)
        if redact:
            responses, moderations = redact_responses(wb.bank, responses, moderations)
        # A workbook does not carry the notices recorded where it was made: they are found again
        # from the answers, and those this workspace recorded before keep their times.
        earlier = {r.key: r.notices for r in ws.responses(wb.partnership.code, bank=wb.bank.id,
                                                          wave=wb.wave) if r.notices}
        responses = [replace(r, notices=with_earlier_notices(
            {**notices_called_for(wb.bank, r.answers.values()), **r.notices},
            earlier.get(r.key)))
            for r in responses]
        ws.write_responses(wb.partnership.code, responses)
        noticed.extend((wb.partnership.code, r.key.respondent, tuple(sorted(r.notices)))
                       for r in responses if r.notices)
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
    return noticed
