"""Offline response forms: a workbook a respondent fills in Excel or LibreOffice, read back whole.

`create_form` writes one row per question asked of a role (skip-conditional ones too, with a note
saying when to answer them): area, question, guidance, the allowed answers or level descriptors,
an Answer cell with an in-cell dropdown (a number cell checks its range instead; a multi cell
takes option ids separated by `;`), and an Evidence cell. The sheet is protected with only the
answer, evidence and name cells unlocked; question ids sit in a hidden column and, with the
bank's identity, on a hidden `About` sheet, so an edited or foreign form is caught.

`read_form` checks a returned form whole, by the same rules as `interview --answers`, and
reports every bad row by cell (`Form!F12`); it gives answers only when the whole form is good.

    create_form(Path("camden-council.xlsx"), bank, camden, "council", "2026-27", "Jo Bloggs")
    filled = read_form(Path("camden-council.xlsx"))
    ws.save_answers(filled.key, filled.answers, role=filled.role, mode="form")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from stocktake.banks import AGE_BANDS, Bank, Condition, Question
from stocktake.errors import StocktakeError
from stocktake.partnerships import Partnership
from stocktake.responses import Answer, ResponseKey, now_iso
from stocktake.workbooks import FORMAT_VERSION, RESPONSE_FORM

AGE_LABEL = "Your age group"
ANONYMOUS_INSTRUCTIONS = (
    "Do not write your name anywhere on this form: it is anonymous. Choose your age group in "
    "the yellow cell above, then pick an answer from the list in each yellow Answer cell. Leave "
    "a question blank if you would rather not answer it. Save the file and send it back.")
FORM_SHEET = "Form"
ABOUT_SHEET = "About"
LISTS_SHEET = "_lists"
NAME_CELL = "C3"
HEADER_ROW = 7
ID_COLUMN = 8  # H, hidden
ANSWER_COLUMN = 6  # F
EVIDENCE_COLUMN = 7  # G
FORM_COLUMNS = ("No.", "Area", "Question", "Guidance", "Allowed answers", "Answer", "Evidence",
                "id")
NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT = "Not applicable", "Don't know"
# Excel refuses an inline list longer than this; longer lists point at the hidden list sheet.
INLINE_LIST_LIMIT = 255
DROPDOWN_TEXT_LIMIT = 110
INPUT_FILL = "FFF8D6"


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


# ---------------------------------------------------------------- describing questions


def dropdown_values(question: Question) -> list[str] | None:
    """The in-cell list for a question; None where the cell is typed (multi, number, text)."""
    if question.type == "scale":
        values = [_shorten(f"{n} - {text}") for n, text in enumerate(question.levels, start=1)]
    elif question.type == "choice":
        values = [o.label for o in question.options]
    elif question.type == "yesno":
        values = ["Yes", "No"]
    else:
        return None
    return values + [NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT]


def allowed_answers_text(question: Question) -> str:
    """What column E says a respondent may answer."""
    tail = f"or {NOT_APPLICABLE_TEXT} / {DONT_KNOW_TEXT}"
    if question.type == "scale":
        lines = [f"{n} - {text}" for n, text in enumerate(question.levels, start=1)]
        return "\n".join(lines + [tail])
    if question.type == "choice":
        return "One of:\n" + "\n".join(f"- {o.label}" for o in question.options) + f"\n{tail}"
    if question.type == "multi":
        lines = [f"{o.id}: {o.label}" for o in question.options]
        return ("Option ids separated by ; (e.g. "
                f"{';'.join(o.id for o in question.options[:2])})\n" + "\n".join(lines)
                + f"\n{tail}")
    if question.type == "yesno":
        return f"Yes or No, {tail}"
    if question.type == "number":
        unit = f" ({question.unit})" if question.unit else ""
        if question.min is not None and question.max is not None:
            span = f"A number from {_num(question.min)} to {_num(question.max)}{unit}"
        elif question.min is not None:
            span = f"A number of at least {_num(question.min)}{unit}"
        elif question.max is not None:
            span = f"A number of at most {_num(question.max)}{unit}"
        else:
            span = f"A number{unit}"
        return f"{span}, or na / dk"
    return "Your own words"


def condition_note(bank: Bank, condition: Condition) -> str:
    """"Answer only if ..." in words, from a skip condition."""
    source = bank.question(condition.question) if bank.has_question(condition.question) else None
    asked = f"\u201c{source.text}\u201d" if source else condition.question

    def say(value: Any) -> str:
        if source is None:
            return str(value)
        if source.type == "yesno":
            return str(value).capitalize()
        if source.type in ("choice", "multi"):
            option = source.option(str(value))
            return f"\u201c{option.label}\u201d" if option else str(value)
        if source.type == "scale":
            return f"level {_num(value)}"
        return _num(value) if isinstance(value, (int, float)) else str(value)

    if condition.is_ is not None:
        verb = "includes" if source is not None and source.type == "multi" else "is"
        return f"Answer only if the answer to {asked} {verb} {say(condition.is_)}."
    if condition.in_ is not None:
        return (f"Answer only if the answer to {asked} is one of "
                f"{', '.join(say(v) for v in condition.in_)}.")
    if condition.at_least is not None:
        return f"Answer only if the answer to {asked} is {say(condition.at_least)} or more."
    return ""


def age_note(question: Question) -> str:
    low = question.min_age if question.min_age is not None else 0
    high = question.max_age if question.max_age is not None else 25
    return f"Answer only if you are aged {low} to {high}."


def notice_note(question: Question) -> str:
    """Beside a question whose answers call for the safeguarding notice, a pointer to it."""
    if not question.notice:
        return ""
    if question.type == "scale":
        said = [f"level {v}" for v in question.notice]
    elif question.type == "yesno":
        said = [str(v).capitalize() for v in question.notice]
    else:
        said = [f"\u201c{o.label}\u201d" for v in question.notice
                if (o := question.option(str(v))) is not None]
    return (f"\nIf you answer {' or '.join(said)}, please read the safeguarding notice at the "
            "top of this form.")


def _shorten(text: str, limit: int = DROPDOWN_TEXT_LIMIT) -> str:
    # A dropdown shows one line; the full descriptor stays in the Allowed answers column and
    # the answer is read by its leading level number.
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _num(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(number)


# ---------------------------------------------------------------- writing


def create_form(path: Path, bank: Bank, partnership: Partnership, role: str, wave: str,
                respondent: str = "", *, notes: str = "") -> Path:
    """Write a response form for one role of one partnership; returns the path.

    `notes` (e.g. the round's deadline and where to send the form) is printed above the
    questions."""
    from stocktake.workbooks.styles import save_workbook

    bank.role(role)
    questions = bank.questions_for_role(role)
    if not questions:
        raise StocktakeError(f"bank {bank.id} asks role '{role}' no questions",
                             hint=f"choose another role: {', '.join(bank.role_ids)}")
    return save_workbook(form_workbook(bank, partnership, role, wave, respondent, questions,
                                       notes=notes), Path(path))


def form_workbook(bank: Bank, partnership: Partnership, role: str, wave: str, respondent: str,
                  questions: Sequence[Question], *, notes: str = "") -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from stocktake.safety import set_text_cell
    from stocktake.workbooks.styles import (BODY_FONT, BOX, LABEL_FILL, LABEL_FONT, NOTE_FONT,
                                            WRAP_TOP, fit_row_height, print_setup, set_widths,
                                            style_header_row, write_title)

    created = now_iso()
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    about = wb.create_sheet(ABOUT_SHEET)
    about.sheet_state = "hidden"
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", start_color=INPUT_FILL, end_color=INPUT_FILL)
    role_title = bank.role(role).title
    anonymous = bank.is_anonymous(role)

    write_title(ws, "A1", f"Response form: {bank.title}",
                f"{partnership.name} ({partnership.code}) - wave {wave} - answering as: "
                f"{role_title}" + (f" - reference {respondent}" if anonymous else ""))
    # An anonymous role's form has no name cell: C3 takes the age band, from a list.
    set_text_cell(ws["B3"], AGE_LABEL if anonymous else "Your name")
    ws["B3"].font = LABEL_FONT
    name = ws[NAME_CELL]
    set_text_cell(name, None if anonymous else (respondent or None))
    name.fill, name.protection, name.border, name.font = input_fill, unlocked, BOX, BODY_FONT
    if anonymous:
        ages = DataValidation(type="list", formula1='"' + ",".join(
            b.label for b in AGE_BANDS) + '"', allow_blank=True, showErrorMessage=True,
            errorTitle="Not an age group", error="Choose your age group from the list.")
        ages.add(NAME_CELL)
        ws.add_data_validation(ages)
    set_text_cell(ws["B5"], ANONYMOUS_INSTRUCTIONS if anonymous else (
        "Answer in the yellow cells. Pick an answer from the list in each Answer cell (or type a "
        "level number); use Not applicable or Don't know where they fit, and leave a question "
        "blank if it is not yours to answer. Write your evidence beside it: documents, minutes, "
        "examples. Do not name children or families. Save as .xlsx and send the file back."))
    ws["B5"].font = NOTE_FONT
    ws["B5"].alignment = WRAP_TOP
    ws.merge_cells("B5:G5")
    ws.row_dimensions[5].height = 42
    # Row 6: the round's notes, then the bank's safeguarding notice where the form asks a
    # question whose answers call for it.
    marked = [q for q in questions if q.notice]
    row6 = [notes] if notes else []
    if marked and bank.safeguarding_notice:
        row6.append(f"Safeguarding notice: {bank.safeguarding_notice}")
    if row6:
        set_text_cell(ws["B6"], "\n\n".join(row6))
        ws["B6"].font = LABEL_FONT
        ws["B6"].alignment = WRAP_TOP
        ws.merge_cells("B6:G6")
        ws.row_dimensions[6].height = 30 if len(row6) == 1 and notes else 48 * len(row6)

    for col, text in enumerate(FORM_COLUMNS, start=1):
        set_text_cell(ws.cell(row=HEADER_ROW, column=col), text)
    style_header_row(ws, HEADER_ROW, 1, len(FORM_COLUMNS))
    widths = {1: 5, 2: 16, 3: 44, 4: 36, 5: 48, 6: 30, 7: 36, 8: 30}

    validations: dict[tuple, Any] = {}
    list_col = 0
    row = HEADER_ROW
    placed: list[tuple[int, str]] = []
    area_titles = {a.id: a.title for a in bank.areas}
    current_area = None
    number = 0
    for question in questions:
        if question.area != current_area:
            current_area = question.area
            row += 1
            cell = ws.cell(row=row, column=2)
            set_text_cell(cell, area_titles.get(question.area, question.area))
            for col in range(1, len(FORM_COLUMNS)):
                ws.cell(row=row, column=col).fill = LABEL_FILL
                ws.cell(row=row, column=col).border = BOX
            cell.font = LABEL_FONT
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=7)
        row += 1
        number += 1
        text = question.text + (" (required)" if question.required else "")
        if question.when is not None:
            text += "\n\n" + condition_note(bank, question.when)
        if anonymous and (question.min_age is not None or question.max_age is not None):
            text += "\n\n" + age_note(question)
        values = [number, area_titles.get(question.area, question.area), text,
                  question.guidance, allowed_answers_text(question) + notice_note(question),
                  None, None, question.id]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            set_text_cell(cell, value)
            cell.font = BODY_FONT
            cell.border = BOX
            cell.alignment = WRAP_TOP
        # Children are not asked for evidence notes: their evidence cells stay locked.
        for col in (ANSWER_COLUMN,) if anonymous else (ANSWER_COLUMN, EVIDENCE_COLUMN):
            cell = ws.cell(row=row, column=col)
            cell.protection = unlocked
            cell.fill = input_fill
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="top")
        fit_row_height(ws, row, [(widths[3], text), (widths[4], question.guidance),
                                 (widths[5], values[4])], minimum=2)
        placed.append((row, question.id))

        answer_ref = f"{get_column_letter(ANSWER_COLUMN)}{row}"
        choices = dropdown_values(question)
        if choices is not None:
            inline = ",".join(choices)
            if len(inline) + 2 <= INLINE_LIST_LIMIT and not any(
                    c in inline for c in '"') and all("," not in c for c in choices):
                formula = f'"{inline}"'
            else:
                list_col += 1
                letter = get_column_letter(list_col)
                for r, choice in enumerate(choices, start=1):
                    set_text_cell(lists.cell(row=r, column=list_col), choice)
                formula = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"
            key = ("list", formula)
            if key not in validations:
                validations[key] = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                    errorTitle="Not one of the answers",
                    error="Choose an answer from the list (or leave the cell empty).",
                    showInputMessage=True, promptTitle="Answer",
                    prompt="Choose from the list.")
            validations[key].add(answer_ref)
        elif question.type == "number" and (question.min is not None or question.max is not None):
            low = _num(question.min) if question.min is not None else None
            high = _num(question.max) if question.max is not None else None
            key = ("number", low, high)
            if key not in validations:
                operator, f1, f2 = ("between", low, high) if low is not None and high is not None \
                    else ("greaterThanOrEqual", low, None) if low is not None \
                    else ("lessThanOrEqual", high, None)
                validations[key] = DataValidation(
                    type="decimal", operator=operator, formula1=f1, formula2=f2,
                    allow_blank=True, showErrorMessage=True, errorStyle="warning",
                    errorTitle="Out of range",
                    error=allowed_answers_text(question) + ". Keep it anyway?",
                    showInputMessage=True, promptTitle="A number",
                    prompt=allowed_answers_text(question))
            validations[key].add(answer_ref)
        elif question.type == "multi":
            key = ("multi", question.id)
            validations[key] = DataValidation(
                type=None, allow_blank=True, showErrorMessage=False,
                showInputMessage=True, promptTitle="Option ids",
                prompt="Type option ids separated by ; as listed in Allowed answers.")
            validations[key].add(answer_ref)
    for validation in validations.values():
        ws.add_data_validation(validation)

    set_widths(ws, widths)
    ws.column_dimensions["H"].hidden = True
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True
    # Resizing rows and columns is harmless and often needed to read long descriptors.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.sheet_view.showGridLines = False
    print_setup(ws, header_left=f"{partnership.name} ({partnership.code}) - {role_title}",
                header_right=f"{bank.title}, wave {wave}",
                title_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    about_rows: list[tuple[str, Any]] = [
        ("format", RESPONSE_FORM), ("format_version", str(FORMAT_VERSION)),
        ("tool_version", _tool_version()), ("bank", bank.id), ("bank_version", bank.version),
        ("bank_hash", bank.hash), ("wave", wave), ("partnership", partnership.code),
        ("partnership_name", partnership.name), ("region", partnership.region),
        ("role", role), ("respondent", respondent), ("created_at", created),
        ("questions", str(len(placed))),
    ]
    for key, value in about_rows:
        about.append([None, None])
        set_text_cell(about.cell(row=about.max_row, column=1), key)
        set_text_cell(about.cell(row=about.max_row, column=2), value)
    about.append([None, None])
    about.append(["row", "question"])
    for r, qid in placed:
        about.append([r, None])
        set_text_cell(about.cell(row=about.max_row, column=2), qid)
    about.protection.sheet = True
    lists.protection.sheet = True
    return wb


def _tool_version() -> str:
    from stocktake import __version__

    return __version__


# ---------------------------------------------------------------- reading


def read_form(path: Path, shelf: Any = None, *, reader: str = "calamine") -> FilledForm:
    """Check a returned form whole; StocktakeError lists every problem (by cell) in details."""
    from stocktake.answers_file import AnswerRow, check_answer_rows
    from stocktake.file_checks import check_workbook_file
    from stocktake.merge import BankShelf, about_values, partnership_from_about
    from stocktake.seal import canonical_text
    from stocktake.workbook_reader import MissingSheet, cell_ref, read_sheets

    path = Path(path)
    shelf = shelf or BankShelf()
    check_workbook_file(path)
    try:
        sheets = read_sheets(path, [ABOUT_SHEET], optional=[FORM_SHEET], reader=reader)
    except MissingSheet:
        raise StocktakeError(f"{path}: not a stocktake response form (no About sheet)",
                             hint="create forms with `stocktake forms create`")
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
    bank_id = canonical_text(about.get("bank")).strip()
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
    wave = canonical_text(about.get("wave")).strip()
    code = canonical_text(about.get("partnership")).strip()
    source = str(path)
    problems: list[str] = []
    try:
        bank.role(role)
    except StocktakeError:
        raise StocktakeError(f"{path}: the form is for role '{role}', which bank {bank_id} "
                             "does not have")

    expected = _expected_rows(sheets[ABOUT_SHEET])
    form = sheets[FORM_SHEET]

    def cell(r: int, c: int) -> Any:
        if r - 1 < len(form) and c - 1 < len(form[r - 1]):
            return form[r - 1][c - 1]
        return None

    band = None
    if bank.is_anonymous(role):
        # No name cell on these forms: C3 holds the age group, and anything else there (a name
        # typed over the list) is refused, not stored.
        respondent, band, problem = _anonymous_identity(bank, role, about,
                                                        canonical_text(cell(3, 3)).strip())
        if problem:
            problems.append(f"{source}: Form!{NAME_CELL}: {problem}")
    else:
        respondent = canonical_text(cell(3, 3)).strip()
    if not respondent and not bank.is_anonymous(role):
        problems.append(f"{source}: Form!{NAME_CELL}: the respondent's name is empty; write "
                        "your name there")
    rows: list[AnswerRow] = []
    seen_rows: set[int] = set()
    for r in range(HEADER_ROW + 1, max(len(form), max(expected, default=0)) + 1):
        qid = canonical_text(cell(r, ID_COLUMN)).strip()
        want = expected.get(r)
        if want is not None:
            seen_rows.add(r)
        if qid != (want or ""):
            if want is None:
                problems.append(f"{source}: Form!{cell_ref(r, ID_COLUMN)}: question id "
                                f"'{qid}' was not on the form as created")
            elif not qid:
                problems.append(f"{source}: Form!{cell_ref(r, ID_COLUMN)}: the id of question "
                                f"{want} was removed; rows may have been deleted or moved")
            else:
                problems.append(f"{source}: Form!{cell_ref(r, ID_COLUMN)}: question id edited "
                                f"('{qid}', expected '{want}')")
            continue
        if not qid:
            stray = [cell_ref(r, c) for c in (ANSWER_COLUMN, EVIDENCE_COLUMN)
                     if canonical_text(cell(r, c)).strip()]
            if stray:
                problems.append(f"{source}: Form!{stray[0]}: text outside the question rows; "
                                "it belongs to no question")
            continue
        raw = cell(r, ANSWER_COLUMN)
        evidence = canonical_text(cell(r, EVIDENCE_COLUMN)).strip()
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if evidence:
                problems.append(f"{source}: Form!{cell_ref(r, EVIDENCE_COLUMN)}: {qid}: evidence "
                                "given but no answer; choose an answer (Don't know if unsure)")
            continue
        rows.append(AnswerRow(f"Form!{cell_ref(r, ANSWER_COLUMN)}", qid, form_value(raw),
                              evidence))
    answers: list[Answer] = []
    try:
        answers = check_answer_rows(bank, role, rows, source=source, age=band)
    except StocktakeError as exc:
        problems.extend(exc.details or [exc.message])
    problems.extend(_missing_required(bank, role, rows, expected, source))
    problems.sort(key=_row_of)
    if problems:
        raise StocktakeError(f"{path}: {len(problems)} problem(s); nothing from this form was "
                             "stored", hint="fix the cells listed and import the form again",
                             details=problems)
    if not answers:
        raise StocktakeError(f"{path}: the form has no answers", hint="fill in the yellow Answer "
                                                                       "cells and import it again")
    partnership = partnership_from_about(code, about)
    return FilledForm(path, bank, partnership, role, wave, respondent, tuple(answers),
                      band.id if band else "")


def _anonymous_identity(bank: Bank, role: str, about: dict, typed: str) -> tuple:
    """(reference, age band, problem) of an anonymous form: the reference the form was made
    with, and the age group chosen in the cell that on other forms holds a name."""
    import re

    from stocktake.seal import canonical_text

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


def form_value(raw: Any) -> Any:
    """A cell as the answer parser expects it; dropdown text "3 - descriptor" keeps its level."""
    import re

    if isinstance(raw, str):
        text = raw.strip()
        found = re.match(r"^(\d+)\s*[-\u2013\u2014.:)]\s", text + " ")
        if found:
            return found.group(1)
        return text
    return raw


def _row_of(problem: str) -> tuple[int, str]:
    """Problems in the order of the form's rows, whatever check found them."""
    import re

    found = re.search(r"Form!([A-Z]+)(\d+)", problem)
    return (int(found.group(2)), found.group(1)) if found else (0, "")


def _expected_rows(rows: list[list[Any]]) -> dict[int, str]:
    from stocktake.seal import canonical_text

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


def _missing_required(bank: Bank, role: str, rows: Sequence[Any],
                      expected: dict[int, str], source: str) -> list[str]:
    """Required questions the form leaves blank, where their skip conditions ask them.

    Works from the rows as typed, so a bad value elsewhere does not make every required
    question look unanswered; a row that does not parse counts as given (it is reported as
    bad already) but meets no condition.
    """
    from stocktake.answer_values import BadValue, parse_answer
    from stocktake.applicability import is_applicable
    from stocktake.workbook_reader import cell_ref

    typed = {row.question for row in rows}
    given: dict[str, Answer] = {}
    for row in rows:
        if bank.has_question(row.question):
            try:
                status, value = parse_answer(bank.question(row.question), row.value)
            except BadValue:
                continue
            given[row.question] = Answer(row.question, status, value)
    where = {qid: r for r, qid in expected.items()}
    problems = []
    for question in bank.questions_for_role(role):
        if question.required and question.id not in typed and \
                is_applicable(bank, question, role, given):
            ref = cell_ref(where.get(question.id, 0), ANSWER_COLUMN)
            problems.append(f"{source}: Form!{ref}: {question.id}: required; answer it "
                            "(Not applicable or Don't know are allowed)")
    return problems
