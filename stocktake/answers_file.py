"""Scripted answers: reading a whole `--answers` file and checking every row before any is stored.

A CSV with header `question,value,evidence` (evidence optional), or a JSON list of objects with
those keys. Values are read by :func:`stocktake.answer_values.parse_answer`, the same rules as
offline forms and merged workbooks. Every bad row is reported at once, by CSV line or JSON item
(counted from 1) and question id; a file with any bad row gives no answers at all.

    answers = read_answers_file(bank, "council", Path("answers.csv"))
    ws.save_answers(key, answers, role="council")   # one write for the whole file

Other readers (offline forms) build :class:`AnswerRow` themselves and call
:func:`check_answer_rows`, with `where` saying "cell C7" or whatever locates a row for them.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from stocktake.answer_values import BadValue, parse_answer
from stocktake.banks import AgeBand, Bank
from stocktake.errors import StocktakeError
from stocktake.responses import Answer

COLUMNS = ("question", "value", "evidence")
# Rows that try to give a respondent's name, refused outright for anonymous roles.
NAME_FIELDS = {"name", "respondent", "your name", "respondent name", "respondent_name"}
REQUIRED_COLUMNS = ("question", "value")


@dataclass(frozen=True)
class AnswerRow:
    """One row as read: `where` locates it for error messages ("line 3", "item 2")."""

    where: str
    question: str
    value: Any
    evidence: str = ""


@dataclass(frozen=True)
class _Problem:
    where: str
    question: str
    reason: str

    def render(self, source: str) -> str:
        prefix = f"{source}: " if source else ""
        about = f"{self.question}: " if self.question else ""
        return f"{prefix}{self.where}: {about}{self.reason}"


def read_answers_file(bank: Bank, role: str, path: Path,
                      age: AgeBand | None = None) -> list[Answer]:
    """Read and check a whole answers file; raises StocktakeError naming every bad row.

    `age` is an anonymous respondent's age band: rows for questions not asked at that age are
    refused.
    """
    rows, problems = _read_rows(Path(path))
    answers, bad_values = _check(bank, role, rows, age)
    problems = sorted(problems + bad_values, key=_position)
    if problems:
        raise _bad_rows(str(path), problems)
    if not rows:
        raise _no_answers(Path(path))
    return answers


def read_answer_rows(path: Path) -> list[AnswerRow]:
    """Rows of a CSV or JSON answers file (JSON if the name ends .json or the text starts `[`)."""
    rows, problems = _read_rows(Path(path))
    if problems:
        raise _bad_rows(str(path), problems)
    if not rows:
        raise _no_answers(Path(path))
    return rows


def _read_rows(path: Path) -> tuple[list[AnswerRow], list[_Problem]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StocktakeError(f"{path}: no such file", hint="check the path given to --answers")
    except IsADirectoryError:
        raise StocktakeError(f"{path}: is a folder, not a file",
                             hint="give --answers a .csv or .json file")
    except OSError as exc:
        raise StocktakeError(f"{path}: cannot read ({exc.strerror})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise StocktakeError(f"{path}: line {line}: not UTF-8 text",
                             hint="save the file as UTF-8 (in Excel: CSV UTF-8)")
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        return _json_rows(text)
    return _csv_rows(text)


def _no_answers(path: Path) -> StocktakeError:
    return StocktakeError(f"{path}: no answers in the file",
                          hint="add one row per question: question,value,evidence")


def check_answer_ages(bank: Bank, answers: Iterable[Answer], age: AgeBand | None,
                      source: str = "") -> None:
    """Refuse, all at once, answers to questions not asked at this age band."""
    problems = [_Problem(a.question, a.question, _age_reason(bank.question(a.question), age))
                for a in answers if not bank.question(a.question).asked_of_age(age)]
    if problems:
        raise _bad_rows(source, problems)


def _age_reason(question, age: AgeBand | None) -> str:
    low = question.min_age if question.min_age is not None else 0
    high = question.max_age if question.max_age is not None else 25
    label = age.label.lower() if age else "this age"
    return f"not asked of children and young people aged {label} (asked at ages {low} to {high})"


def check_answer_rows(bank: Bank, role: str, rows: Iterable[AnswerRow],
                      source: str = "", age: AgeBand | None = None) -> list[Answer]:
    """Answers for every row, or StocktakeError listing every bad row in `details`.

    A row is bad when its question is unknown or not asked of `role` (by role alone: a question
    hidden by a skip condition may still be answered, and the answer is kept), when its value is
    out of range or of the wrong kind for the question, or when the question repeats an earlier
    row.
    """
    answers, problems = _check(bank, role, rows, age)
    if problems:
        raise _bad_rows(source, problems)
    return answers


def _check(bank: Bank, role: str, rows: Iterable[AnswerRow],
           age: AgeBand | None = None) -> tuple[list[Answer], list[_Problem]]:
    bank.role(role)
    anonymous = bank.is_anonymous(role)
    answers: list[Answer] = []
    problems: list[_Problem] = []
    seen: dict[str, str] = {}
    known = [q.id for q in bank.questions]
    for row in rows:
        qid = (row.question or "").strip()
        if not qid:
            problems.append(_Problem(row.where, "", "no question id"))
            continue
        if anonymous and qid.lower() in NAME_FIELDS:
            problems.append(_Problem(row.where, qid, f"gives a name, but role '{role}' answers "
                                                     "anonymously (a reference stands in for a "
                                                     "name); take this row out"))
            continue
        if not bank.has_question(qid):
            close = difflib.get_close_matches(qid, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(_Problem(row.where, qid, f"no such question in bank {bank.id}{hint}"))
            continue
        question = bank.question(qid)
        if not question.asked_of(role):
            problems.append(_Problem(row.where, qid, f"not asked of role '{role}' (asked of "
                                                     f"{', '.join(question.roles)})"))
            continue
        if qid in seen:
            problems.append(_Problem(row.where, qid, f"repeats {seen[qid]}"))
            continue
        seen[qid] = row.where
        if anonymous:
            refused = _anonymous_refusal(question, row, age)
            if refused:
                problems.append(_Problem(row.where, qid, refused))
                continue
        try:
            status, value = parse_answer(question, row.value)
        except BadValue as exc:
            reason = "the value is empty; give a value, na or dk, or leave the row out" \
                if str(exc) == "empty value" else str(exc)
            problems.append(_Problem(row.where, qid, reason))
            continue
        answers.append(Answer(qid, status, value, evidence=(row.evidence or "").strip()))
    return answers, problems


def _anonymous_refusal(question, row: AnswerRow, age: AgeBand | None) -> str | None:
    """Why a row cannot be taken from a child or young person, or None.

    They answer without a name: an evidence note, or a text answer that looks like it names
    someone, is refused rather than stored and warned about afterwards.
    """
    from stocktake.privacy import describe, find_personal_data

    if not question.asked_of_age(age):
        return _age_reason(question, age)
    if (row.evidence or "").strip():
        return ("children and young people are not asked for evidence notes, and answer "
                "without a name; leave the evidence empty")
    if question.type == "text" and isinstance(row.value, str):
        findings = find_personal_data(row.value)
        if findings:
            return (f"{describe(findings)}: children and young people answer without a name; "
                    "take the name or detail out")
    return None


def _position(problem: _Problem) -> tuple[int, str]:
    digits = "".join(c for c in problem.where if c.isdigit())
    return (int(digits) if digits else 0, problem.where)


def _bad_rows(source: str, problems: list[_Problem]) -> StocktakeError:
    where = f"{source}: " if source else ""
    return StocktakeError(f"{where}{len(problems)} bad row(s); nothing was stored",
                          hint="fix every row listed and run the command again",
                          details=[p.render(source) for p in problems])


def _csv_rows(text: str) -> tuple[list[AnswerRow], list[_Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[AnswerRow] = []
    problems: list[_Problem] = []
    header: list[str] | None = None
    while True:
        # A quoted cell may span lines, so a row is named by the line it starts on.
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_Problem(f"line {line}", "", f"cannot read this line as CSV ({exc})"))
            break
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            problem = _header_problem(header)
            if problem:
                return [], [_Problem(f"line {line}", "", problem)]
            continue
        qid = cells[header.index("question")].strip() if len(cells) > header.index("question") \
            else ""
        if len(cells) > len(header):
            problems.append(_Problem(f"line {line}", qid,
                                     f"{len(cells)} cells but the header has {len(header)} "
                                     "columns (quote text that holds commas)"))
            continue
        cell = dict(zip(header, cells))
        rows.append(AnswerRow(f"line {line}", qid, cell.get("value", ""),
                              cell.get("evidence", "") or ""))
    if header is None:
        problems.append(_Problem("line 1", "", "the file is empty; the first line should read "
                                               "question,value,evidence"))
    return rows, problems


def _header_problem(header: list[str]) -> str | None:
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if not (missing or unknown or repeated):
        return None
    parts = []
    if missing:
        parts.append(f"no {' or '.join(repr(m) for m in missing)} column")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(repr(u) for u in unknown)}")
    if repeated:
        parts.append(f"repeated column(s) {', '.join(repr(r) for r in repeated)}")
    return "; ".join(parts) + "; the header should read question,value,evidence"


def _json_rows(text: str) -> tuple[list[AnswerRow], list[_Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [_Problem(f"line {exc.lineno}", "", f"broken JSON: {exc.msg}")]
    if not isinstance(data, list):
        return [], [_Problem("top level", "", "expected a JSON list of objects with keys "
                                              "question, value and evidence")]
    rows: list[AnswerRow] = []
    problems: list[_Problem] = []
    for index, item in enumerate(data, start=1):
        where = f"item {index}"
        if not isinstance(item, dict):
            problems.append(_Problem(where, "", "expected an object with keys question, value "
                                                "and evidence"))
            continue
        qid = item.get("question")
        label = qid if isinstance(qid, str) else ""
        unknown = [k for k in item if k not in COLUMNS]
        if unknown:
            problems.append(_Problem(where, label, f"unknown key(s) {', '.join(map(repr, unknown))}"
                                                   "; use question, value and evidence"))
            continue
        if not isinstance(qid, str):
            problems.append(_Problem(where, "", "'question' must be a question id (text)"))
            continue
        value = item.get("value")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ";".join(value)  # a multi answer written as a JSON list of option ids
        elif isinstance(value, (list, dict)):
            problems.append(_Problem(where, qid, "'value' must be text, a number, or a list of "
                                                 "option ids"))
            continue
        evidence = item.get("evidence") or ""
        if not isinstance(evidence, str):
            problems.append(_Problem(where, qid, "'evidence' must be text"))
            continue
        rows.append(AnswerRow(where, qid, value, evidence))
    return rows, problems
