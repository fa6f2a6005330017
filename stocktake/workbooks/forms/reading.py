"""A returned form read back: checked whole, by the same rules as `interview --answers`, every
bad row reported by cell (`Form!F12`); answers are given only when the whole form is good. The
seal on the hidden About sheet catches a form edited outside its unlocked cells, or another's.

    filled = read_form(Path("camden-council.xlsx"))
    ws.save_answers(filled.key, filled.answers, role=filled.role, mode="form")
"""

from __future__ import annotations

from stocktake.workbooks.forms.entries import answer_names
from stocktake.workbooks.forms.sheet import ABOUT_SHEET, AGE_LABEL, ANSWER_COLUMN, EVIDENCE_COLUMN, FORM_COLUMNS, FORM_SHEET, HEADER_ROW, ID_COLUMN, NAME_CELL, NAME_LABEL, REQUIRED_MARK

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
    # Question id -> its Answer cell ("Form!F9") for each question row left blank: a form sent
    # again leaves the answers it held before in place, so the import says which.
    blank: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> ResponseKey:
        return ResponseKey(self.partnership.code, self.bank.id, self.wave, self.respondent)


class RefusedForm(StocktakeError):
    """A form refused whole whose answers, read by their cells, call for the bank's
    safeguarding notice: `notices` is ((cell, question id), ...) and `notice` the bank's text,
    so the person importing still sees it though nothing was stored."""

    def __init__(self, error: StocktakeError, notices: Sequence[tuple[str, str]], notice: str):
        super().__init__(error.message, error.hint, details=error.details,
                         exit_code=error.exit_code)
        self.notices = tuple(notices)
        self.notice = notice


# ---------------------------------------------------------------- reading


def read_form(path: Path, shelf: Any = None, *, reader: str = "calamine",
              key: bytes | None = None,
              known: Sequence[Partnership] | None = None) -> FilledForm:
    """Check a returned form whole; StocktakeError lists the problems (by cell) in details.

    Each answer is read by its hidden question id, wherever its row now is, so a row inserted
    (a note) or deleted by the respondent is reported once, and the rest of the form is still
    checked. The name is found by its label, the columns by their headings. A cell's number
    format is read with its value (:func:`stocktake.returns.workbook_reader.cell_facts`): 15% typed in
    a cell is the text "15%", as in an answers file; an Excel error (#N/A) or a date where none
    can be meant is named by cell. At most PROBLEMS_LISTED problems are listed, with a count
    of the rest. With `key`, the form must carry a keyed seal made with it
    (:func:`stocktake.returns.seal.form_seal`).

    Refused too, by cell: a row whose question text (or No.) is not the question its hidden id
    names (rows sorted or moved in the visible columns); a formula in any cell, even one with
    a saved result (its result is never taken for what was typed); a partnership code in the
    About sheet that is neither one of `known` (the workspace's partnerships) nor a listed
    English authority, or a partnership name there that is not that partnership's. The
    partnership's name and region come from `known` or the list, never from the form. A form
    refused once its bank is known raises :class:`RefusedForm` when an answer on it calls for
    the bank's safeguarding notice.
    """
    from stocktake.returns.file_checks import check_workbook_file
    from stocktake.returns.about import BankShelf, about_values
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
    # Every formula, saved result or not, per sheet: none is ever taken for what was typed.
    formulas = {sheet: {at: fact.formula for at, fact in cells.items() if fact.formula}
                for sheet, cells in facts.items()}
    _refuse_about_errors(path, sheets[ABOUT_SHEET], facts.get(ABOUT_SHEET, {}),
                         formulas.get(ABOUT_SHEET, {}))
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
    try:
        return _read_known_form(path, bank, role, wave, code, version, sheets, facts,
                                formulas, about, key, known)
    except StocktakeError as exc:
        # Whatever refused the form, an answer on it that calls for the notice is still
        # seen by the person importing it: the child who gave it may need help now.
        called = _notices_on_form(bank, role, sheets[FORM_SHEET], facts.get(FORM_SHEET, {}),
                                  formulas.get(FORM_SHEET, {}), _expected_rows(
                                      sheets[ABOUT_SHEET]))
        if called and not isinstance(exc, RefusedForm):
            raise RefusedForm(exc, called, bank.safeguarding_notice) from None
        raise


