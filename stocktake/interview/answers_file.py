"""Scripted answers: reading a whole `--answers` file and checking every row before any is stored.

A CSV with header `question,value,evidence` (evidence optional), or a JSON list of objects with
those keys. Values are read by :func:`stocktake.banks.answer_values.parse_answer`, the same rules as
offline forms and merged workbooks. Bad rows are reported at once, by CSV line or JSON item
(counted from 1) and question id, the first 50 listed and the rest counted; a file with any bad
row gives no answers at all. Text is read by :mod:`stocktake.text.text_files` (byte-order marks,
UTF-16 refused, 16 MiB at most) and CSV by :mod:`stocktake.text.csv_files` (Excel's habits).

    answers = read_answers_file(bank, "council", Path("answers.csv"))
    take_in(ws, [Return(partnership, bank, wave, "council", "interview", tuple(answers),
                        source="answers.csv", respondent="Jo Bloggs")])   # returns.intake

Other readers (offline forms) build :class:`AnswerRow` themselves and call
:func:`check_answer_rows`, with `where` saying "cell C7" or whatever locates a row for them.
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from stocktake.banks.answer_values import FILE_WORDS, AnswerWords, BadValue, parse_answer
from stocktake.banks.model import AgeBand, Bank
from stocktake.text.csv_files import SAVE_AS_CSV, csv_records
from stocktake.errors import StocktakeError
from stocktake.text.problems import PROBLEMS_LISTED, ProblemList
from stocktake.records.responses import Answer
from stocktake.text.text_rules import normalise_line_ends, text_problem
from stocktake.text.text_files import read_text_file

COLUMNS = ("question", "value", "evidence")
# Rows that try to give a respondent's name, refused outright for anonymous roles.
NAME_FIELDS = {"name", "respondent", "your name", "respondent name", "respondent_name"}
REQUIRED_COLUMNS = ("question", "value")
SAVE_AS = f"{SAVE_AS_CSV}, or JSON in UTF-8"


@dataclass(frozen=True)
class AnswerRow:
    """One row as read: `where` locates it for error messages ("line 3", "item 2")."""

    where: str
    question: str
    value: Any
    evidence: str = ""
    from_csv: bool = field(default=False, compare=False)


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
    """Read and check a whole answers file; raises StocktakeError naming the bad rows.

    The file is read as it streams: only good answers (at most one per question of the bank)
    and the first :data:`~stocktake.text.problems.PROBLEMS_LISTED` problems are kept, with a count
    of the rest, so a huge or wholly wrong file costs little memory and prints a short error.
    Files over :data:`~stocktake.text.text_files.MAX_TEXT_FILE_BYTES` are refused unread. `age` is an
    anonymous respondent's age band: rows for questions not asked at that age are refused.
    """
    path = Path(path)
    answers, problems, count = _check(bank, role, _read_items(path), str(path), age=age)
    if problems:
        raise _bad_rows(str(path), problems)
    if not count:
        raise _no_answers(path)
    return answers


def read_answer_rows(path: Path) -> list[AnswerRow]:
    """Rows of a CSV or JSON answers file (JSON if the name ends .json or the text starts `[`)."""
    path = Path(path)
    rows: list[AnswerRow] = []
    problems = ProblemList()
    for item in _read_items(path):
        if isinstance(item, _Problem):
            problems.add(item.render(str(path)))
        else:
            rows.append(item)
    if problems:
        raise _bad_rows(str(path), problems)
    if not rows:
        raise _no_answers(path)
    return rows


def _read_items(path: Path) -> Iterator[AnswerRow | _Problem]:
    text = read_text_file(path, save_as=SAVE_AS, option="--answers")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _json_rows(text)
    return _csv_rows(text, path)


def _no_answers(path: Path) -> StocktakeError:
    return StocktakeError(f"{path}: no answers in the file",
                          hint="add one row per question: question,value,evidence")


def check_answer_ages(bank: Bank, answers: Iterable[Answer], age: AgeBand | None,
                      source: str = "") -> None:
    """Refuse, all at once, answers to questions not asked at this age band: StocktakeError
    naming each question and the ages it is asked at, in `details`."""
    problems = ProblemList()
    for answer in answers:
        question = bank.question(answer.question)
        if not question.asked_of_age(age):
            problems.add(_Problem(answer.question, "", _age_reason(question, age)).render(source))
    if problems:
        raise _bad_rows(source, problems)


def _age_reason(question, age: AgeBand | None) -> str:
    low = question.min_age if question.min_age is not None else 0
    high = question.max_age if question.max_age is not None else 25
    label = age.label.lower() if age else "this age"
    return f"not asked of children and young people aged {label} (asked at ages {low} to {high})"


def check_answer_rows(bank: Bank, role: str, rows: Iterable[AnswerRow],
                      source: str = "", age: AgeBand | None = None,
                      words: AnswerWords = FILE_WORDS) -> list[Answer]:
    """Answers for every row, or StocktakeError listing every bad row in `details`.

    A row is bad when its question is unknown or not asked of `role` (by role alone: a question
    hidden by a skip condition may still be answered, and the answer is kept), when its value is
    out of range or of the wrong kind for the question, when its text cannot be stored (not
    valid Unicode), or when the question repeats an earlier row. Every problem is listed (the
    caller cuts the list, after merging it with its own), in the order of the rows. `words`
    names not applicable and don't know in messages as the rows' source does (a form's
    FORM_WORDS, an answers file's FILE_WORDS).
    """
    answers, problems, _ = _check(bank, role, rows, source, limit=sys.maxsize, age=age,
                                  words=words)
    if problems:
        raise _bad_rows(source, problems)
    return answers


def _check(bank: Bank, role: str, items: Iterable[AnswerRow | _Problem], source: str,
           limit: int = PROBLEMS_LISTED, age: AgeBand | None = None,
           words: AnswerWords = FILE_WORDS) -> tuple[list[Answer], ProblemList, int]:
    """(answers, problems, rows seen) over rows and reading problems, in file order."""
    bank.role(role)
    anonymous = bank.is_anonymous(role)
    answers: list[Answer] = []
    problems = ProblemList(limit)
    seen: dict[str, str] = {}
    known = [q.id for q in bank.questions]
    count = 0

    def bad(where: str, qid: str, reason: str) -> None:
        if problems.listing:
            problems.add(_Problem(where, qid, reason).render(source))
        else:
            problems.count_one()

    for row in items:
        count += 1
        if isinstance(row, _Problem):
            problems.add(row.render(source))
            continue
        # Text decoded from UTF-8 cannot hold a lone surrogate; JSON escapes and cells can.
        unreadable = None if row.from_csv else _unstorable_text(row)
        if unreadable:
            bad(row.where, "", unreadable)
            continue
        qid = (row.question or "").strip()
        if not qid:
            bad(row.where, "", "no question id")
            continue
        if anonymous and qid.lower() in NAME_FIELDS:
            bad(row.where, qid, f"gives a name, but role '{role}' answers anonymously (a "
                                "reference stands in for a name); take this row out")
            continue
        if not bank.has_question(qid):
            # Suggestions cost a scan of the bank; only listed problems get one.
            close = difflib.get_close_matches(qid, known, n=1) if problems.listing else []
            hint = f" (did you mean {close[0]}?)" if close else ""
            bad(row.where, qid, f"no such question in bank {bank.id}{hint}")
            continue
        question = bank.question(qid)
        if not question.asked_of(role):
            bad(row.where, qid, f"not asked of role '{role}' (asked of "
                                f"{', '.join(question.roles)})")
            continue
        if qid in seen:
            bad(row.where, qid, f"repeats {seen[qid]}")
            continue
        seen[qid] = row.where
        if anonymous:
            refused = _anonymous_refusal(question, row, age)
            if refused:
                bad(row.where, qid, refused)
                continue
        evidence = (row.evidence or "").strip()
        if row.from_csv and question.type == "number" and _split_decimal(row.value, evidence):
            bad(row.where, qid, f"'{str(row.value).strip()},{evidence}' looks like a number "
                                "written with a decimal comma, split across the value and "
                                f"evidence columns; write {str(row.value).strip()}.{evidence} "
                                "(or quote the value)")
            continue
        try:
            status, value = parse_answer(question, row.value, words)
        except BadValue as exc:
            reason = f"the value is empty; give a value, {words.both}, or leave the row out" \
                if str(exc) == "empty value" else str(exc)
            bad(row.where, qid, reason)
            continue
        # Text must come back from a workbook as it went in (stocktake.text.text_rules).
        evidence = normalise_line_ends(evidence)
        problem = text_problem(evidence)
        if problem is None and isinstance(value, str):
            value = normalise_line_ends(value)
            problem = text_problem(value)
            field = "the answer"
        else:
            field = "the evidence"
        if problem is not None:
            bad(row.where, qid, f"{field}: the text {problem}")
            continue
        answers.append(Answer(qid, status, value, evidence=evidence))
    return answers, problems, count


def _anonymous_refusal(question, row: AnswerRow, age: AgeBand | None) -> str | None:
    """Why a row cannot be taken from a child or young person, or None.

    They answer without a name: an evidence note, or a text answer that looks like it names
    someone, is refused rather than stored and warned about afterwards.
    """
    from stocktake.privacy.personal_data import describe, find_personal_data

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


def _split_decimal(value: Any, evidence: str) -> bool:
    """True for value `12` and evidence `5`: what an unquoted `12,5` becomes in a CSV."""
    return isinstance(value, str) and value.strip().isdigit() and evidence.isdigit() and \
        len(evidence) <= 3


def _unstorable_text(row: AnswerRow) -> str | None:
    """Why the row's text cannot be stored (lone surrogates, from JSON escapes or bad cells)."""
    for name, text in (("question", row.question), ("value", row.value),
                       ("evidence", row.evidence)):
        if not isinstance(text, str):
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            code = ord(text[exc.start])
            return (f"'{name}' holds U+{code:04X} at character {exc.start + 1}, half of a "
                    "surrogate pair, which is not text and cannot be stored; retype that text")
    return None


def _bad_rows(source: str, problems: ProblemList) -> StocktakeError:
    where = f"{source}: " if source else ""
    return StocktakeError(f"{where}{len(problems)} bad row(s); nothing was stored",
                          hint="fix every row listed and run the command again",
                          details=problems.details())


def _csv_rows(text: str, path: Path) -> Iterator[AnswerRow | _Problem]:
    header: list[str] | None = None
    for line, cells in csv_records(text, path, example=",".join(COLUMNS)):
        if header is None:
            header = [c.strip().lower() for c in cells]
            problem = _header_problem(header)
            if problem:
                yield _Problem(f"line {line}", "", problem)
                return
            question_at = header.index("question")
            continue
        qid = cells[question_at].strip() if len(cells) > question_at else ""
        if len(cells) > len(header):
            yield _Problem(f"line {line}", qid,
                           f"{len(cells)} cells but the header has {len(header)} columns "
                           "(quote text that holds commas; write decimals with a point, "
                           "12.5 not 12,5)")
            continue
        cell = dict(zip(header, cells))
        yield AnswerRow(f"line {line}", qid, cell.get("value", ""),
                        cell.get("evidence", "") or "", from_csv=True)
    if header is None:
        yield _Problem("line 1", "", "the file is empty; the first line should read "
                                     "question,value,evidence")


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


class _JsonObject(dict):
    """A JSON object that remembers keys given twice (json keeps the last without a word)."""

    repeated: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    found = _JsonObject(pairs)
    if len(found) != len(pairs):
        keys = [k for k, _ in pairs]
        found.repeated = tuple(sorted({k for k in keys if keys.count(k) > 1}))
    return found


def _json_rows(text: str) -> Iterator[AnswerRow | _Problem]:
    try:
        data = json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        yield _Problem(f"line {exc.lineno}", "", f"broken JSON: {_json_cause(text, exc)}")
        return
    except RecursionError:
        yield _Problem("top level", "", "brackets nested too deeply to be answers; an answers "
                                        "file is a flat list of objects with keys question, "
                                        "value and evidence")
        return
    if not isinstance(data, list):
        yield _Problem("top level", "", "expected a JSON list of objects with keys "
                                        "question, value and evidence")
        return
    for index, item in enumerate(data, start=1):
        where = f"item {index}"
        if not isinstance(item, dict):
            yield _Problem(where, "", "expected an object with keys question, value and "
                                      "evidence")
            continue
        qid = item.get("question")
        label = qid if isinstance(qid, str) else ""
        repeated = getattr(item, "repeated", ())
        if repeated:
            yield _Problem(where, label, f"key(s) {', '.join(map(repr, repeated))} given more "
                                         "than once; give each once")
            continue
        unknown = [k for k in item if k not in COLUMNS]
        if unknown:
            yield _Problem(where, label, f"unknown key(s) {', '.join(map(repr, unknown))}; use "
                                         "question, value and evidence")
            continue
        if not isinstance(qid, str):
            yield _Problem(where, "", "'question' must be a question id (text)")
            continue
        value = item.get("value")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ";".join(value)  # a multi answer written as a JSON list of option ids
        elif isinstance(value, (list, dict)):
            yield _Problem(where, qid, "'value' must be text, a number, or a list of option ids")
            continue
        evidence = item.get("evidence") or ""
        if not isinstance(evidence, str):
            yield _Problem(where, qid, "'evidence' must be text")
            continue
        yield AnswerRow(where, qid, value, evidence)


def _json_cause(text: str, exc: json.JSONDecodeError) -> str:
    """The decoder's message, or the habit behind it (a trailing comma, single quotes)."""
    at = text[exc.pos:exc.pos + 1]
    before = text[:exc.pos].rstrip()[-1:]
    if at in ("]", "}") and before == ",":
        return ("a comma after the last item (Excel and JavaScript allow it; JSON does not); "
                "remove it")
    if at == "'":
        return "text in single quotes; JSON needs double quotes"
    return exc.msg
