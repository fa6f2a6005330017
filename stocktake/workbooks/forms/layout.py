"""The form written: one row per question asked of a role (skip-conditional ones too, with a note
saying when to answer them): area; the question with its guidance in italics under it, one cell
across the Question and Guidance columns; the allowed answers or level descriptors in full, run
in as one paragraph; an Answer cell with an in-cell dropdown of short whole entries that fit
the column (a level's number, an option's label or id; a number cell checks its range instead;
a multi cell takes option ids or labels separated by `;` or `,`), and an Evidence cell. The
sheet is protected with only the answer, evidence and name cells unlocked; question ids sit in
a hidden column and, with the bank's identity, on a hidden `About` sheet, so an edited or
foreign form is caught. It prints one page wide on A4 landscape at 90% (9 pt).

    create_form(Path("camden-council.xlsx"), bank, camden, "council", "2026-27", "Jo Bloggs")
"""

from __future__ import annotations

from stocktake.workbooks.forms.entries import named_by_label, number_text, age_note, allowed_answers_text, answer_names, condition_note, dropdown_values, notice_note
from stocktake.workbooks.forms.sheet import FORM_PRINT_SCALE, FORM_BOTTOM_MARGIN, FORM_HEADER_HEIGHT, FORM_HEADER_MARGIN, FORM_SIDE_MARGIN, FORM_TOP_MARGIN, FORM_PRINT_WIDTH, MIN_TEXT_WIDTH, NOT_APPLICABLE_TEXT, ANSWER_WIDTH, ABOUT_SHEET, AGE_LABEL, ANONYMOUS_INSTRUCTIONS, ANSWER_COLUMN, EVIDENCE_COLUMN, FORM_COLUMNS, FORM_SHEET, FORM_WIDTHS, HEADER_ROW, INLINE_LIST_LIMIT, INPUT_FILL, LISTS_SHEET, NAME_CELL, NAME_LABEL, NOTES_FIRST, NOTES_LAST, NOTES_WIDTH, REQUIRED_MARK, ROLE_LABEL

import math
from pathlib import Path
from typing import Any, Sequence