def _read_known_form(path: Path, bank: Bank, role: str, wave: str, code: str, version: str,
                     sheets: dict, facts: dict, formulas: dict, about: dict,
                     key: bytes | None, known: Sequence[Partnership] | None) -> FilledForm:
    """The rest of :func:`read_form`, once the form's bank and role are known."""
    from stocktake.text.terminal_text import check_line

    bank_id = bank.id
    expected = _expected_rows(sheets[ABOUT_SHEET])
    if key is not None:
        _check_form_seal(path, about, [RESPONSE_FORM, bank_id, version, bank.hash, wave, code,
                                       role], expected, key, anonymous=bank.is_anonymous(role))
    # After the seal, which says better what of a keyed form was changed.
    _check_row_map(path, bank, role, sheets[ABOUT_SHEET], expected)
    partnership = _form_partnership(path, code, about, sheets[ABOUT_SHEET], known)
    reading = _FormReading(path, bank, role, sheets[FORM_SHEET], facts.get(FORM_SHEET, {}),
                           expected, about, formulas.get(FORM_SHEET, {}))
    respondent, answers, band = reading.run()
    if key is not None and not bank.is_anonymous(role):
        _check_issued_name(path, about, respondent, reading.name_ref)
    from stocktake.text.text_rules import text_problem

    problem = text_problem(respondent)
    if problem:
        raise StocktakeError(f"{path}: Form!{reading.name_ref}: the respondent's name {problem}",
                             hint="fix the name and import the form again")
    try:
        check_line(respondent, "the respondent's name")
    except StocktakeError as exc:
        raise StocktakeError(f"{path}: Form!{reading.name_ref}: {exc.message}",
                             hint=exc.hint) from None
    return FilledForm(path, bank, partnership, role, wave, respondent, tuple(answers),
                      band.id if band else "", tuple(reading.blank))


def _about_cell(rows: list[list[Any]], name: str) -> str:
    """Where the About sheet holds `name`'s value ("About!B8"), for messages."""
    for r, row in enumerate(rows, start=1):
        if row and isinstance(row[0], str) and row[0].strip() == name:
            return f"{ABOUT_SHEET}!B{r}"
    return ABOUT_SHEET


def _form_partnership(path: Path, code: str, about: dict, rows: list[list[Any]],
                      known: Sequence[Partnership] | None) -> Partnership:
    """The partnership the form is for, as the workspace (`known`) or the shipped list of
    English children's services authorities has it; StocktakeError naming the About cell for
    a code neither holds, or a name on the form that is not that partnership's.

    The form's name and region are never stored: the hidden sheet can be edited, and a name
    taken from it would rename the partnership (or list an authority under another's name).
    """
    from stocktake.partnerships.reference import authority, code_for_dfe_number, name_keys
    from stocktake.returns.seal import canonical_text

    by_code = {p.code: p for p in known or ()}
    listed = authority(code) or authority(code_for_dfe_number(code) or "")
    partnership = by_code.get(code) or (by_code.get(listed.code) if listed else None)
    if partnership is None and listed is not None:
        partnership = Partnership(listed.code, listed.name, listed.region, listed.type)
    hint = ("the hidden About sheet was edited; send the respondent a new form made with "
            "`stocktake forms create`")
    if partnership is None:
        raise StocktakeError(
            f"{path}: {_about_cell(rows, 'partnership')}: the form is for partnership '{code}', "
            "which is neither in the list of English children's services authorities nor a "
            "partnership of this workspace",
            hint=hint + " (a partnership of your own: `stocktake partnerships add CODE --name "
                        "NAME` first)")
    named = canonical_text(about.get("partnership_name")).strip()
    names = {partnership.name} | ({listed.name} if listed is not None else set())
    if named and not any(name_keys(named)[0] == name_keys(n)[0] for n in names):
        raise StocktakeError(
            f"{path}: {_about_cell(rows, 'partnership_name')}: the form names its partnership "
            f"'{named}', but its code {partnership.code} is {partnership.name}'s", hint=hint)
    return partnership


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


