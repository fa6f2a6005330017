"""Submissions as ODK Central and KoboToolbox export them, checked whole, as responses.

Formats read (each built exactly so in tests/xlsform/test_xlsform_submissions.py, with sources):

* ODK Central CSV (`submissions.csv`): comma-separated; header `SubmissionDate`,
  `meta-instanceID`, the fields with their group path joined by `-` (`vision-vision.known`), then
  `KEY`, `SubmitterID`, `SubmitterName`, `AttachmentsPresent`, `AttachmentsExpected`, `Status`,
  `ReviewState`, `DeviceID`, `Edits`, `FormVersion`; select_multiple values space-separated;
  with "split select multiples", one more column per option, `<field>/<option>`, 0 or 1.
* KoboToolbox XLSX or CSV with "XML values and headers": first sheet (or `;`-separated CSV);
  header `start`, `end`, the fields with their group path joined by `/`, then `_id`, `_uuid`,
  `_submission_time`, `_validation_status`, `_notes`, `_status`, `_submitted_by`,
  `__version__`, `_tags`, `_index`; select_multiple as the space-separated summary column and/or
  one `<field>/<option>` column of 0/1 each; an optional second row of HXL tags.

Each row is one respondent. Every bad row and cell is named (by line or cell, and column) and
nothing is returned unless the whole file is good; a CSV line with more or fewer cells than the
header is such a row (its cells cannot be told to their columns). Unknown columns other than the
tools' metadata, and values in a column the header gives no name, are returned as warnings. A
row whose `stocktake_form` is not this bank's id, version and hash is refused, naming what it
holds. A refusal (`SubmissionsRefused`) still names every readable answer that calls for the
bank's safeguarding notice, as does a file whose rejected submissions are left out.

    batch = read_submissions(Path("idea-stocktake.csv"), bank, partnership_lookup)
    for s in batch.submissions: ...
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable

from stocktake.interview.answers_file import AnswerRow, check_answer_rows
from stocktake.banks.model import Bank, Question
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.records.responses import Answer
from stocktake.xlsform.export import (DEFAULT_ANONYMOUS_ROLES, EVIDENCE_SUFFIX, FORM_FIELD,
                                      NOTICE_SUFFIX,
                                      PARTNERSHIP_FIELD, RESPONDENT_FIELD, form_identity,
                                      group_name)
from stocktake.xlsform.relevance import ROLE_FIELD

CENTRAL, KOBO = "ODK Central", "KoboToolbox"
# When the tool received the submission (UTC): each answer's answered_at, not the import's time.
SUBMITTED_COLUMNS = ("SubmissionDate", "_submission_time")
# Columns the tools add to every export (ODK metadata questions too); never warned about.
CENTRAL_METADATA = {"SubmissionDate", "meta-instanceID", "meta-instanceName", "meta-audit",
                    "meta-deprecatedID", "meta-entity", "instanceID", "instanceName",
                    "deprecatedID", "KEY", "SubmitterID", "SubmitterName",
                    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
                    "DeviceID", "Edits", "FormVersion", "isValidated"}
KOBO_METADATA = {"_id", "_uuid", "_submission_time", "_index", "_status", "_validation_status",
                 "_submitted_by", "__version__", "_notes", "_tags", "_attachments",
                 "_geolocation", "_xform_id_string", "_parent_table_name", "_parent_index",
                 "formhub/uuid", "meta/instanceID", "meta/instanceName", "meta/rootUuid",
                 "meta/deprecatedID", "meta/audit", "rootUuid", "deprecatedID"}
ODK_METADATA_QUESTIONS = {"start", "end", "today", "deviceid", "username", "phonenumber",
                          "simserial", "subscriberid", "email", "audit", "start-geopoint"}
KNOWN_METADATA = CENTRAL_METADATA | KOBO_METADATA | ODK_METADATA_QUESTIONS
INSTANCE_COLUMNS = {CENTRAL: ("KEY", "meta-instanceID"), KOBO: ("_uuid", "meta/instanceID")}
# An edit at the source makes a new version of a submission. ODK Central keeps `KEY` (the
# logical id, the first version's instanceID) while `meta-instanceID` becomes the new version's
# and `meta-deprecatedID` holds the one it replaced; `Edits` counts the edits. KoboToolbox gives
# the new version a new `_uuid` (and `meta/instanceID`), keeps the first in `meta/rootUuid` and
# the replaced one in `meta/deprecatedID`.
# Exports without group paths (Central's groupPaths=false, Kobo without "include groups") name
# the meta fields alone.
VERSION_ID_COLUMNS = {CENTRAL: ("meta-instanceID", "instanceID", "KEY"),
                      KOBO: ("meta/instanceID", "instanceID", "_uuid")}
ROOT_ID_COLUMNS = {CENTRAL: ("KEY",), KOBO: ("meta/rootUuid", "rootUuid")}
DEPRECATED_COLUMNS = {CENTRAL: ("meta-deprecatedID", "deprecatedID"),
                      KOBO: ("meta/deprecatedID", "deprecatedID")}
EDITS_COLUMN = "Edits"
VERSION_COLUMNS = ("FormVersion", "__version__")
UNKNOWN_ANSWERS = ("na", "dk")
# A reviewer's rejection in either tool: such a submission is left out, and said so.
REJECTED = {"ReviewState": "rejected", "_validation_status": "validation_status_not_approved"}

PartnershipLookup = Callable[[str], Partnership]


@dataclass(frozen=True)
class Submission:
    where: str  # "line 4" or "row 4": where the submission is in the file
    instance_id: str  # without the "uuid:" prefix ODK adds
    partnership: Partnership
    role: str
    respondent: str
    answers: tuple[Answer, ...]
    # The version this row is (instance_id is the version's id, the id imports compare), the
    # submission's first version (Central KEY, Kobo meta/rootUuid) and the version it replaced,
    # when the tool says; "" where it does not (a submission never edited).
    root_id: str = ""
    deprecated_id: str = ""
    edits: int = 0  # Central's count of edits at the source

    @property
    def ids(self) -> set[str]:
        """Every id that names this submission (any version)."""
        return {i for i in (self.instance_id, self.root_id, self.deprecated_id) if i}


@dataclass(frozen=True)
class NoticeCalled:
    """A submission holding an answer that calls for the safeguarding notice, and not stored:
    rejected in review, or in files the import refused. Nothing records the notice, so the
    command must show it: the child's answer is not to be lost with the file."""

    file: str
    where: str  # "line 4" or "sheet 'x', row 4"
    instance_id: str  # "" where the row has none
    partnership: str  # the code as the row gives it
    role: str
    respondent: str  # "" for a child (anonymous), or a name not yet checked
    questions: tuple[str, ...]  # the questions whose answers call for it, in bank order
    why: str  # why it was not stored, in words

    def describe(self) -> str:
        """'FILE: line 2 holds an answer that calls for the safeguarding notice (...)'."""
        who = ", ".join(x for x in (self.partnership, self.role, self.respondent,
                                    f"submission {self.instance_id}" if self.instance_id
                                    else "") if x)
        return (f"{self.file}: {self.where} holds an answer that calls for the safeguarding "
                f"notice ({', '.join(self.questions)}; {who}); {self.why}")

    def to_json(self) -> dict[str, Any]:
        """{file, where, instance_id, partnership, role, respondent, questions, recorded
        (always False: nothing was stored), reason}."""
        return {"file": self.file, "where": self.where, "instance_id": self.instance_id,
                "partnership": self.partnership, "role": self.role,
                "respondent": self.respondent, "questions": list(self.questions),
                "recorded": False, "reason": self.why}