from stocktake.banks.model import AGE_BANDS, Bank, Question
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.records.responses import now_iso
from stocktake.workbooks import FORMAT_VERSION, RESPONSE_FORM



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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from stocktake.privacy.injection import set_text_cell
    from stocktake.workbooks.print_setup import heading_width
    from stocktake.workbooks.styles import (BODY_FONT, BOX, LABEL_FILL, LABEL_FONT,
                                            NOTE_FONT, WRAP_TOP, StyleMemo, fit_row_height,
                                            merge_row, print_setup, set_widths,
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

    # From column C (B, Area, is hidden), wrapped within the printed page's columns.
    write_title(ws, "C1", f"Response form: {bank.title}",
                f"{partnership.name} ({partnership.code}) - wave {wave} - answering as: "
                f"{_short_role(role_title)}" + (f" - reference {respondent}" if anonymous
                                                 else ""))
    ws["C1"].alignment = WRAP_TOP
    ws.merge_cells(f"C1:{NOTES_LAST}1")
    # 16-point bold: about half as many characters a unit as the 10-point text counted.
    title_lines = wrapped_lines(ws["C1"].value, NOTES_WIDTH * 0.55)
    ws.row_dimensions[1].height = 21 * title_lines + 2
    # The role's whole title wraps in row 4: in the subtitle it ran off the printed page.
    set_text_cell(ws["C4"], ROLE_LABEL)
    ws["C4"].font = LABEL_FONT
    ws["C4"].alignment = Alignment(vertical="top")
    set_text_cell(ws["D4"], role_title)
    ws["D4"].font = BODY_FONT
    ws["D4"].alignment = WRAP_TOP
    ws.merge_cells(f"D4:{NOTES_LAST}4")
    # D to G is at least this wide whatever the widths chosen below (C at most FORM_WIDTHS[3]).
    fit_row_height(ws, 4, [(NOTES_WIDTH - FORM_WIDTHS[3], role_title)])
    # An anonymous role's form has no name cell: D3 takes the age band, from a list.
    set_text_cell(ws["C3"], AGE_LABEL if anonymous else NAME_LABEL)
    ws["C3"].font = LABEL_FONT
    name = ws[NAME_CELL]
    set_text_cell(name, None if anonymous else (respondent or None))
    name.fill, name.protection, name.border, name.font = input_fill, unlocked, BOX, BODY_FONT
    if anonymous:
        ages = DataValidation(type="list", formula1='"' + ",".join(
            b.label for b in AGE_BANDS) + '"', allow_blank=True, showErrorMessage=True,
            errorTitle="Not an age group", error="Choose your age group from the list.")
        ages.add(NAME_CELL)
        ws.add_data_validation(ages)
    notes_at = f"{NOTES_FIRST}5"
    set_text_cell(ws[notes_at], ANONYMOUS_INSTRUCTIONS if anonymous else (
        "Answer in the yellow cells. Pick an answer from the list in each Answer cell: a "
        "level's number, or an option's name, as Allowed answers gives them in full beside it; "
        "every question also takes Not applicable or Don't know (in each list), and leave a question blank if it is "
        "not yours to answer. Write your evidence beside it: documents, minutes, examples. Do "
        "not name children or families. Save as .xlsx and send the file back."))
    ws[notes_at].font = NOTE_FONT
    ws[notes_at].alignment = WRAP_TOP
    # The notes span the printed page's columns (see NOTES_COLUMNS), so no line of them is
    # cut where the page ends; their rows are as tall as the wrapped text.
    ws.merge_cells(f"{notes_at}:{NOTES_LAST}5")
    fit_row_height(ws, 5, [(NOTES_WIDTH, ws[notes_at].value)], minimum=2)
    # Row 6: the round's notes, then the bank's safeguarding notice where the form asks a
    # question whose answers call for it.
    marked = [n for n, q in enumerate(questions, start=1) if q.notice]
    row6 = [notes] if notes else []
    if marked and bank.safeguarding_notice:
        row6.append(notice_lead(marked) + bank.safeguarding_notice)
    if row6:
        notice_at = f"{NOTES_FIRST}6"
        set_text_cell(ws[notice_at], "\n\n".join(row6))
        ws[notice_at].font = LABEL_FONT
        ws[notice_at].alignment = WRAP_TOP
        ws.merge_cells(f"{notice_at}:{NOTES_LAST}6")
        # Bold runs wider than the 1.25 characters a unit wrapped_lines counts.
        fit_row_height(ws, 6, [(NOTES_WIDTH * 0.9, ws[notice_at].value)], minimum=2)

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
    numbers = {q.id: n for n, q in enumerate(questions, start=1)}
    texts = [_row_texts(bank, question, numbers, anonymous) for question in questions]
    asked = {q.area for q in questions}
    widths = _column_widths(questions, texts, anonymous,
                            [a.title for a in bank.areas if a.id in asked])
    # The question and its guidance share one cell across the Question and Guidance columns
    # (below), so their heading is one too, saying which part is the guidance: two headings
    # over one cell read as if the Guidance column had been left empty.
    headings = dict(enumerate(FORM_COLUMNS, start=1)) | {3: QUESTION_HEADING, 4: ""}
    for col, text in headings.items():
        set_text_cell(ws.cell(row=HEADER_ROW, column=col), text or None)
    # One line where every heading fits its column on one (they do, at the widths chosen), as
    # the rows repeated atop each page take a page's room.
    room = dict(widths) | {3: widths[3] + widths[4]}
    one_line = all(heading_width(text.replace(" ", "_")) <= room[col]
                   for col, text in list(headings.items())[:EVIDENCE_COLUMN] if text)
    style_header_row(ws, HEADER_ROW, 1, len(FORM_COLUMNS),
                     height=FORM_HEADER_HEIGHT if one_line else 30)
    ws.merge_cells(start_row=HEADER_ROW, start_column=3, end_row=HEADER_ROW, end_column=4)
    # Each column's cells styled alike, worked out once (StyleMemo): set cell by cell, the
    # styles were most of the time a large form took to write.
    body = dict(font=BODY_FONT, border=BOX, alignment=WRAP_TOP)
    styles = {col: StyleMemo(**body) for col in range(1, len(FORM_COLUMNS) + 1)}
    styles[1] = StyleMemo(**{**body, "alignment": Alignment(horizontal="center",
                                                             vertical="top")})
    # Children are not asked for evidence notes: their evidence cells stay locked.
    for col in (ANSWER_COLUMN,) if anonymous else (ANSWER_COLUMN, EVIDENCE_COLUMN):
        styles[col] = StyleMemo(**body, protection=unlocked, fill=input_fill)
    number = 0
    for question, (text, allowed) in zip(questions, texts):
        if question.area != current_area:
            current_area = question.area
            row += 1
            bands.append(row)
            # In C: B (Area) is hidden, and the band is where each area's title shows.
            cell = ws.cell(row=row, column=3)
            set_text_cell(cell, area_titles.get(question.area, question.area))
            for col in range(1, len(FORM_COLUMNS)):
                ws.cell(row=row, column=col).fill = LABEL_FILL
                ws.cell(row=row, column=col).border = BOX
            cell.font = LABEL_FONT
            # Not merged across: the title overflows into the empty cells beside it, and each
            # openpyxl merge checks every merge before it (quadratic in the number of areas).
        row += 1
        number += 1
        # The question and its guidance share one cell across the Question and Guidance
        # columns, the guidance in italics under it: side by side, each row was as tall as
        # the longer of the two, and most of the other column blank (issue 26).
        values = [number, area_titles.get(question.area, question.area),
                  _question_text(text, question.guidance), None, allowed, None, None,
                  question.id]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            set_text_cell(cell, value)
            styles[col].apply(cell)
        merge_row(ws, row, 3, 4, boxed=True)
        fit_row_height(ws, row, [(widths[3] + widths[4], _joined(text, question.guidance)),
                                 (widths[5], values[4])], minimum=2)
        placed.append((row, question.id))

        answer_ref = f"{get_column_letter(ANSWER_COLUMN)}{row}"
        rule: tuple[str | None, ...]  # a validation's kind and settings: one validation each
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
            rule = ("list", formula, prompt)
            if rule not in validations:
                validations[rule] = DataValidation(
                    type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                    errorTitle="Not one of the answers",
                    error="Choose an answer from the list (or leave the cell empty).",
                    showInputMessage=True, promptTitle="Answer", prompt=prompt)
            cells.setdefault(rule, []).append(answer_ref)
        elif question.type == "number" and (question.min is not None or question.max is not None):
            low = number_text(question.min) if question.min is not None else None
            high = number_text(question.max) if question.max is not None else None
            rule = ("number", low, high)
            if rule not in validations:
                operator, f1, f2 = ("between", low, high) if low is not None and high is not None \
                    else ("greaterThanOrEqual", low, None) if low is not None \
                    else ("lessThanOrEqual", high, None)
                validations[rule] = DataValidation(
                    type="decimal", operator=operator, formula1=f1, formula2=f2,
                    allow_blank=True, showErrorMessage=True, errorStyle="warning",
                    errorTitle="Out of range",
                    error=allowed_answers_text(question) + ". Keep it anyway?",
                    showInputMessage=True, promptTitle="A number",
                    prompt=allowed_answers_text(question))
            cells.setdefault(rule, []).append(answer_ref)
        elif question.type == "multi":
            rule = ("multi",)
            if rule not in validations:
                validations[rule] = DataValidation(
                    type=None, allow_blank=True, showErrorMessage=False,
                    showInputMessage=True, promptTitle="Options",
                    prompt="Type option ids or labels, separated by ; or , as listed in "
                           "Allowed answers.")
            cells.setdefault(rule, []).append(answer_ref)
    from openpyxl.worksheet.cell_range import MultiCellRange

    for rule, validation in validations.items():
        validation.sqref = MultiCellRange(" ".join(cells[rule]))
        ws.add_data_validation(validation)

    set_widths(ws, {get_column_letter(c): w for c, w in widths.items()})
    ws.column_dimensions["H"].hidden = True
    # Area is the band over each area's questions: the column, which took a tenth of the
    # printed width on every row, is kept (its cells read as before) but hidden.
    ws.column_dimensions["B"].hidden = True
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
    if key is not None:
        from stocktake.returns.seal import (FORM_SEAL_METHOD, clean_text, form_field_tags,
                                            form_seal_v2)

        # Sealed as a reader will find them: as the cells hold the text, trimmed.
        identity = {k: (clean_text(v) if isinstance(v, str) else str(v or "")).strip()
                    for k, v in about_rows}
        about_rows += [("keyed_seal_method", FORM_SEAL_METHOD),
                       ("keyed_seal", form_seal_v2(identity, placed, key)),
                       ("keyed_fields", form_field_tags(identity, key))]
    # Rows counted here, not read from `max_row`, which scans every cell (quadratic).
    at = 0
    for name, value in about_rows:
        at += 1
        set_text_cell(about.cell(row=at, column=1), name)
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


def _joined(text: str, guidance: str) -> str:
    """The Question cell's text as plain text: the question, its notes, then its guidance."""
    return f"{text}\n{guidance}" if guidance else text


def _question_text(text: str, guidance: str) -> Any:
    """The Question cell: the question and its notes, then the guidance on a line of its own
    in italics, so the two read apart in one cell (rich text, its runs cleaned as
    set_text_cell cleans a plain text; a reader sees `_joined`)."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from stocktake.privacy.injection import clean_cell_text
    from stocktake.workbooks.styles import BODY_FONT, FONT_NAME, INK

    if not guidance:
        return text
    plain = InlineFont(rFont=FONT_NAME, sz=BODY_FONT.sz, color=INK)
    italic = InlineFont(rFont=FONT_NAME, sz=BODY_FONT.sz, color=INK, i=True)
    return CellRichText(TextBlock(plain, clean_cell_text(text) + "\n"),
                        TextBlock(italic, clean_cell_text(guidance)))


def _row_texts(bank: Bank, question: Question, numbers: dict[str, int],
               anonymous: bool) -> tuple[str, str]:
    """(the Question cell, the Allowed answers cell) of a question's row; the Question cell's
    guidance is added by `_question_text`. Each note starts a line of its own (a blank line
    before it made every such row a line taller in print)."""
    text = question.text + (REQUIRED_MARK if question.required else "")
    if question.when is not None:
        text += "\n" + condition_note(bank, question.when, numbers)
    if anonymous and (question.min_age is not None or question.max_age is not None):
        text += "\n" + age_note(question)
    return text, allowed_answers_text(question) + notice_note(question)


# Widths are chosen on at most this many questions (a form's first ones stand for the rest: a
# 20,000-question form is laid out as fast as a small one).
WIDTH_SAMPLE = 120
# The narrowest Question column of a named respondent's form (its heading and short words).
NAMED_QUESTION_WIDTH = 14


def _column_widths(questions: Sequence[Question], texts: Sequence[tuple[str, str]],
                   anonymous: bool = False, areas: Sequence[str] = ()) -> dict[int, int]:
    """The form's column widths (units) for these rows: the Answer column as wide as the
    form's widest dropdown entry (ANSWER_WIDTH at most, so every entry shows whole, as
    ANSWER_CHARS promises), and the width that leaves shared between the question cell
    (Question and Guidance merged) and Allowed answers so the rows are as short as they can be
    (issue 26: a form printed 2.1 questions a page). The printed width stays
    FORM_PRINT_WIDTH, which prints one page across at FORM_PRINT_SCALE."""
    from stocktake.workbooks.print_setup import heading_width
    from stocktake.workbooks.styles import word_width

    # Whole units: the text columns' widths are tried one by one (range) below.
    widths = dict(FORM_WIDTHS)
    entries = [len(e) for q in questions for e in (dropdown_values(q) or [])]
    # Typed cells (multi, number, text) take what is typed, wrapped: the width of a short entry.
    longest = max(entries + [len(NOT_APPLICABLE_TEXT)])
    answer = max(math.ceil(heading_width(FORM_COLUMNS[ANSWER_COLUMN - 1])),
                 math.ceil((longest + 2) / 1.25))
    widths[ANSWER_COLUMN] = min(ANSWER_WIDTH, answer)
    # The Area column as wide as its longest word, so no area's name breaks mid-word
    # ("Communication/s" at 12 units).
    widths[2] = max(FORM_WIDTHS[2], word_width(areas))
    room = FORM_PRINT_WIDTH - sum(widths[c] for c in (1, ANSWER_COLUMN, EVIDENCE_COLUMN))
    sample = [(_joined(text, q.guidance), allowed) for q, (text, allowed)
              in zip(questions[:WIDTH_SAMPLE], texts[:WIDTH_SAMPLE])]
    # Each text at least as wide as its longest word. The Guidance column also holds the name
    # or age-group cell (D3): on a children's form at least FORM_WIDTHS[3] wide, so the
    # age-group dropdown (cut by Excel at the cell's edge) shows its longest entry whole; a
    # name runs on into the empty cell beside it. The Question column holds the label beside
    # it ("Your age group") and so is at least NAMED_QUESTION_WIDTH; the Guidance column, whose
    # heading stands over the guidance's half of the merged Question cell, is as wide as that
    # heading at least.
    lows = [max(MIN_TEXT_WIDTH, word_width(row[k] for row in sample)) for k in range(2)]
    question_low = NAMED_QUESTION_WIDTH
    guidance_low = max(math.ceil(heading_width(FORM_COLUMNS[3])),
                       FORM_WIDTHS[3] if anonymous else 0)
    lows[0] = max(lows[0], question_low + guidance_low)
    # Each text's lines at each width estimated once, then every split tried. Wrapping each
    # text at every width (textwrap) took a second a form; a paragraph's length over a line's
    # characters, less half a word lost at each line's end, chooses the same widths within a
    # unit or two, and the rows' heights are then worked out exactly (fit_row_height).
    paragraphs = [[[len(p) for p in str(row[k] or "").split("\n")] for row in sample]
                  for k in range(2)]

    def estimate(lengths: list[int], width: int) -> int:
        chars = max(4, int(width * 1.25) - 1) - 3
        return max(1, sum(max(1, math.ceil(n / chars)) for n in lengths))

    best = None
    for asked_width in range(lows[0], room - lows[1] + 1):
        allowed_width = room - asked_width
        total = sum(max(estimate(a, asked_width), estimate(b, allowed_width))
                    for a, b in zip(*paragraphs))
        if best is None or total < best[0]:
            best = (total, asked_width, allowed_width)
    if best is not None:
        asked_width, widths[5] = best[1:]
        # The merged cell's width split about evenly under the two headings.
        widths[3] = min(max(question_low, asked_width // 2), asked_width - guidance_low)
        widths[4] = asked_width - widths[3]
    return widths


def _print_one_page_wide(ws: Any, bands: list[int]) -> None:
    """Every column on one page across at FORM_PRINT_SCALE exactly (10-point text at 9 pt),
    narrow margins, each area's title kept on the page of its first question.

    A set scale, not fitted to the page's width: LibreOffice chose 90% or 92% for forms of
    the same printed width (its own rounding), and the smaller the scale that is still 9 pt,
    the more rows a page holds. FORM_PRINT_WIDTH units print 788 points wide at 90% in
    LibreOffice (7.0 points a unit), within the 806 between the margins; Excel, whose columns
    print narrower, leaves more room still."""
    from stocktake.workbooks.print_setup import finish_sheet

    ws._print_cols = None  # openpyxl's setter ignores None
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = round(FORM_PRINT_SCALE * 100)
    ws.page_setup.pageOrder = None
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    ws.page_margins.left = ws.page_margins.right = FORM_SIDE_MARGIN
    ws.page_margins.top, ws.page_margins.bottom = FORM_TOP_MARGIN, FORM_BOTTOM_MARGIN
    ws.page_margins.header = ws.page_margins.footer = FORM_HEADER_MARGIN
    ws.print_options.horizontalCentered = False
    finish_sheet(ws, keep=[(band, band + 1) for band in bands], every_page=True)


def _dropdown_prompt(question: Question) -> str:
    """The note Excel and LibreOffice show beside a selected Answer cell."""
    if question.type == "scale" and answer_names(question) == \
            [str(n) for n in range(1, len(question.levels) + 1)]:
        return ("Choose the level's number; Allowed answers, to the left, says what each "
                "level means.")
    if question.type == "choice" and not named_by_label(question):
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


QUESTION_HEADING = "Question (its guidance in italics)"


def notice_lead(numbers: list[int]) -> str:
    """What comes before the bank's safeguarding notice atop a blank form: the notice is
    written for an answer given ("This answer says a child ... feels unsafe"), and a form
    printed before anyone has answered must not read as if one had been; so it says which
    questions' answers point to it."""
    asked = " or ".join(str(n) for n in numbers) if len(numbers) <= 2 else \
        ", ".join(str(n) for n in numbers[:-1]) + f" or {numbers[-1]}"
    return (f"Safeguarding notice, to read if your answer to question"
            f"{'s' if len(numbers) > 1 else ''} {asked} points here: ")
