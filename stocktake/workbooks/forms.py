"""Offline response forms: a workbook a respondent fills in Excel or LibreOffice, read back whole.

`create_form` writes one row per question asked of a role (skip-conditional ones too, with a note
saying when to answer them): area, question, guidance, the allowed answers or level descriptors
in full, an Answer cell with an in-cell dropdown of short whole entries that fit the column (a
level's number, an option's label or id, as the allowed answers beside it name them; a number
cell checks its range instead; a multi cell takes option ids or labels separated by `;` or `,`), and an Evidence
cell. It prints on A4 two pages across, at 8 pt or more. The sheet is protected with only the
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

from stocktake.banks.model import AGE_BANDS, Bank, Condition, Question
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.records.responses import Answer, ResponseKey, now_iso
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
NAME_LABEL = "Your name"
ROLE_LABEL = "Answering as"
HEADER_ROW = 7
ID_COLUMN = 8  # H, hidden
ANSWER_COLUMN = 6  # F
EVIDENCE_COLUMN = 7  # G
FORM_COLUMNS = ("No.", "Area", "Question", "Guidance", "Allowed answers", "Answer", "Evidence",
                "id")
NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT = "Not applicable", "Don't know"
# Excel refuses an inline list longer than this; longer lists point at the hidden list sheet.
INLINE_LIST_LIMIT = 255
# Forms made by earlier versions offered scale entries "3 - descriptor", cut at this many
# characters with an ellipsis; such returns are still read by their leading level number.
DROPDOWN_TEXT_LIMIT = 110
INPUT_FILL = "FFF8D6"
ANSWER_WIDTH = 30  # the Answer column, in units of width
# Printed one page wide (A4 landscape at 90% or more, so 10-point text prints at 9 pt or more;
# issue 26): the columns A to G come to FORM_PRINT_WIDTH units, which LibreOffice prints at
# 7 to 7.2 points a unit, so at 90% they fit within 0.3-inch side margins. The text columns are balanced so that the allowed
# answers, the longest, set the rows' heights about as often as the question and guidance.
# Column C also holds the age-group dropdown (C3) of a children's form, so it shows its
# longest entry whole.
FORM_WIDTHS = {1: 4, 2: 12, 3: 20, 4: 15, 5: 30, ANSWER_COLUMN: ANSWER_WIDTH, 7: 11, 8: 30}
FORM_PRINT_WIDTH = sum(FORM_WIDTHS[c] for c in range(1, 8))
FORM_PRINT_SCALE = 0.9
# The notes above the table span B to G, NOTES_WIDTH units.
NOTES_COLUMNS = 7
NOTES_LAST = "G"
NOTES_WIDTH = sum(FORM_WIDTHS[c] for c in range(2, NOTES_COLUMNS + 1))
# What the Answer column shows of an entry, as styles.wrapped_lines counts 10-point text (about
# 1.25 characters per unit of width, less one for the cell's margin). Excel draws a dropdown no
# wider than its cell and cuts longer entries, so every entry is kept within this.
ANSWER_CHARS = int(ANSWER_WIDTH * 1.25) - 1


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


def answer_names(question: Question) -> list[str] | None:
    """What the dropdown offers for each level or option, in the bank's order: for a scale
    "3 - Mostly." where every level's line fits the Answer column (ANSWER_CHARS), else the
    level's number "3"; for a choice the option's label where every label fits (else the
    option's id, else "Option 1".."Option N": see `_choice_names`); Yes and No; None where the
    cell is typed (multi, number, text). Allowed answers, beside the cell, gives each in full
    under the same number or name."""
    if question.type == "scale":
        lines = [f"{n} - {text.strip()}" for n, text in enumerate(question.levels, start=1)]
        if all(len(line) <= ANSWER_CHARS and "\n" not in line for line in lines):
            return lines
        return [str(n) for n in range(1, len(question.levels) + 1)]
    if question.type == "choice":
        return _choice_names(question)
    if question.type == "yesno":
        return ["Yes", "No"]
    return None


def dropdown_values(question: Question) -> list[str] | None:
    """The in-cell list for a question (`answer_names` and Not applicable / Don't know), every
    entry whole and at most ANSWER_CHARS long; None where the cell is typed."""
    names = answer_names(question)
    return None if names is None else names + [NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT]


def _choice_names(question: Question) -> list[str]:
    """The labels where they all fit the Answer column, else the ids, else "Option N".

    A scheme is used only where each name fits, reads as no other option's id or label (so a
    label from a form sent out before, or an id from an answers file, means one option) and is
    not a word for not applicable or don't know."""
    from stocktake.banks.answer_values import DK_WORDS, NA_WORDS

    options = question.options
    reserved = NA_WORDS | DK_WORDS | {NOT_APPLICABLE_TEXT.lower(), DONT_KNOW_TEXT.lower()}

    def usable(names: list[str]) -> bool:
        folded = [n.strip().lower() for n in names]
        if len(set(folded)) != len(folded):
            return False
        for i, name in enumerate(folded):
            if not name or len(names[i]) > ANSWER_CHARS or "\n" in names[i] or \
                    name in reserved:
                return False
            if any(j != i and name in (o.id.lower(), o.label.strip().lower())
                   for j, o in enumerate(options)):
                return False
        return True

    for names in ([o.label.strip() for o in options], [o.id for o in options]):
        if usable(names):
            return names
    return [f"Option {n}" for n in range(1, len(options) + 1)]


def _named_by_label(question: Question) -> bool:
    return question.type == "choice" and \
        answer_names(question) == [o.label.strip() for o in question.options]


def option_name(question: Question, option_id: str) -> str:
    """What a choice question's dropdown calls an option (its label where labels fit)."""
    names = answer_names(question) if question.type == "choice" else None
    for n, option in enumerate(question.options):
        if option.id == option_id:
            return names[n] if names else option.label
    return option_id


def allowed_answers_text(question: Question) -> str:
    """What column E says a respondent may answer: every level and option in full, numbered or
    named as the dropdown beside it offers them."""
    tail = f"or {NOT_APPLICABLE_TEXT} / {DONT_KNOW_TEXT}"
    if question.type == "scale":
        lines = [f"{n} - {text}" for n, text in enumerate(question.levels, start=1)]
        return "\n".join(lines + [tail])
    if question.type == "choice":
        if _named_by_label(question):
            return ("One of:\n" + "\n".join(f"- {o.label}" for o in question.options)
                    + f"\n{tail}")
        names = answer_names(question) or []
        return ("One of (choose the name before the colon):\n"
                + "\n".join(f"{name}: {o.label}" for name, o in zip(names, question.options))
                + f"\n{tail}")
    if question.type == "multi":
        lines = [f"{o.id}: {o.label}" for o in question.options]
        # Labels are read as well as ids (answer_values.read_options); the ids are offered
        # because they are short to type.
        return ("Option ids or labels, separated by ; or , (e.g. "
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
        return f"{span}, {tail}"
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
            if option is None:
                return str(value)
            # As the source question's dropdown names it, so the words match what was picked.
            shown = option_name(source, option.id) if source.type == "choice" else option.label
            return f"\u201c{shown}\u201d"
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
        said = [f"\u201c{option_name(question, o.id)}\u201d" for v in question.notice
                if (o := question.option(str(v))) is not None]
    return (f"\nIf you answer {' or '.join(said)}, please read the safeguarding notice at the "
            "top of this form.")


def _num(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(number)


# ---------------------------------------------------------------- writing


def create_form(path: Path, bank: Bank, partnership: Partnership, role: str, wave: str,
                respondent: str = "", *, notes: str = "", shared: bool = False,
                key: bytes | None = None) -> Path:
    """Write a response form for one role of one partnership (owner-only unless `shared`);
    returns the path.

    `notes` (e.g. the round's deadline and where to send the form) is printed above the
    questions."""
    from stocktake.workbooks.styles import save_workbook

    bank.role(role)
    questions = bank.questions_for_role(role)
    if not questions:
        raise StocktakeError(f"bank {bank.id} asks role '{role}' no questions",
                             hint=f"choose another role: {', '.join(bank.role_ids)}")
    return save_workbook(form_workbook(bank, partnership, role, wave, respondent, questions,
                                       notes=notes, key=key), Path(path), shared=shared)


def form_workbook(bank: Bank, partnership: Partnership, role: str, wave: str, respondent: str,
                  questions: Sequence[Question], *, notes: str = "",
                  key: bytes | None = None) -> Any:
    seal_key = key  # `key` names the validations' keys below
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from stocktake.privacy.injection import set_text_cell
    from stocktake.workbooks.styles import (BODY_FONT, BOX, LABEL_FILL, LABEL_FONT, NOTE_FONT,
                                            WRAP_TOP, fit_row_height, print_setup, set_widths,
                                            style_header_row, wrapped_lines, write_title)

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

    # From column B, over the No. column's width, wrapped within the printed page's columns.
    write_title(ws, "B1", f"Response form: {bank.title}",
                f"{partnership.name} ({partnership.code}) - wave {wave} - answering as: "
                f"{_short_role(role_title)}" + (f" - reference {respondent}" if anonymous
                                                 else ""))
    ws["B1"].alignment = WRAP_TOP
    ws.merge_cells(f"B1:{NOTES_LAST}1")
    # 16-point bold: about half as many characters a unit as the 10-point text counted.
    title_lines = wrapped_lines(ws["B1"].value, NOTES_WIDTH * 0.55)
    ws.row_dimensions[1].height = 21 * title_lines + 2
    # The role's whole title wraps in row 4: in the subtitle it ran off the printed page.
    set_text_cell(ws["B4"], ROLE_LABEL)
    ws["B4"].font = LABEL_FONT
    ws["B4"].alignment = Alignment(vertical="top")
    set_text_cell(ws["C4"], role_title)
    ws["C4"].font = BODY_FONT
    ws["C4"].alignment = WRAP_TOP
    ws.merge_cells(f"C4:{NOTES_LAST}4")
    fit_row_height(ws, 4, [(NOTES_WIDTH - FORM_WIDTHS[2], role_title)])
    # An anonymous role's form has no name cell: C3 takes the age band, from a list.
    set_text_cell(ws["B3"], AGE_LABEL if anonymous else NAME_LABEL)
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
        "Answer in the yellow cells. Pick an answer from the list in each Answer cell: a "
        "level's number, or an option's name, as Allowed answers gives them in full beside it; "
        "use Not applicable or Don't know where they fit, and leave a question blank if it is "
        "not yours to answer. Write your evidence beside it: documents, minutes, examples. Do "
        "not name children or families. Save as .xlsx and send the file back."))
    ws["B5"].font = NOTE_FONT
    ws["B5"].alignment = WRAP_TOP
    # The notes span the printed page's columns (see NOTES_COLUMNS), so no line of them is
    # cut where the page ends; their rows are as tall as the wrapped text.
    ws.merge_cells(f"B5:{NOTES_LAST}5")
    fit_row_height(ws, 5, [(NOTES_WIDTH, ws["B5"].value)], minimum=2)
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
        ws.merge_cells(f"B6:{NOTES_LAST}6")
        # Bold runs wider than the 1.25 characters a unit wrapped_lines counts.
        fit_row_height(ws, 6, [(NOTES_WIDTH * 0.9, ws["B6"].value)], minimum=2)

    for col, text in enumerate(FORM_COLUMNS, start=1):
        set_text_cell(ws.cell(row=HEADER_ROW, column=col), text)
    style_header_row(ws, HEADER_ROW, 1, len(FORM_COLUMNS))
    widths = dict(FORM_WIDTHS)

    validations: dict[tuple, Any] = {}
    # The cells of each validation, set once at the end: openpyxl's `add` checks every range
    # already held, which made a 20,000-question form take minutes (quadratic).
    cells: dict[tuple, list[str]] = {}
    list_col = 0
    row = HEADER_ROW
    placed: list[tuple[int, str]] = []
    area_titles = {a.id: a.title for a in bank.areas}
    current_area = None
    bands: list[int] = []  # the rows of area titles
    number = 0
    for question in questions:
        if question.area != current_area:
            current_area = question.area
            row += 1
            bands.append(row)
            cell = ws.cell(row=row, column=2)
            set_text_cell(cell, area_titles.get(question.area, question.area))
            for col in range(1, len(FORM_COLUMNS)):
                ws.cell(row=row, column=col).fill = LABEL_FILL
                ws.cell(row=row, column=col).border = BOX
            cell.font = LABEL_FONT
            # Not merged across: the title overflows into the empty cells beside it, and each
            # openpyxl merge checks every merge before it (quadratic in the number of areas).
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
        fit_row_height(ws, row, [(widths[2], values[1]), (widths[3], text),
                                 (widths[4], question.guidance), (widths[5], values[4])],
                       minimum=2)
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
            prompt = _dropdown_prompt(question)
            key = ("list", formula, prompt)
            if key not in validations:
                validations[key] = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                    errorTitle="Not one of the answers",
                    error="Choose an answer from the list (or leave the cell empty).",
                    showInputMessage=True, promptTitle="Answer", prompt=prompt)
            cells.setdefault(key, []).append(answer_ref)
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
            cells.setdefault(key, []).append(answer_ref)
        elif question.type == "multi":
            key = ("multi",)
            if key not in validations:
                validations[key] = DataValidation(
                    type=None, allow_blank=True, showErrorMessage=False,
                    showInputMessage=True, promptTitle="Options",
                    prompt="Type option ids or labels, separated by ; or , as listed in "
                           "Allowed answers.")
            cells.setdefault(key, []).append(answer_ref)
    from openpyxl.worksheet.cell_range import MultiCellRange

    for key, validation in validations.items():
        validation.sqref = MultiCellRange(" ".join(cells[key]))
        ws.add_data_validation(validation)

    set_widths(ws, widths)
    ws.column_dimensions["H"].hidden = True
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True
    # Resizing rows and columns is harmless and often needed to read long descriptors.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.sheet_view.showGridLines = False
    # The role's short name: a whole title ran into the right-hand header on the printed page.
    print_setup(ws, header_left=f"{partnership.name} ({partnership.code}) - "
                                f"{_short_role(role_title)}",
                header_right=f"{bank.title}, wave {wave}",
                title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    _print_one_page_wide(ws, bands)

    about_rows: list[tuple[str, Any]] = [
        ("format", RESPONSE_FORM), ("format_version", str(FORMAT_VERSION)),
        ("tool_version", _tool_version()), ("bank", bank.id), ("bank_version", bank.version),
        ("bank_hash", bank.hash), ("wave", wave), ("partnership", partnership.code),
        ("partnership_name", partnership.name), ("region", partnership.region),
        ("role", role), ("respondent", respondent), ("created_at", created),
        ("questions", str(len(placed))),
    ]
    if seal_key is not None:
        from stocktake.returns.seal import (FORM_SEAL_METHOD, clean_text, form_field_tags,
                                            form_seal_v2)

        # Sealed as a reader will find them: as the cells hold the text, trimmed.
        identity = {k: (clean_text(v) if isinstance(v, str) else str(v or "")).strip()
                    for k, v in about_rows}
        about_rows += [("keyed_seal_method", FORM_SEAL_METHOD),
                       ("keyed_seal", form_seal_v2(identity, placed, seal_key)),
                       ("keyed_fields", form_field_tags(identity, seal_key))]
    # Rows counted here, not read from `max_row`, which scans every cell (quadratic).
    at = 0
    for key, value in about_rows:
        at += 1
        set_text_cell(about.cell(row=at, column=1), key)
        set_text_cell(about.cell(row=at, column=2), value)
    at += 2
    about.cell(row=at, column=1).value, about.cell(row=at, column=2).value = "row", "question"
    for r, qid in placed:
        at += 1
        about.cell(row=at, column=1).value = r
        set_text_cell(about.cell(row=at, column=2), qid)
    about.protection.sheet = True
    lists.protection.sheet = True
    return wb


def _print_one_page_wide(ws: Any, bands: list[int]) -> None:
    """Every column on one page across, at FORM_PRINT_SCALE or more (Excel, whose columns print
    narrower, fits them at 100%), narrow margins, each area's title kept on the page of its
    first question."""
    from stocktake.workbooks.print_setup import finish_sheet

    ws._print_cols = None  # openpyxl's setter ignores None
    ws.page_setup.scale = None
    ws.page_setup.pageOrder = None
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = False
    finish_sheet(ws, keep=[(band, band + 1) for band in bands])


def _dropdown_prompt(question: Question) -> str:
    """The note Excel and LibreOffice show beside a selected Answer cell."""
    if question.type == "scale" and answer_names(question) == \
            [str(n) for n in range(1, len(question.levels) + 1)]:
        return ("Choose the level's number; Allowed answers, to the left, says what each "
                "level means.")
    if question.type == "choice" and not _named_by_label(question):
        return ("Choose the option's name; Allowed answers, to the left, gives each option "
                "in full.")
    return "Choose from the list."


def _short_role(title: str) -> str:
    """"Council" from "Council: director of children's services, ..." (and the same before a
    bracket or a comma); the whole title where it has no such break."""
    import re

    head = re.split(r":|\s\(|,", title, maxsplit=1)[0].strip()
    return head or title


def _tool_version() -> str:
    from stocktake import __version__

    return __version__


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
        _check_issued_name(path, about, respondent)
    from stocktake.text.text_rules import text_problem

    problem = text_problem(respondent)
    if problem:
        raise StocktakeError(f"{path}: Form!{NAME_CELL}: the respondent's name {problem}",
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
def _check_issued_name(path: Path, about: dict, typed: str) -> None:
    """A keyed form issued to a named person is refused when the name written on it is someone
    else's (case, spacing, accents and punctuation do not count), since it would overwrite that
    person's answers."""
    from stocktake.records.roster_and_plans import name_key
    from stocktake.returns.seal import canonical_text

    issued = canonical_text(about.get("respondent")).strip()
    if issued and typed and name_key(issued) != name_key(typed):
        raise StocktakeError(
            f"{path}: Form!{NAME_CELL}: the form was issued to '{issued}' but the name on it is "
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
        from stocktake.banks.answer_values import FORM_WORDS, BadValue
        from stocktake.interview.answers_file import AnswerRow, check_answer_rows
        from stocktake.text.problems import listed

        header_row, columns = self.header()
        answer_col = columns.get("answer", ANSWER_COLUMN)
        evidence_col = columns.get("evidence", EVIDENCE_COLUMN)
        id_col = columns.get("id", ID_COLUMN)
        name_r, name_c = self.name_cell(header_row)
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
                                        words=FORM_WORDS)
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
                      skip: set[str] = frozenset()) -> list[str]:
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