class SubmissionsRefused(StocktakeError):
    """Submissions refused whole, nothing stored. `notices` names every readable row whose
    answers call for the safeguarding notice (shown, not recorded: nothing was stored);
    `files[i]` is the file `details[i]` is about ("" where it is about none)."""

    def __init__(self, message: str, hint: str | None = None, *,
                 details: list[str] | None = None, notices: tuple[NoticeCalled, ...] = (),
                 files: list[str] | None = None):
        super().__init__(message, hint, details=details)
        self.notices = tuple(notices)
        self.files = list(files) if files is not None else [""] * len(self.details)


@dataclass(frozen=True)
class SubmissionsFile:
    path: Path
    tool: str  # CENTRAL or KOBO
    submissions: tuple[Submission, ...]
    warnings: tuple[str, ...]  # unknown columns, each named once
    # Rows left out (rejected in review) whose answers call for the notice: shown, not stored.
    unimported_notices: tuple[NoticeCalled, ...] = ()


@dataclass(frozen=True)
class _Column:
    kind: str  # form | partnership | role | respondent | answer | evidence | option | bad-option
    question: Question | None = None
    option: str = ""


def read_submissions(path: Path, bank: Bank, partnership: PartnershipLookup,
                     anonymous_roles: tuple[str, ...] = DEFAULT_ANONYMOUS_ROLES
                     ) -> SubmissionsFile:
    """Read and check a whole export; StocktakeError lists every bad row and cell in details.

    `partnership(code)` gives the Partnership for a code or raises StocktakeError saying why
    the code is refused (the same check the command line makes). A refusal of the file's rows
    or columns is a SubmissionsRefused whose `notices` name each readable row holding an
    answer that calls for the safeguarding notice; rejected rows holding one are in the
    result's `unimported_notices`.
    """
    path = Path(path)
    header, rows, table_problems = _read_table(path)
    tool = _tool(path, header)
    columns, warnings, file_problems = _columns(bank, header)
    for needed in (FORM_FIELD, PARTNERSHIP_FIELD, ROLE_FIELD):
        if needed not in {h for h, c in zip(header, columns) if c and c.kind != "bad-option"}:
            file_problems.append(f"no '{needed}' column")
    instance_col = next((header.index(c) for c in INSTANCE_COLUMNS[tool] if c in header), None)
    if instance_col is None:
        file_problems.append(f"no instance id column ({' or '.join(INSTANCE_COLUMNS[tool])})")
    if FORM_FIELD not in header:
        versions = _versions_found(header, rows)
        raise StocktakeError(
            f"{path}: not a submissions export of a form made by stocktake (no '{FORM_FIELD}' "
            f"column){versions}",
            hint=(f"export the form with `stocktake banks export-xlsform {bank.id}`, collect "
                  "with it, and import its submissions" if tool == CENTRAL else
                  "download it from KoboToolbox with 'XML values and headers' (labels as "
                  "headers cannot be matched to questions), from a form made by `stocktake "
                  f"banks export-xlsform {bank.id}`"))
    if not file_problems and not any(c is not None and c.question is not None
                                     for c in columns):
        unknown = [h for h, c in zip(header, columns) if c is None and h and
                   h not in KNOWN_METADATA]
        such = f" (such as '{unknown[0]}')" if unknown else ""
        file_problems.append(f"no column is a question of bank {bank.id}{such}, so no answer "
                             "could be read")
    refused_why = "not stored: the file was refused"
    if file_problems or instance_col is None:  # no instance column is among the problems
        how = ("in KoboToolbox choose 'XML values and headers' (with labels the columns and "
               "answers cannot be matched to questions), and export" if tool == KOBO else
               "export")
        raise SubmissionsRefused(
            f"{path}: cannot read this {tool} export", details=file_problems,
            hint=f"{how} the submissions of the form made by `stocktake banks "
                 f"export-xlsform {bank.id}` as they come, without editing",
            notices=_called(bank, path, header, columns, rows, instance_col, refused_why))
    warnings.extend(_unnamed_values(header, rows))
    problems: list[str] = list(table_problems)
    submissions: list[Submission] = []
    unimported: list[NoticeCalled] = []
    seen_ids: dict[str, str] = {}
    identity = form_identity(bank)
    for where, cells, locate in rows:
        cell = {h: cells[i] if i < len(cells) else None for i, h in enumerate(header)}
        text = {h: _text(v) for h, v in cell.items()}
        instance = _instance_id(text[header[instance_col]])
        version = next((_instance_id(text[c]) for c in VERSION_ID_COLUMNS[tool]
                        if text.get(c)), "")
        root = next((_instance_id(text[c]) for c in ROOT_ID_COLUMNS[tool] if text.get(c)), "")
        deprecated = next((_instance_id(text[c]) for c in DEPRECATED_COLUMNS[tool]
                           if text.get(c)), "")
        edits = int(text[EDITS_COLUMN]) if text.get(EDITS_COLUMN, "").isdigit() else 0
        if instance and version:
            instance = version  # the version is what a later download may change
        label = f"{path}: {where}"
        if not instance:
            problems.append(f"{label}: no instance id in {header[instance_col]}")
            continue
        if instance in seen_ids:
            problems.append(f"{label}: submission {instance} repeats {seen_ids[instance]}")
            continue
        seen_ids[instance] = where
        rejected = [c for c, v in REJECTED.items() if text.get(c, "").lower() == v]
        if rejected:
            warnings.append(f"{where}: submission {instance} was rejected in {tool} "
                            f"({rejected[0]}); not imported")
            # Left out, but a child's "I often feel unsafe" in it is still the adviser's to see.
            unimported.extend(_called(bank, path, header, columns, [(where, cells, locate)],
                                      instance_col, f"not imported: rejected in {tool}'s "
                                                    f"review ({rejected[0]})"))
            continue
        if text[FORM_FIELD] != identity:
            problems.append(f"{label}: made with {_describe_form(text[FORM_FIELD])}, not "
                            f"{bank.id} {bank.version} (hash {bank.hash[:12]}); collect with "
                            "the form exported from this bank")
            continue
        role = text[ROLE_FIELD]
        row_problems = []
        if role not in bank.role_ids:
            row_problems.append(f"{label}, column {ROLE_FIELD}: role '{role}' is not one of "
                                f"bank {bank.id}'s roles ({', '.join(bank.role_ids)})")
        found: Partnership | None
        try:
            found = partnership(text[PARTNERSHIP_FIELD])
        except StocktakeError as exc:
            row_problems.append(f"{label}, column {PARTNERSHIP_FIELD}: {exc.message}")
            found = None
        respondent = text.get(RESPONDENT_FIELD, "")
        anonymous = role in anonymous_roles or (role in bank.role_ids and
                                                bank.is_anonymous(role))
        if respondent and anonymous and bank.is_anonymous(role):
            # Children and young people answer without a name: a name given is refused.
            row_problems.append(f"{label}, column {RESPONDENT_FIELD}: a name for role '{role}', "
                                "which answers anonymously; leave it empty")
        elif not respondent and anonymous:
            respondent = f"{role} {instance[:8]}"
        elif not respondent:
            row_problems.append(f"{label}, column {RESPONDENT_FIELD}: no respondent name")
        if row_problems or found is None:  # no partnership found is among the row's problems
            problems.extend(row_problems)
            continue
        answer_rows = _answer_rows(header, columns, cell, text, locate, where, label, problems)
        if not answer_rows:
            problems.append(f"{label}: submission {instance} answers no question of bank "
                            f"{bank.id} (every question column is empty); reject it in "
                            f"{tool} if it was sent empty, or export it again")
            continue
        try:
            answers = check_answer_rows(bank, role, answer_rows, source=str(path))
        except StocktakeError as exc:
            problems.extend(exc.details or [exc.message])
            continue
        stamp_column = next((c for c in SUBMITTED_COLUMNS if c in text), None)
        submitted = _submitted_at(cell[stamp_column]) if stamp_column else ""
        if submitted:
            answers = [replace(a, answered_at=submitted) for a in answers]
        elif stamp_column and text[stamp_column]:
            warnings.append(f"{where}, {locate(header.index(stamp_column), stamp_column)}: "
                            f"'{text[stamp_column]}' is not a timestamp as {tool} writes it "
                            "(re-saved by a spreadsheet?); its answers are dated the time of "
                            "import instead")
        submissions.append(Submission(where, instance, found, role, respondent, tuple(answers),
                                      root if root != instance else "",
                                      deprecated if deprecated != instance else "", edits))
    if problems:
        # Every readable row, the good ones and the rejected ones too: none of them is stored,
        # so none of their notices is recorded, and the adviser must see each here.
        raise SubmissionsRefused(f"{path}: {len(problems)} problem(s); nothing was stored",
                                 hint="fix the rows and cells listed (or the form) and import "
                                      "the file again", details=problems,
                                 files=[str(path)] * len(problems),
                                 notices=_called(bank, path, header, columns, rows,
                                                 instance_col, refused_why))
    if not rows:
        raise StocktakeError(f"{path}: no submissions in the file",
                             hint="download the submissions again once some have come in")
    return SubmissionsFile(path, tool, tuple(submissions), tuple(warnings), tuple(unimported))