def _refuse_about_errors(path: Path, rows: list[list[Any]], facts: dict,
                         formulas: dict | None = None) -> None:
    """An Excel error or a formula in the hidden identity cells: the form cannot be placed, so
    say which. A formula is refused even with a saved result: stocktake writes none, and its
    result would stand in for what the form was made with."""
    from stocktake.returns.workbook_reader import cell_ref

    def what(r: int) -> str:
        key = rows[r - 1][0] if r - 1 < len(rows) and rows[r - 1] else None
        return f"the form's {key}" if isinstance(key, str) and key.strip() else "its value"

    hint = ("the hidden About sheet was edited; send the respondent a new form made with "
            "`stocktake forms create` and copy the answers into it")
    for (r, c), fact in sorted(facts.items()):
        if fact.error or fact.formula_without_value:
            held = f"the Excel error {fact.error}" if fact.error else \
                "a formula with no saved result"
            raise StocktakeError(
                f"{path}: {ABOUT_SHEET}!{cell_ref(r, c)} holds {held} instead of {what(r)}",
                hint=hint)
    for (r, c), formula in sorted((formulas or {}).items()):
        raise StocktakeError(
            f"{path}: {ABOUT_SHEET}!{cell_ref(r, c)} holds a formula ({_shown(formula)}) "
            f"instead of {what(r)}", hint=hint)


def _shown(text: str, most: int = 60) -> str:
    from stocktake.text.terminal_text import escape_controls

    text = escape_controls(" ".join(text.split()))
    return text if len(text) <= most else text[:most - 3] + "..."


def _check_row_map(path: Path, bank: Bank, role: str, rows: list[list[Any]],
                   expected: dict[int, str]) -> None:
    """The hidden About sheet's row map (form row -> question id) as the form was made: each
    id once, each a question the role is asked, in the bank's order. Sorted or edited, it
    would misplace the No. of every row and the rows reported deleted; refused by its cell."""
    order = {q.id: n for n, q in enumerate(bank.questions_for_role(role))}
    where: dict[str, str] = {}
    for r, row in enumerate(rows, start=1):
        if len(row) >= 2 and not isinstance(row[0], str) and row[0] is not None:
            where.setdefault(_canonical(row[1]), f"{ABOUT_SHEET}!B{r}")
    seen: set[str] = set()
    last = -1
    for _, qid in sorted(expected.items()):
        cell = where.get(qid, ABOUT_SHEET)
        if qid in seen or qid not in order or order[qid] < last:
            why = ("lists it twice" if qid in seen else
                   f"is not a question bank {bank.id} asks role {role}" if qid not in order
                   else "is out of the bank's order")
            raise StocktakeError(
                f"{path}: {cell}: the hidden About sheet's map of the form's rows {why} "
                f"({qid}): the sheet was sorted or edited",
                hint="send the respondent a new form made with `stocktake forms create` and "
                     "copy the answers into it")
        seen.add(qid)
        last = order[qid]


def _canonical(value: Any) -> str:
    from stocktake.returns.seal import canonical_text

    return canonical_text(value).strip()


def _notices_on_form(bank: Bank, role: str, rows: list[list[Any]], facts: dict,
                     formulas: dict, expected: dict[int, str]) -> list[tuple[str, str]]:
    """[(answer cell, question id)] of the answers on a form that call for the bank's
    notice, read as a refused form's answers must be: each by its hidden id, and also as the
    question its row's text shows (the child answered what they read). Best effort: a cell
    that does not read as an answer calls for nothing."""
    from stocktake.banks.answer_values import BadValue, parse_answer

    if not any(q.notice for q in bank.questions_for_role(role)):
        return []
    reading = _FormReading(Path(), bank, role, rows, facts, expected, None, formulas)
    header_row, columns = reading.header()
    answer_col = columns.get("answer", ANSWER_COLUMN)
    id_col = columns.get("id", ID_COLUMN)
    asked = {q.id: q for q in bank.questions_for_role(role)}
    called: list[tuple[str, str]] = []
    for r in range(header_row + 1, len(rows) + 1):
        qid = reading.text(r, id_col)
        raw = reading.cell(r, answer_col)
        if qid not in asked or raw is None or (r, answer_col) in formulas:
            continue
        read_as = [asked[qid]]
        shown = reading.question_shown(r, columns)
        if shown is not None and shown.id != qid:
            read_as.append(shown)
        for question in read_as:
            try:
                value = answer_from_cell(question, raw, facts.get((r, answer_col)))
                status, parsed = parse_answer(question, value, form_words())
            except (BadValue, StocktakeError):
                continue
            if status == "answered" and question.calls_for_notice(parsed) and \
                    (f"Form!{_ref(r, answer_col)}", question.id) not in called:
                called.append((f"Form!{_ref(r, answer_col)}", question.id))
    return called


