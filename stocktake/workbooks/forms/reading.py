"""A returned form read back: checked whole, by the same rules as `interview --answers`, every
bad row reported by cell (`Form!F12`); answers are given only when the whole form is good. The
seal on the hidden About sheet catches a form edited outside its unlocked cells, or another's.

    filled = read_form(Path("camden-council.xlsx"))
    ws.save_answers(filled.key, filled.answers, role=filled.role, mode="form")
"""

from __future__ import annotations

from stocktake.workbooks.forms.entries import answer_names
from stocktake.workbooks.forms.sheet import ABOUT_SHEET, AGE_LABEL, ANSWER_COLUMN, EVIDENCE_COLUMN, FORM_COLUMNS, FORM_SHEET, HEADER_ROW, ID_COLUMN, NAME_CELL, NAME_LABEL

from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Any, Sequence

from stocktake.banks.model import AGE_BANDS, Bank, Question
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.records.responses import Answer, ResponseKey
from stocktake.workbooks import FORMAT_VERSION, RESPONSE_FORM



@dataclass(frozen=True)
class FilledForm:
    """A returned form that passed every check."""

    path: Path
    bank: Bank
    partnership: Partnership
    role: str
    wave: str
    respondent: str
    answers: tuple[Answer, ...]
    # Anonymous roles: the age band chosen on the form (an AGE_BANDS id), else "".
    age_band: str = ""

    @property
    def key(self) -> ResponseKey:
        return ResponseKey(self.partnership.code, self.bank.id, self.wave, self.respondent)


# ---------------------------------------------------------------- reading