def _called(bank: Bank, path: Path, header: list[str], columns: list[_Column | None], rows,
            instance_col: int | None, why: str) -> tuple[NoticeCalled, ...]:
    """The rows, readable or not as a whole, with an answer that calls for the notice.

    Each notice question's cell is read alone against its question, whatever else in the row
    is wrong (another cell's bad value, an unknown partnership): the child's answer is what
    matters. A cell that is not one of the question's values calls for nothing.
    """
    from stocktake.banks.answer_values import FILE_WORDS, BadValue, parse_answer

    if not any(c is not None and c.question is not None and c.question.notice
               for c in columns):
        return ()
    found = []
    for where, cells, locate in rows:
        cell = {h: cells[i] if i < len(cells) else None for i, h in enumerate(header)}
        text = {h: _text(v) for h, v in cell.items()}
        scratch: list[str] = []  # the row's own problems are the reader's to name
        questions = []
        for row in _answer_rows(header, columns, cell, text, locate, where, where, scratch):
            question = bank.question(row.question)
            if not question.notice:
                continue
            try:
                status, value = parse_answer(question, row.value, FILE_WORDS)
            except BadValue:
                continue
            if status == "answered" and question.calls_for_notice(value):
                questions.append(question.id)
        if questions:
            instance = _instance_id(text[header[instance_col]]) if instance_col is not None \
                else ""
            role = text.get(ROLE_FIELD, "")
            # A name typed for a child is refused, and not to be repeated where it is shown.
            named = "" if role not in bank.role_ids or bank.is_anonymous(role) else \
                text.get(RESPONDENT_FIELD, "")
            found.append(NoticeCalled(str(path), where, instance,
                                      text.get(PARTNERSHIP_FIELD, ""), role, named,
                                      tuple(questions), why))
    return tuple(found)