class _FormReading:
    """One pass over a returned Form sheet: the layout by labels, the answers by question id."""

    def __init__(self, path: Path, bank: Bank, role: str, rows: list[list[Any]], facts: dict,
                 expected: dict[int, str], about: dict | None = None,
                 formulas: dict[tuple[int, int], str] | None = None):
        self.path, self.source = path, str(path)
        self.bank, self.role, self.rows, self.facts = bank, role, rows, facts
        self.expected = expected
        self.about = about or {}
        self.formulas = formulas or {}
        self.problems: list[tuple[int, int, str]] = []
        # (question id, its Answer cell) of each question row left blank, in row order.
        self.blank: list[tuple[str, str]] = []
        self._texts: dict[str, tuple[Question, ...]] | None = None
        self.looked_at: set[tuple[int, int]] = set()
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

    def question_column(self, columns: dict[str, int]) -> int | None:
        """The Question column: "Question (its guidance in italics)", or "Question" on forms
        made before the guidance shared its cell."""
        return next((c for label, c in columns.items() if label.startswith("question")), None)

    def question_shown(self, r: int, columns: dict[str, int]) -> Question | None:
        """The question of the role whose text row `r`'s Question cell reads as, else None."""
        col = self.question_column(columns)
        if col is None:
            return None
        if self._texts is None:
            # By first line, so a form of thousands of questions is not searched row by row.
            texts: dict[str, tuple[Question, ...]] = {}
            for q in self.bank.questions_for_role(self.role):
                first = (_lines(q.text) or [""])[0]
                texts[first] = texts.get(first, ()) + (q,)
            self._texts = texts
        shown = self.text(r, col)
        first = (_lines(shown) or [""])[0]
        candidates = self._texts.get(first, ()) + \
            self._texts.get(first.removesuffix(REQUIRED_MARK), ())
        return next((q for q in candidates if _reads_as(shown, q)), None)

    def check_row_text(self, r: int, qid: str, columns: dict[str, int], number: int) -> bool:
        """Whether row `r`'s visible cells are those of question `qid` (its hidden id): the
        Question cell reads as the bank's text, and the No. is the question's place on the form
        where the form shows one. A row sorted or moved in the visible columns alone carries an
        answer to one question beside another's id, so such a row is reported, never read."""
        col = self.question_column(columns)
        if col is None or not self.bank.has_question(qid):
            return True
        question = self.bank.question(qid)
        shown = self.text(r, col)
        number_col = columns.get("no.")
        numbered = self.cell(r, number_col) if number_col else None
        try:
            given = int(float(numbered)) if numbered not in (None, "") else None
        except (TypeError, ValueError):
            given = -1
        if _reads_as(shown, question) and given in (None, number):
            return True
        other = self.question_shown(r, columns)
        if not shown:
            said = "its question's text is gone"
        else:
            said = f"the question reads '{_shown(shown)}'"
            if given not in (None, number):
                said = f"it is numbered {given} and " + said
        whose = f" (question {other.id}'s text)" if other is not None and other.id != qid \
            else ""
        self.problems.append((r, 0, (
            f"{self.source}: Form!row {r}: {said}{whose} but its id is {qid} (question "
            f"{number} of the form): the rows were moved or sorted apart from the hidden id "
            "column, so the answers on them are not the answers to their questions; undo the "
            "sort (or copy the answers into a new form made with `stocktake forms create`) and "
            "import it again")))
        return False

    def formula(self, r: int, c: int, what: str, typed: str, qid: str = "") -> bool:
        """Whether (r, c) holds a formula, reported as such: its saved result is not what was
        typed there (=1+1 reads as 2, a HYPERLINK as its label), so it is never stored."""
        self.looked_at.add((r, c))
        formula = self.formulas.get((r, c))
        fact = self.facts.get((r, c))
        if formula is None or (fact is not None and fact.formula_without_value):
            return False
        self.problem(r, c, f"{qid + ': ' if qid else ''}the cell holds a formula "
                           f"({_shown(formula)}), not {what}; type {typed} itself (a "
                           "formula's result is never stored)")
        return True

    def other_formulas(self) -> None:
        """Formulas outside the cells a person fills in (a question's text or id, the No.):
        stocktake writes none, and their results would stand in for the form's own words."""
        for (r, c), formula in sorted(self.formulas.items()):
            fact = self.facts.get((r, c))
            if (r, c) in self.looked_at or (fact is not None and fact.formula_without_value):
                continue
            self.problem(r, c, f"the cell holds a formula ({_shown(formula)}), which no cell "
                               "of a form stocktake made holds; undo the change (or copy the "
                               "answers into a new form made with `stocktake forms create`)")

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

        from stocktake.text.terminal_text import check_text

        rows: list[AnswerRow] = []
        reported: set[str] = set()
        numbers = {qid: n for n, (_, qid) in enumerate(sorted(self.expected.items()), start=1)}
        for qid, r in sorted(found.items(), key=lambda item: item[1]):
            self.looked_at.update({(r, answer_col), (r, evidence_col)})
            if not self.check_row_text(r, qid, columns, numbers.get(qid, 0)):
                reported.add(qid)
                continue
            evidence = self.evidence_text(r, evidence_col, qid)
            raw = self.cell(r, answer_col)
            fact = self.facts.get((r, answer_col))
            if fact is not None and (fact.error or fact.formula_without_value):
                self.problem(r, answer_col, f"{qid}: {_held(fact)}, not an answer; type the "
                                            "answer itself")
                reported.add(qid)
                continue
            if self.formula(r, answer_col, "an answer", "the answer", qid):
                reported.add(qid)
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if evidence:
                    self.problem(r, evidence_col, f"{qid}: evidence given but no answer; choose "
                                                  "an answer (Don't know if unsure)")
                self.blank.append((qid, f"Form!{_ref(r, answer_col)}"))
                continue
            if evidence is None:
                reported.add(qid)  # reported by its own cell
                continue
            question = self.bank.question(qid) if self.bank.has_question(qid) else None
            try:
                value = answer_from_cell(question, raw, fact)
            except BadValue as exc:
                self.problem(r, answer_col, f"{qid}: {exc}")
                reported.add(qid)
                continue
            if isinstance(value, str):
                try:
                    check_text(value, "the answer")
                except StocktakeError as exc:
                    self.problem(r, answer_col, f"{qid}: {exc.message}")
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
        self.looked_at.add((name_r, name_c))
        self.other_formulas()
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
        if self.formula(r, c, what, what):
            return None
        fact = self.facts.get((r, c))
        if fact is not None and (fact.error or fact.formula_without_value):
            self.problem(r, c, f"{_held(fact)} instead of {what}; type it there")
            return None
        return _cell_text(self.cell(r, c), fact).strip()

    def evidence_text(self, r: int, c: int, qid: str) -> str | None:
        """The evidence in (r, c), or None where the cell cannot be stored (reported here, by
        this cell: the answers' checks would name the Answer cell)."""
        from stocktake.text.terminal_text import check_text
        from stocktake.text.text_rules import normalise_line_ends, text_problem

        fact = self.facts.get((r, c))
        if fact is not None and (fact.error or fact.formula_without_value):
            self.problem(r, c, f"{qid}: {_held(fact)} instead of evidence; type the evidence "
                               "itself")
            return None
        if self.formula(r, c, "evidence", "the evidence", qid):
            return None
        text = _cell_text(self.cell(r, c), fact).strip()
        problem = text_problem(normalise_line_ends(text))
        if problem is None and not _encodable(text):
            problem = ("holds a character that is not text (half of a surrogate pair); type "
                       "the evidence again")
        if problem is None:
            try:
                check_text(text, "the evidence")
            except StocktakeError as exc:
                problem = exc.message.removeprefix("the evidence ")
        if problem is not None:
            self.problem(r, c, f"{qid}: the evidence: the text {problem}")
            return None
        return text

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


def _lines(text: str) -> list[str]:
    """A cell's text as its lines, spaces run together, line ends and empty lines aside (a
    re-save may turn LF into CRLF or a space into a non-breaking one)."""
    from stocktake.privacy.injection import clean_cell_text

    lines = (" ".join(line.split()) for line in clean_cell_text(text).splitlines())
    return [line for line in lines if line]


def _reads_as(shown: str, question: Question) -> bool:
    """Whether a Question cell's text is `question`'s as a form writes it: the bank's text
    (its last line marked " (required)" where it is), then any notes and the guidance on lines
    of their own, which are not compared (forms made by earlier versions worded them
    differently, and the text alone tells one question from another)."""
    want, got = _lines(question.text), _lines(shown)
    if not want or len(got) < len(want) or got[:len(want) - 1] != want[:-1]:
        return False
    return got[len(want) - 1] in (want[-1], want[-1] + REQUIRED_MARK)


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