def read_form(path: Path, shelf: Any = None, *, reader: str = "calamine",
              key: bytes | None = None) -> FilledForm:
    """Check a returned form whole; StocktakeError lists the problems (by cell) in details.

    Each answer is read by its hidden question id, wherever its row now is, so a row inserted
    (a note) or deleted by the respondent is reported once, and the rest of the form is still
    checked. The name is found by its label, the columns by their headings. A cell's number
    format is read with its value (:func:`stocktake.returns.workbook_reader.cell_facts`): 15% typed in
    a cell is the text "15%", as in an answers file; an Excel error (#N/A) or a date where none
    can be meant is named by cell. At most PROBLEMS_LISTED problems are listed, with a count
    of the rest. With `key`, the form must carry a keyed seal made with it
    (:func:`stocktake.returns.seal.form_seal`).
    """
    from stocktake.returns.file_checks import check_workbook_file
    from stocktake.returns.about import BankShelf, about_values, partnership_from_about
    from stocktake.returns.seal import canonical_text
    from stocktake.returns.workbook_reader import MissingSheet, read_sheets, sheets_cell_facts

    path = Path(path)
    shelf = shelf or BankShelf()
    check_workbook_file(path)
    try:
        sheets = read_sheets(path, [ABOUT_SHEET], optional=[FORM_SHEET], reader=reader)
    except MissingSheet:
        raise StocktakeError(f"{path}: not a stocktake response form (no About sheet)",
                             hint="create forms with `stocktake forms create`")
    facts = sheets_cell_facts(path, [ABOUT_SHEET, FORM_SHEET])
    _refuse_about_errors(path, sheets[ABOUT_SHEET], facts.get(ABOUT_SHEET, {}))
    about = about_values(sheets[ABOUT_SHEET])
    kind = canonical_text(about.get("format")).strip()
    if kind != RESPONSE_FORM:
        from stocktake.workbooks import PARTNERSHIP_EXPORT

        if kind == PARTNERSHIP_EXPORT:
            raise StocktakeError(f"{path}: a partnership export, not a response form",
                                 hint="merge exports with `stocktake merge`")
        raise StocktakeError(f"{path}: not a stocktake response form",
                             hint="create forms with `stocktake forms create`")
    if canonical_text(about.get("format_version")).strip() != str(FORMAT_VERSION):
        raise StocktakeError(f"{path}: form format {about.get('format_version')} is not one this "
                             "version of stocktake reads")
    from stocktake.partnerships.identifiers import checked_bank_id, checked_code, checked_wave

    # The About sheet's identifiers name files in the workspace: checked as the command line's.
    where = f"{path}: About sheet"
    bank_id = checked_bank_id(canonical_text(about.get("bank")), f"{where}, bank")
    code = checked_code(canonical_text(about.get("partnership")), f"{where}, partnership")
    wave = checked_wave(canonical_text(about.get("wave")), f"{where}, wave")
    try:
        bank = shelf.get(bank_id)
    except StocktakeError:
        raise StocktakeError(f"{path}: the form is for bank '{bank_id}', which is not installed "
                             "here", hint="put the bank file in a folder on STOCKTAKE_BANK_PATH")
    version = canonical_text(about.get("bank_version")).strip()
    if version != bank.version or canonical_text(about.get("bank_hash")).strip() != bank.hash:
        raise StocktakeError(
            f"{path}: the form was made for {bank_id} {version}, a different edition of the bank "
            f"than this machine's {bank.version}",
            hint="send the respondent a new form made with `stocktake forms create`")
    if FORM_SHEET not in sheets:
        raise StocktakeError(f"{path}: sheet '{FORM_SHEET}' is missing",
                             hint="import the form as stocktake created it")
    role = canonical_text(about.get("role")).strip()
    try:
        bank.role(role)
    except StocktakeError:
        raise StocktakeError(f"{path}: the form is for role '{role}', which bank {bank_id} "
                             "does not have")
    expected = _expected_rows(sheets[ABOUT_SHEET])
    if key is not None:
        _check_form_seal(path, about, [RESPONSE_FORM, bank_id, version, bank.hash, wave, code,
                                       role], expected, key, anonymous=bank.is_anonymous(role))
    reading = _FormReading(path, bank, role, sheets[FORM_SHEET], facts.get(FORM_SHEET, {}),
                           expected, about)
    respondent, answers, band = reading.run()
    if key is not None and not bank.is_anonymous(role):
        _check_issued_name(path, about, respondent, reading.name_ref)
    from stocktake.text.text_rules import text_problem

    problem = text_problem(respondent)
    if problem:
        raise StocktakeError(f"{path}: Form!{reading.name_ref}: the respondent's name {problem}",
                             hint="fix the name and import the form again")
    partnership = partnership_from_about(code, about)
    return FilledForm(path, bank, partnership, role, wave, respondent, tuple(answers),
                      band.id if band else "")


def _anonymous_identity(bank: Bank, role: str, about: dict, typed: str) -> tuple:
    """(reference, age band, problem) of an anonymous form: the reference the form was made
    with, and the age group chosen in the cell that on other forms holds a name."""
    import re

    from stocktake.returns.seal import canonical_text

    reference = canonical_text(about.get("respondent")).strip()
    prefix = bank.role(role).reference_prefix
    if not re.fullmatch(rf"{re.escape(prefix)}-\d{{4,}}", reference):
        return "", None, (f"the form carries no reference for role {role} (it has "
                          f"'{reference}'); make a new form with `stocktake forms create`")
    band = next((b for b in AGE_BANDS if b.label == typed or b.id == typed), None)
    if band is None:
        if not typed:
            return reference, None, "choose your age group from the list"
        return reference, None, (f"'{typed}' is not an age group: this form is anonymous and "
                                 "takes no name; choose an age group from the list")
    return reference, band, None


_NEW_FORM_HINT = "send the respondent a new form made with `stocktake forms create --key`"
_FIELD_WORDS = {"format": "format", "bank": "bank", "bank_version": "bank version",
                "bank_hash": "bank edition (hash)", "wave": "wave",
                "partnership": "partnership", "partnership_name": "partnership's name",
                "region": "region", "role": "role", "respondent": "respondent"}