def _unnamed_values(header: list[str], rows) -> list[str]:
    """A warning for each column the header gives no name that holds a value in some row (a
    workbook's cells past the header's last, or under an empty header cell): never read."""
    said = []
    for index in range(max((len(cells) for _, cells, _ in rows), default=0)):
        if index < len(header) and header[index]:
            continue
        for where, cells, locate in rows:
            if index < len(cells) and _text(cells[index]):
                said.append(f"{where}, {locate(index, '')}: "
                            f"'{_text(cells[index])[:40]}' is in a column the header gives no "
                            "name; ignored (every column of an export has a name: was a value "
                            "typed beside the export?)")
                break
    return said


def _answer_rows(header, columns, cell, text, locate, where, label,
                 problems) -> list[AnswerRow]:
    values: dict[str, Any] = {}
    chosen: dict[str, list[str]] = {}
    evidence: dict[str, str] = {}
    where_of: dict[str, str] = {}
    for index, (name, column) in enumerate(zip(header, columns)):
        if column is None or column.question is None:
            continue
        qid = column.question.id
        raw = cell[name]
        if column.kind == "answer" and text[name]:
            values[qid] = _multi_text(column.question, text[name]) \
                if column.question.type == "multi" else raw
            where_of[qid] = f"{where}, {locate(index, name)}"
        elif column.kind == "evidence" and text[name]:
            evidence[qid] = text[name]
        elif column.kind in ("option", "bad-option"):
            flag = text[name]
            if flag not in ("", "0", "1", "0.0", "1.0"):
                problems.append(f"{label}, {locate(index, name)}: expected 0 or 1, got '{flag}'")
            elif flag in ("1", "1.0"):
                if column.kind == "bad-option":
                    problems.append(f"{label}, {locate(index, name)}: option '{column.option}' "
                                    f"is not one of question {qid}'s options")
                chosen.setdefault(qid, []).append(column.option)
                where_of.setdefault(qid, f"{where}, {locate(index, name)}")
    rows = []
    for qid in dict.fromkeys([*values, *chosen, *evidence]):
        # The summary column, where the export has one, is the answer; split columns alone
        # (Kobo's "separate columns" choice) are gathered into one.
        value = values.get(qid, ";".join(chosen.get(qid, [])))
        rows.append(AnswerRow(where_of.get(qid, where), qid, value, evidence.get(qid, "")))
    return rows


def _multi_text(question, typed: str) -> str:
    """A select_multiple cell as answer_values.read_options reads it: the tools' space-separated
    option names joined by `;`, or, where the cell holds labels (an export "with labels", or an
    edited cell), the text as it is, so a label's own spaces are not taken for separators."""
    from stocktake.banks.answer_values import BadValue, read_options

    words = typed.split()
    ids = {o.id for o in question.options}
    if words and all(word in ids for word in words):
        return ";".join(words)
    try:
        if read_options(question, typed):
            return typed.strip()
    except BadValue:
        return typed.strip()  # an ambiguous label: its message names the candidates
    # Neither ids nor labels: as the tools write it, so the message names the bad part.
    return ";".join(words)


def group_separator(bank: Bank, header: list[str]) -> str:
    """The text joining group and field names in the header: Central's `-`, Kobo's `/` by
    default, or whatever was typed in KoboToolbox's "group separator" box (a free-text field of
    its export dialog; formpack joins the group path, and a select_multiple's option columns,
    with it). Found from the columns that are a group's name, some text, then one of that
    group's questions; the most common such text wins. "/" when none is found."""
    from collections import Counter

    by_group: dict[str, list[str]] = {}
    for q in bank.questions:
        by_group.setdefault(group_name(q.area), []).append(q.id)
    found: Counter = Counter()
    for name in header:
        for group, ids in by_group.items():
            if not name.startswith(group) or len(name) <= len(group):
                continue
            rest = name[len(group):]
            for qid in ids:
                for end in (qid, qid + EVIDENCE_SUFFIX):
                    if rest.endswith(end) and len(rest) > len(end):
                        found[rest[:-len(end)]] += 1
    return found.most_common(1)[0][0] if found else "/"


def _columns(bank: Bank, header: list[str]) -> tuple[list[_Column | None], list[str], list[str]]:
    """What each column holds; unknown columns as warnings; file-level problems."""
    fixed = {FORM_FIELD: _Column("form"), PARTNERSHIP_FIELD: _Column("partnership"),
             ROLE_FIELD: _Column("role"), RESPONDENT_FIELD: _Column("respondent")}
    separator = group_separator(bank, header)
    known: dict[str, _Column] = {}
    for q in bank.questions:
        group = group_name(q.area)
        for path in (f"{group}-{q.id}", f"{group}/{q.id}", f"{group}{separator}{q.id}", q.id):
            known[path] = _Column("answer", q)
            known[path + EVIDENCE_SUFFIX] = _Column("evidence", q)
            if q.notice:  # the safeguarding note after it: no answer (a tool may list it)
                known[path + NOTICE_SUFFIX] = _Column("notice", q)
    columns: list[_Column | None] = []
    warnings: list[str] = []
    problems: list[str] = []
    claimed: dict[tuple[str, str], str] = {}
    for name in header:
        column = fixed.get(name) or known.get(name)
        for joint in dict.fromkeys(("/", separator)):
            if column is not None or joint not in name:
                continue
            base, option = name.rsplit(joint, 1)
            parent = known.get(base)
            if parent is not None and parent.kind == "answer" and parent.question is not None \
                    and parent.question.type == "multi":
                ok = parent.question.option(option) is not None or option in UNKNOWN_ANSWERS
                column = _Column("option" if ok else "bad-option", parent.question, option)
        if column is not None:
            ident = (column.kind, (column.question.id if column.question else "") + column.option)
            if ident in claimed:
                problems.append(f"columns '{claimed[ident]}' and '{name}' both hold "
                                f"{ident[1] or column.kind}")
            claimed[ident] = name
        elif name and name not in KNOWN_METADATA:
            warnings.append(f"unknown column '{name}' ignored")
        columns.append(column)
    if len(set(header)) != len(header):
        repeated = sorted({h for h in header if header.count(h) > 1 and h})
        if repeated:
            problems.append(f"repeated column(s): {', '.join(repeated)}")
    return columns, warnings, problems


# ---------------------------------------------------------------- the file as rows

Locate = Callable[[int, str], str]