def _check_form_seal(path: Path, about: dict, identity: list[str], expected: dict[int, str],
                     key: bytes, *, anonymous: bool = False) -> None:
    """StocktakeError unless the form's keyed seal is the one `key` makes of what it says.

    Forms sealed by FORM_SEAL_METHOD are checked over every identity (the respondent's name or
    reference too), and a failure names the fields that changed. A form sealed before that
    method (no `keyed_seal_method`) is read as it was sealed, over bank, wave, partnership and
    role, where the respondent writes their own name; an anonymous one is refused, since its
    seal does not cover the reference that says whose answers they are.
    """
    from stocktake.returns.seal import (FORM_SEAL_METHOD, canonical_text, changed_form_fields,
                                        form_seal, form_seal_v2, seal_matches)

    found = canonical_text(about.get("keyed_seal")).strip()
    if not found:
        raise StocktakeError(f"{path}: no keyed seal in the form's About sheet: it was not "
                             "made with the national team's key",
                             hint="send the respondent a form made with `stocktake forms create "
                                  "--key`")
    method = canonical_text(about.get("keyed_seal_method")).strip()
    rows = sorted(expected.items())
    if method == FORM_SEAL_METHOD:
        fields = {k: canonical_text(v).strip() for k, v in about.items()}
        if seal_matches(form_seal_v2(fields, rows, key), found):
            return
        changed = changed_form_fields(fields, canonical_text(about.get("keyed_fields")), key)
        if changed and len(changed) < len(_FIELD_WORDS):
            said = "; ".join(f"its {_FIELD_WORDS[name]} ('{fields.get(name, '')}') is not the "
                             "one it was issued for" for name in changed)
            raise StocktakeError(f"{path}: the form's keyed seal does not verify: {said}",
                                 hint=_NEW_FORM_HINT)
        why = ("it was made with another key" if changed else
               "its hidden question rows were changed, or it was made with another key")
        raise StocktakeError(f"{path}: the form's keyed seal does not verify: {why}",
                             hint=_NEW_FORM_HINT)
    if method:
        raise StocktakeError(f"{path}: the form's keyed seal is of a kind this version of "
                             f"stocktake does not know ('{method}')", hint=_NEW_FORM_HINT)
    if anonymous:
        raise StocktakeError(f"{path}: the form's keyed seal was made by an earlier stocktake "
                             "and does not cover the respondent's reference, so whose answers "
                             "these are cannot be verified", hint=_NEW_FORM_HINT)
    if not seal_matches(form_seal(identity, rows, key), found):
        raise StocktakeError(f"{path}: the form's keyed seal does not verify: what the form is "
                             "for (partnership, role, wave, bank, question rows) was changed, or "
                             "it was made with another key",
                             hint="send the respondent a new form made with `stocktake forms "
                                  "create --key`")
def _check_issued_name(path: Path, about: dict, typed: str, where: str = NAME_CELL) -> None:
    """A keyed form issued to a named person is refused when the name written on it is someone
    else's (case, spacing, accents and punctuation do not count), since it would overwrite that
    person's answers."""
    from stocktake.records.roster_and_plans import name_key
    from stocktake.returns.seal import canonical_text

    issued = canonical_text(about.get("respondent")).strip()
    if issued and typed and name_key(issued) != name_key(typed):
        raise StocktakeError(
            f"{path}: Form!{where}: the form was issued to '{issued}' but the name on it is "
            f"'{typed}': with the seal key, a form stands only for the person it was made for",
            hint="if it is the same person, write the name as issued; for someone else, make "
                 "them their own form with `stocktake forms create --key`")


def _refuse_about_errors(path: Path, rows: list[list[Any]], facts: dict) -> None:
    """An Excel error in the hidden identity cells: the form cannot be placed, so say which."""
    from stocktake.returns.workbook_reader import cell_ref

    for (r, c), fact in sorted(facts.items()):
        if fact.error or fact.formula_without_value:
            key = rows[r - 1][0] if r - 1 < len(rows) and rows[r - 1] else None
            what = f"the form's {key}" if isinstance(key, str) and key.strip() else "its value"
            held = f"the Excel error {fact.error}" if fact.error else \
                "a formula with no saved result"
            raise StocktakeError(
                f"{path}: {ABOUT_SHEET}!{cell_ref(r, c)} holds {held} instead of {what}",
                hint="the hidden About sheet was edited; send the respondent a new form made "
                     "with `stocktake forms create` and copy the answers into it")