def _read_table(path: Path
                ) -> tuple[list[str], list[tuple[str, list[Any], Locate]], list[str]]:
    """(header, rows as (where, cells, locate), the rows that cannot be read, named)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        # A workbook places each cell by its reference: a row shorter than the header only
        # leaves its last cells empty, and no value can move to another column.
        header, rows = _xlsx_table(path)
        return header, rows, []
    return _csv_table(path)


def _xlsx_table(path: Path):
    from stocktake.returns.file_checks import check_workbook_file
    from stocktake.returns.workbook_reader import cell_ref, sheet_by_header

    check_workbook_file(path)
    # Kobo names the first sheet after the form and puts repeat groups on later sheets; the
    # sheet read is the one whose header holds the form's own field (another program may have
    # put a sheet before it), and every message names it.
    marker = FORM_FIELD.lower()
    name, grid, top = sheet_by_header(path, lambda cells: marker in cells, look_rows=1)
    if not grid:
        raise StocktakeError(f"{path}: sheet '{name}' is empty")
    header = [_text(h) for h in grid[top]]
    start = top + 2 if len(grid) > top + 1 and _is_hxl_row(grid[top + 1]) else top + 1
    rows = []
    for r in range(start, len(grid)):
        cells = grid[r]
        if not any(_text(c) for c in cells):
            continue
        number = r + 1
        rows.append((f"sheet '{name}', row {number}", list(cells),
                     lambda c, column, n=number: f"cell {cell_ref(n, c + 1)}"
                                                 + (f" ({column})" if column else "")))
    return header, rows


def _csv_table(path: Path):
    from stocktake.text.text_files import read_text_file

    # One reader for every text file: a byte-order mark read, UTF-16 and oversized files refused.
    text = read_text_file(path, save_as="UTF-8 CSV (export the submissions again; both tools "
                                        "write UTF-8)")
    first = text.split("\n", 1)[0]
    # Kobo's CSV is ';'-separated by default (kpi test_mock_data_exports); Central's is ','.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[str, list[Any], Locate]] = []
    broken: list[str] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise StocktakeError(f"{path}: line {line}: cannot read as CSV ({exc})")
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells) or (len(rows) == 0 and _is_hxl_row(cells)):
            continue
        if len(cells) != len(header):
            # CSV places a cell by counting separators: one lost or added (a line cut short,
            # a comma typed in an unquoted cell) moves every later value to another column, so
            # a rejected ReviewState could read as no review at all. Neither end is trusted.
            broken.append(f"{path}: line {line}: {len(cells)} cells but the header has "
                          f"{len(header)} columns, so its values cannot be told to their "
                          "columns; export the file again (a file edited in a text editor or "
                          "cut short in copying loses its cells)")
            continue
        rows.append((f"line {line}", cells,
                     lambda c, name: f"column {name or c + 1}"))
    if header is None:
        raise StocktakeError(f"{path}: the file is empty")
    return header, rows, broken


def _is_hxl_row(cells) -> bool:
    texts = [_text(c) for c in cells if _text(c)]
    return bool(texts) and all(t.startswith("#") for t in texts)


def _tool(path: Path, header: list[str]) -> str:
    if {"meta-instanceID", "KEY", "SubmissionDate"} & set(header):
        return CENTRAL
    if {"_uuid", "_submission_time", "meta/instanceID"} & set(header):
        return KOBO
    raise StocktakeError(f"{path}: not an ODK Central or KoboToolbox submissions export (no "
                         "meta-instanceID, KEY or _uuid column)",
                         hint="download the submissions from ODK Central (CSV) or KoboToolbox "
                              "(XLS or CSV, 'XML values and headers')")


def _versions_found(header: list[str], rows) -> str:
    found = []
    for column in VERSION_COLUMNS:
        if column in header:
            index = header.index(column)
            found += [_text(cells[index]) for _, cells, _ in rows if index < len(cells)]
    found = [f for f in dict.fromkeys(found) if f]
    return f"; form version(s) found: {', '.join(found[:5])}" if found else ""


def _describe_form(value: str) -> str:
    parts = value.split(" ")
    if len(parts) == 3:
        return f"bank {parts[0]} {parts[1]} (hash {parts[2][:12]})"
    return f"form '{value}'" if value else "no stocktake_form value"


def _submitted_at(value: Any) -> str:
    """ISO UTC to the second, as stocktake stamps answers; "" if the cell is not a timestamp.

    Central writes `2026-05-01T10:00:00.000Z`; Kobo `2026-05-01T10:00:00` in UTC; a workbook
    cell may hold a datetime. Day-first or month-first text (`01/05/2026 10:00`, as a
    spreadsheet re-saves it) is not guessed at: which is the day cannot be told.
    """
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not read Z
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _instance_id(value: str) -> str:
    return value[5:] if value.startswith("uuid:") else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- storing


@dataclass(frozen=True)
class ImportOutcome:
    stored: tuple[Submission, ...]
    already: tuple[Submission, ...]  # imported before (same instance id): nothing added
    updated: tuple[Submission, ...] = ()  # resubmissions: replaced the respondent's earlier one
    # instance id: the questions whose answers called for the bank's safeguarding notice
    notices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edited: tuple[Submission, ...] = ()  # new versions of submissions edited at the source
    # Left when the disk filled (`disk_full` says how); everything above was stored.
    not_stored: tuple[Submission, ...] = ()
    disk_full: StocktakeError | None = None
    # In two of the files with the same answers, stored once: (the later, where the first is).
    repeated: tuple[tuple[Submission, str], ...] = ()


def partnership_lookup(known: list[Partnership]) -> PartnershipLookup:
    """The one check a submission's partnership code passes, as on the command line: the
    workspace's partnerships, else the shipped list of English authorities (by GSS code)."""
    from stocktake.partnerships.model import normalise_code, partnership_for

    by_code = {p.code: p for p in known}

    def lookup(code: str) -> Partnership:
        from stocktake.partnerships.reference import code_for_dfe_number

        code = normalise_code(code or "")
        if not code:
            raise StocktakeError("no partnership code")
        if code not in by_code:
            code = code_for_dfe_number(code) or code  # a form edited to DfE's LA numbers
        return by_code.get(code) or partnership_for(code)

    return lookup


def store_submissions(ws, bank: Bank, batches: list[SubmissionsFile], wave: str) -> ImportOutcome:
    """Store every checked submission not imported before, one response each (mode
    "submission", the instance id recorded).

    A submission edited at the source (a new version: ODK Central's `meta-deprecatedID` or
    Kobo's `meta/deprecatedID` naming a version imported before, or the same Central `KEY` or
    Kobo `meta/rootUuid` with a new version id) replaces the response its earlier version made,
    whole, the earlier answers going to history: the newest version is taken, and where the
    files hold several versions of one submission they are stored oldest first. An edit that
    changed the respondent's name moves the response to the new name, the old one kept with it
    (`earlier_respondents`) so an erasure finds every name the person had.

    A submission whose instance id was imported before, or is earlier in these files, with
    the same answers (and partnership, role and respondent) is left as it was (`already`,
    `repeated`); with other answers, and the id not only an earlier version of an edited
    submission, it is refused by name: a tool gives an edit a new instance id, so the file was
    changed after download. An answer stored earlier and changed in this workspace since (its
    submitted value in the response's history) is not another answer.

    A new submission from a respondent whose answers came from an earlier submission is a
    resubmission (the tools let people edit and send again): it replaces that response whole,
    the earlier answers going to history. A respondent who answered another way (interview,
    form), or who submitted twice in the files being imported, is refused by name before
    anything is stored, since which answers are theirs is then not for stocktake to guess.

    The submissions are stored through the intake (`stocktake.returns.intake.take_in`): new
    partnerships in one write first, then each submission with the notices it calls for. A full
    disk stops it: the outcome's `not_stored` and `disk_full` say which were left and why.

    Every refusal is a SubmissionsRefused raised before anything is written, its `notices`
    naming each submission in the files (and each rejected row) whose answers call for the
    safeguarding notice, since none is recorded.
    """
    from stocktake.records.responses import ResponseKey, now_iso
    from stocktake.returns.intake import Return, check_return, take_in

    existing = ws.responses(bank=bank.id)
    owner: dict[str, Any] = {}  # every id a stored response was made from -> the response
    for r in existing:
        for i in (r.instance_id, *r.earlier_instance_ids):
            if i:
                owner[i] = r
    imported = set(owner)
    current = {r.instance_id: r for r in existing if r.instance_id}
    by_name = {(r.key.partnership, r.key.wave, r.key.respondent): r for r in existing}
    candidates = [(batch, sub) for batch in batches for sub in _oldest_first(batch.submissions)]
    stored, already = [], []
    problems: list[tuple[str, str]] = []  # (file, what is wrong and what to do)
    resent: list[int] = []  # which of them are a submission sent again with other answers
    repeated: list[tuple[Submission, str]] = []
    seen: dict[str, tuple[str, Submission]] = {}  # instance id -> where first in these files
    updated: set[str] = set()
    edited: dict[str, Any] = {}  # instance id -> the stored response its earlier version made
    new_from: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for batch, s in candidates:
        where = f"{batch.path}: {s.where}"
        if s.instance_id in seen:
            first_where, first = seen[s.instance_id]
            differ = _differences(_answered(first), _answered(s))
            if differ:
                resent.append(len(problems))
                problems.append((str(batch.path), f"{where}: submission {s.instance_id} "
                                 f"appears twice, here and at {first_where}, with other "
                                 f"answers ({', '.join(differ)}); a tool gives an edit a new "
                                 "instance id, so one file seems changed after download: "
                                 f"import the newest download from {batch.tool} alone, as "
                                 "downloaded"))
            else:
                repeated.append((s, first_where))
            continue
        seen[s.instance_id] = (where, s)
        if s.instance_id in imported:
            held = current.get(s.instance_id)
            # An earlier version of a submission edited since (an older download) is left as
            # it was; only the version a response holds now is compared.
            differ = [] if held is None else _differences(
                _held_answers(held), _answered(s), partial(ws.history, held.key))
            if differ:
                resent.append(len(problems))
                problems.append((str(batch.path), f"{where}: submission {s.instance_id} "
                                 f"already imported with other answers ({', '.join(differ)}); "
                                 "an edit made at the source carries a new instance id and "
                                 "the old one as deprecatedID, and this has neither, so the "
                                 "file seems changed after download: download it again from "
                                 f"{batch.tool} and import it as downloaded; to change the "
                                 f"answers, edit the submission in {batch.tool}"))
            else:
                already.append(s)
            continue
        earlier = next((owner[i] for i in (s.deprecated_id, s.root_id) if i and i in owner),
                       None)
        if earlier is not None and earlier.key.wave == wave and earlier.mode == "submission":
            if earlier.role != s.role:
                problems.append((str(batch.path), f"{where}: submission {s.instance_id} was "
                                 f"edited at the source to role '{s.role}'; its earlier "
                                 f"version answered as '{earlier.role}'"))
                continue
            if earlier.key.respondent != s.respondent:
                clash = by_name.get((s.partnership.code, wave, s.respondent))
                if clash is not None and clash is not earlier:
                    problems.append((str(batch.path), f"{where}: submission {s.instance_id} "
                                     f"was edited at the source to name {s.respondent}, who "
                                     f"already has {bank.id} {wave} answers of their own"))
                    continue
            edited[s.instance_id] = earlier
            for i in s.ids:
                owner[i] = earlier
            stored.append((batch, s))
            imported.add(s.instance_id)
            continue
        key = (s.partnership.code, s.respondent)
        if key in new_from and not (new_from[key][1] & s.ids):
            problems.append((str(batch.path), f"{where}: {s.respondent} of "
                             f"{s.partnership.code} also sent a new submission at "
                             f"{new_from[key][0]}; one submission per respondent"))
            continue
        new_from[key] = (where, new_from.get(key, ("", set()))[1] | s.ids)
        other = by_name.get((s.partnership.code, wave, s.respondent))
        if other is not None and other.mode != "submission":
            problems.append((str(batch.path), f"{where}: {s.respondent} of "
                             f"{s.partnership.code} already has {bank.id} {wave} answers "
                             f"(mode {other.mode})"))
            continue
        if other is not None and other.role != s.role:
            # The store would refuse it mid-import, after the submissions before it were
            # written: refused here, so the command stays all or nothing.
            problems.append((str(batch.path), f"{where}: {s.respondent} of "
                             f"{s.partnership.code} already has {bank.id} {wave} answers as "
                             f"role '{other.role}', not '{s.role}'"))
            continue
        if other is not None:
            updated.add(s.instance_id)
        stored.append((batch, s))
        imported.add(s.instance_id)
        # A later version of this submission in the same files is an edit of what this stores.
        mine = _Stored(ResponseKey(s.partnership.code, bank.id, wave, s.respondent), s.role)
        for i in s.ids:
            owner.setdefault(i, mine)
    refusal = "not stored: the import was refused"
    if problems:
        hints = []
        if len(resent) < len(problems):
            hints.append("reject the unwanted submission in the collection tool's review (ODK "
                         "Central: Rejected; KoboToolbox: Not approved) and download again, "
                         "or ask the respondent to use a name of their own")
        if resent:
            hints.append("import each export as the tool wrote it (an answer changed in the "
                         "file is not an edit at the source), then import again")
        raise SubmissionsRefused(
            f"{len(problems)} submission(s) cannot be told apart from other answers; nothing "
            "was stored" if not resent else
            f"{len(problems)} submission(s) refused; nothing was stored",
            hint="; ".join(hints), details=[d for _, d in problems],
            files=[f for f, _ in problems], notices=notices_in(bank, batches, refusal))
    returns = []
    for batch, s in stored:
        earlier = edited.get(s.instance_id)
        # As a form or an interview does: the notice is recorded with the answers that called
        # for it, in the same write (a resubmission keeps the times of notices recorded before).
        returns.append(Return(s.partnership, bank, wave, s.role, "submission", s.answers,
                              source=str(batch.path),
                              respondent=s.respondent, instance_id=s.instance_id,
                              complete=s.instance_id in updated or earlier is not None,
                              renamed_from=earlier.key if earlier is not None else None,
                              noticed_at=now_iso(), where=s.where))
    bad = []
    for ret in returns:
        try:
            check_return(ret)
        except StocktakeError as exc:
            bad.append((ret.source, f"{ret.source}: {ret.where}: {exc.message}"))
    if bad:
        # take_in would refuse them too, but without the notices of the others.
        raise SubmissionsRefused(f"{len(bad)} submission(s) cannot be stored; nothing was "
                                 "stored", details=[d for _, d in bad],
                                 files=[f for f, _ in bad],
                                 hint="fix what each line says at the source and download "
                                      "again", notices=notices_in(bank, batches, refusal))
    intake = take_in(ws, returns, all_or_nothing=True)
    by_return = {id(r): s for r, (_, s) in zip(returns, stored, strict=True)}
    taken = [by_return[id(done.ret)] for done in intake.stored]
    notices = {by_return[id(done.ret)].instance_id: tuple(sorted(done.called))
               for done in intake.stored if done.called}
    plain = updated | set(edited)
    return ImportOutcome(tuple(s for s in taken if s.instance_id not in plain),
                         tuple(already),
                         tuple(s for s in taken if s.instance_id in updated),
                         notices,
                         tuple(s for s in taken if s.instance_id in edited),
                         not_stored=tuple(by_return[id(r)] for r in intake.not_stored),
                         disk_full=intake.disk_full, repeated=tuple(repeated))