class _FormReading:
    """One pass over a returned Form sheet: the layout by labels, the answers by question id."""

    def __init__(self, path: Path, bank: Bank, role: str, rows: list[list[Any]], facts: dict,
                 expected: dict[int, str], about: dict | None = None):
        self.path, self.source = path, str(path)
        self.bank, self.role, self.rows, self.facts = bank, role, rows, facts
        self.expected = expected
        self.about = about or {}
        self.problems: list[tuple[int, int, str]] = []
        # Where the name (or age group) was read: D3, or C3 on forms made before 7 December.
        self.name_ref = NAME_CELL

    def cell(self, r: int, c: int) -> Any:
        if 0 < r <= len(self.rows) and 0 < c <= len(self.rows[r - 1]):
            return self.rows[r - 1][c - 1]
        return None

    def text(self, r: int, c: int) -> str:
        from stocktake.returns.seal import canonical_text

        return canonical_text(self.cell(r, c)).strip()

    def problem(self, r: int, c: int, text: str) -> None:
        from stocktake.returns.workbook_reader import cell_ref

        where = f"Form!{cell_ref(r, c)}" if r and c else "Form"
        self.problems.append((r, c, f"{self.source}: {where}: {text}"))

    # ---- layout

    def header(self) -> tuple[int, dict[str, int]]:
        """The heading row and each heading's column, wherever rows or columns moved."""
        wanted = {h.lower() for h in FORM_COLUMNS}
        for r in range(1, min(len(self.rows), HEADER_ROW + 200) + 1):
            labels = {self.text(r, c).lower(): c for c in range(1, len(self.rows[r - 1]) + 1)
                      if self.text(r, c)}
            if {"answer", "evidence", "id"} <= set(labels) and len(wanted & set(labels)) >= 5:
                return r, labels
        return HEADER_ROW, {h.lower(): i for i, h in enumerate(FORM_COLUMNS, start=1)}

    def name_cell(self, header_row: int) -> tuple[int, int]:
        for r in range(1, header_row):
            for c in range(1, len(self.rows[r - 1]) + 1 if r <= len(self.rows) else 1):
                if self.text(r, c).lower() in (NAME_LABEL.lower(), AGE_LABEL.lower()):
                    return r, c + 1
        return 3, 3

    # ---- reading

    def run(self) -> tuple[str, list[Answer], Any]:
        """(respondent, answers, age band or None), or StocktakeError listing every problem."""
        from stocktake.banks.answer_values import BadValue
        from stocktake.interview.answers_file import AnswerRow, check_answer_rows
        from stocktake.text.problems import listed

        header_row, columns = self.header()
        answer_col = columns.get("answer", ANSWER_COLUMN)
        evidence_col = columns.get("evidence", EVIDENCE_COLUMN)
        id_col = columns.get("id", ID_COLUMN)
        name_r, name_c = self.name_cell(header_row)
        from stocktake.returns.workbook_reader import cell_ref

        self.name_ref = cell_ref(name_r, name_c)
        band = None
        anonymous = self.bank.is_anonymous(self.role)
        if anonymous:
            # No name cell on these forms: it holds the age group, and anything else there (a
            # name typed over the list) is refused, not stored.
            typed = self.identity_text(name_r, name_c, "your age group") or ""
            respondent, band, refused = _anonymous_identity(self.bank, self.role, self.about,
                                                            typed)
            if refused:
                self.problem(name_r, name_c, refused)
        else:
            respondent = self.identity_text(name_r, name_c, "your name")
        if anonymous:
            pass
        elif respondent is not None and not respondent:
            self.problem(name_r, name_c, "the respondent's name is empty; write your name there")
        elif respondent and not _encodable(respondent):
            self.problem(name_r, name_c, "the name holds a character that is not text (half "
                                         "of a surrogate pair); type the name again")
            respondent = None

        wanted_ids = set(self.expected.values())
        found: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        areas = {a.title.strip().lower() for a in self.bank.areas}
        for r in range(header_row + 1, len(self.rows) + 1):
            qid = self.text(r, id_col)
            if not qid:
                self.stray_row(r, areas, id_col)
                continue
            if qid not in wanted_ids:
                unknown.append((r, qid))
                continue
            if qid in found:
                self.problem(r, id_col, f"question {qid} appears again (first at row "
                                        f"{found[qid]}); a copied row? delete the copy")
                continue
            found[qid] = r
        shift = header_row - HEADER_ROW
        missing = {qid: r for r, qid in self.expected.items() if qid not in found}
        for r, qid in unknown:
            was = self.expected.get(r - shift)
            if was in missing:
                missing.pop(was)
                self.problem(r, id_col, f"question id edited ('{qid}', expected '{was}')")
            else:
                self.problem(r, id_col, f"question id '{qid}' was not on the form as created")
        for qid, r in missing.items():
            self.problems.append((r + shift, 0, (
                f"{self.source}: Form: the row of question {qid} (row {r} when the form was "
                "made) was deleted; put it back (Undo, or copy it from a new form) and answer "
                "it there, or the question goes unanswered")))

        rows: list[AnswerRow] = []
        reported: set[str] = set()
        for qid, r in sorted(found.items(), key=lambda item: item[1]):
            evidence = self.evidence_text(r, evidence_col, qid)
            raw = self.cell(r, answer_col)
            fact = self.facts.get((r, answer_col))
            if fact is not None and (fact.error or fact.formula_without_value):
                self.problem(r, answer_col, f"{qid}: {_held(fact)}, not an answer; type the "
                                            "answer itself")
                reported.add(qid)
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if evidence:
                    self.problem(r, evidence_col, f"{qid}: evidence given but no answer; choose "
                                                  "an answer (Don't know if unsure)")
                continue
            question = self.bank.question(qid) if self.bank.has_question(qid) else None
            try:
                value = answer_from_cell(question, raw, fact)
            except BadValue as exc:
                self.problem(r, answer_col, f"{qid}: {exc}")
                reported.add(qid)
                continue
            rows.append(AnswerRow(f"Form!{_ref(r, answer_col)}", qid, value, evidence or ""))
        answers: list[Answer] = []
        try:
            answers = check_answer_rows(self.bank, self.role, rows, source=self.source, age=band,
                                        words=form_words())
        except StocktakeError as exc:
            for detail in exc.details or [exc.message]:
                self.problems.append((*_row_of(detail), detail))
        required = _missing_required(self.bank, self.role, rows, found, self.source,
                                     answer_col, skip=set(missing) | reported)
        self.problems.extend((*_row_of(p), p) for p in required)
        if self.problems:
            ordered = [text for _, _, text in sorted(self.problems, key=lambda p: (p[0], p[1]))]
            raise StocktakeError(f"{self.path}: {len(ordered)} problem(s); nothing from this "
                                 "form was stored", hint="fix the cells listed and import the "
                                                         "form again",
                                 details=listed(ordered))
        if not answers:
            raise StocktakeError(f"{self.path}: the form has no answers",
                                 hint="fill in the yellow Answer cells and import it again")
        return respondent or "", answers, band

    def identity_text(self, r: int, c: int, what: str) -> str | None:
        fact = self.facts.get((r, c))
        if fact is not None and (fact.error or fact.formula_without_value):
            self.problem(r, c, f"{_held(fact)} instead of {what}; type it there")
            return None
        return _cell_text(self.cell(r, c), fact).strip()

    def evidence_text(self, r: int, c: int, qid: str) -> str | None:
        fact = self.facts.get((r, c))
        if fact is not None and (fact.error or fact.formula_without_value):
            self.problem(r, c, f"{qid}: {_held(fact)} instead of evidence; type the evidence "
                               "itself")
            return None
        return _cell_text(self.cell(r, c), fact).strip()

    def stray_row(self, r: int, areas: set[str], id_col: int) -> None:
        """A row with no question id: an area heading, an empty inserted row, or a note."""
        cells = [(c, self.text(r, c)) for c in range(1, len(self.rows[r - 1]) + 1)
                 if c != id_col and self.text(r, c)]
        if not cells or (len(cells) == 1 and cells[0][1].lower() in areas):
            return
        c, text = cells[0]
        shown = text if len(text) <= 60 else text[:57] + "..."
        self.problem(r, c, f"this row has no question (inserted?) and holds '{shown}', which "
                           "would be lost; move it into the Evidence cell of the question it "
                           "is about and delete the row")