def notices_in(bank: Bank, batches: list[SubmissionsFile], why: str
               ) -> tuple[NoticeCalled, ...]:
    """Every submission in `batches` whose answers call for the safeguarding notice, as not
    stored for `why`, then each file's rejected rows holding such an answer; in file order."""
    from stocktake.returns.notices import notices_called_for

    found: list[NoticeCalled] = []
    for batch in batches:
        for s in batch.submissions:
            called = notices_called_for(bank, s.answers)
            if called:
                order = [q.id for q in bank.questions if q.id in called]
                found.append(NoticeCalled(str(batch.path), s.where, s.instance_id,
                                          s.partnership.code, s.role,
                                          "" if bank.is_anonymous(s.role) else s.respondent,
                                          tuple(order), why))
        found.extend(batch.unimported_notices)
    return tuple(found)


_Answered = dict[str, tuple[Any, ...]]


def _answered(s: Submission) -> _Answered:
    """What two copies of one submission must agree on: who, and every answer (its time is
    the tool's, not part of the answer)."""
    return {"partnership": (s.partnership.code,), "role": (s.role,),
            "respondent": (s.respondent,),
            **{a.question: (a.status, a.value, a.evidence or "") for a in s.answers}}


def _held_answers(r) -> _Answered:
    return {"partnership": (r.key.partnership,), "role": (r.role,),
            "respondent": (r.key.respondent,),
            **{q: (a.status, a.value, a.evidence or "") for q, a in r.answers.items()}}


def _differences(held: _Answered, given: _Answered,
                 history: Callable[[], list[dict]] | None = None) -> list[str]:
    """The fields (partnership, role, respondent, question ids) `given` has otherwise than
    `held`; a question whose given answer `held` had before and changed since (in `history`,
    read only if needed) is not one."""
    differ = [k for k in dict.fromkeys([*held, *given]) if held.get(k) != given.get(k)]
    if differ and history is not None:
        before: dict[str, list[tuple[Any, ...]]] = {}
        for entry in history():
            old = entry.get("previous") or {}
            before.setdefault(entry.get("question", ""), []).append(
                (old.get("status"), old.get("value"), old.get("evidence") or ""))
        differ = [k for k in differ if not (k in given and given[k] in before.get(k, []))]
    return differ


@dataclass(frozen=True)
class _Stored:
    """A response this import stores (before it is written), as a later version finds it."""

    key: Any
    role: str
    mode: str = "submission"


def _oldest_first(submissions) -> list[Submission]:
    """The file's rows with every version after the one it replaced (a version naming another
    row's id in its deprecated id), then by Central's count of edits; otherwise as in the file."""
    by_id = {s.instance_id: s for s in submissions}

    def depth(s: Submission) -> int:
        n, seen = 0, {s.instance_id}
        while s.deprecated_id in by_id and s.deprecated_id not in seen:
            s = by_id[s.deprecated_id]
            seen.add(s.instance_id)
            n += 1
        return n

    return sorted(submissions, key=lambda s: (depth(s), s.edits))