def form_words() -> Any:
    """How a message about a form names its answers: Not applicable and Don't know, Yes or
    No, a choice's options as its dropdown offers them (labels, or ids where labels do not
    fit) and a multi's by label, never the answers file's `na`, `dk` and ids alone."""
    from dataclasses import replace

    from stocktake.banks.answer_values import FORM_WORDS, option_labels

    def names(question: Question) -> list[str]:
        shown = answer_names(question) if question.type == "choice" else None
        return shown or option_labels(question)

    return replace(FORM_WORDS, names=names)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ref(r: int, c: int) -> str:
    from stocktake.returns.workbook_reader import cell_ref

    return cell_ref(r, c)


def _held(fact: Any) -> str:
    if fact.error:
        return f"the cell holds the Excel error {fact.error}"
    return "the cell holds a formula with no saved result"


def answer_from_cell(question: Question | None, raw: Any, fact: Any = None) -> Any:
    """A cell's value as it reads on screen, for :func:`stocktake.banks.answer_values.parse_answer`.

    The number format decides the meaning, so the same answer reads the same from a form and
    from an answers file: 0.15 shown as 15% is "15%", 1200 shown as £1,200 is "£1200", TRUE is
    "TRUE", and text in a Text-formatted cell stays text ("007"). A date or time (Excel turns
    `3/4` or `1-2` into one) is ISO text for a text question and refused (BadValue) for any
    other. Dropdown text "3 - descriptor" keeps its level number.
    """
    import datetime as dt

    from stocktake.banks.answer_values import BadValue

    kind = fact.kind if fact is not None else "general"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)) and kind in ("date", "datetime", "time"):
        raw = _excel_serial(raw, kind)
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        shown = _date_text(raw)
        if question is not None and question.type == "text":
            return shown
        raise BadValue(f"the cell holds the date or time {shown}, not an answer (Excel turns "
                       "entries such as 3/4 or 1-2 into dates); type the answer again with an "
                       "apostrophe before it ('3/4), which keeps it as text")
    if isinstance(raw, (int, float)):
        if kind == "percent":
            return f"{_plain(raw * 100)}%"
        if kind.startswith("currency:"):
            return f"{kind.split(':', 1)[1]}{_plain(raw)}"
        return raw
    return form_value(raw, question)


def _cell_text(raw: Any, fact: Any = None) -> str:
    """A cell as text, as it reads on screen (dates as ISO, percentages with %)."""
    import datetime as dt

    from stocktake.returns.seal import canonical_text

    kind = fact.kind if fact is not None else "general"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and \
            kind in ("date", "datetime", "time"):
        raw = _excel_serial(raw, kind)
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return _date_text(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if kind == "percent":
            return f"{_plain(raw * 100)}%"
        if kind.startswith("currency:"):
            return f"{kind.split(':', 1)[1]}{_plain(raw)}"
    return canonical_text(raw)


def _plain(number: float) -> str:
    """A number as a person would write it: 15 not 15.000000000000002, 12.5 not 12.50."""
    from decimal import Decimal

    text = format(Decimal(repr(float(number))).quantize(Decimal("1e-9")).normalize(), "f")
    return text


def _excel_serial(number: float, kind: str) -> Any:
    """A date-formatted number the reader left as a number, as the date Excel shows."""
    import datetime as dt

    if kind == "time" and 0 <= number < 1:
        seconds = round(number * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    try:
        # Excel's 1900 date system (with its phantom 29 February 1900) counts from 30 Dec 1899.
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(number))
    except (OverflowError, ValueError):
        return number


def _date_text(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    seconds = int(value.total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}" + (f":{seconds % 60:02d}"
                                                            if seconds % 60 else "")


def form_value(raw: Any, question: Question | None = None) -> Any:
    """A cell as the answer parser expects it.

    The question's own dropdown entries come first ("3" for a level; an option's label, id or
    "Option 2" for a choice, as `answer_names`); then what forms sent out earlier offered: a
    scale entry "3 - descriptor" (whole, or cut with an ellipsis at DROPDOWN_TEXT_LIMIT) is
    read by its level number, and a choice's whole label by `parse_answer`. Only a scale's
    text is read by a leading number: "3 - 5" in a number or text question stays as typed.
    """
    import re

    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if question is None:
        found = re.match(r"^(\d+)\s*[-\u2013\u2014.:)]\s", text + " ")
        return found.group(1) if found else text
    names = answer_names(question)
    if names:
        folded = text.lower()
        for n, name in enumerate(names):
            if folded == name.lower():
                if question.type == "scale":
                    return str(n + 1)
                if question.type == "choice":
                    return question.options[n].id
                return name
    if question.type == "scale":
        found = re.match(r"^(\d+)\s*[-\u2013\u2014.:)]\s", text + " ")
        if found:
            return found.group(1)
    return text


def _row_of(problem: str) -> tuple[int, int]:
    """(row, column) of the first cell a problem names, for the order of the form's rows."""
    import re

    found = re.search(r"Form!([A-Z]+)(\d+)", problem)
    if not found:
        return (0, 0)
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - 64
    return int(found.group(2)), column


def _expected_rows(rows: list[list[Any]]) -> dict[int, str]:
    from stocktake.returns.seal import canonical_text

    expected: dict[int, str] = {}
    started = False
    for row in rows:
        if len(row) < 2:
            continue
        if not started:
            started = row[0] == "row" and row[1] == "question"
            continue
        try:
            number = int(float(row[0]))
        except (TypeError, ValueError):
            continue
        expected[number] = canonical_text(row[1]).strip()
    return expected


def _missing_required(bank: Bank, role: str, rows: Sequence[Any], found: dict[str, int],
                      source: str, answer_col: int = ANSWER_COLUMN,
                      skip: AbstractSet[str] = frozenset()) -> list[str]:
    """Required questions the form leaves blank, where their skip conditions ask them.

    Works from the rows as typed, so a bad value elsewhere does not make every required
    question look unanswered; a row that does not parse counts as given (it is reported as
    bad already) but meets no condition. Questions in `skip` (reported already: a deleted row,
    an error cell) are left out, so each is reported once.
    """
    from stocktake.banks.answer_values import BadValue, parse_answer
    from stocktake.banks.applicability import is_applicable
    from stocktake.returns.workbook_reader import cell_ref

    typed = {row.question for row in rows}
    given: dict[str, Answer] = {}
    for row in rows:
        if bank.has_question(row.question):
            try:
                status, value = parse_answer(bank.question(row.question), row.value)
            except BadValue:
                continue
            given[row.question] = Answer(row.question, status, value)
    problems = []
    for question in bank.questions_for_role(role):
        if question.required and question.id not in typed and question.id not in skip and \
                question.id in found and is_applicable(bank, question, role, given):
            ref = cell_ref(found[question.id], answer_col)
            problems.append(f"{source}: Form!{ref}: {question.id}: required; answer it "
                            "(Not applicable or Don't know are allowed)")
    return problems
