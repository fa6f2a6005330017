"""Form dropdowns (issue 13): every entry whole and short enough for the Answer column, the full
level or option beside it under the same number or name, and every entry read back as the level
or option it names, together with what forms sent out earlier held ("3 - descriptor", cut with an
ellipsis at 110 characters or whole, and whole choice labels)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.model import AGE_BANDS

from stocktake.banks.loading import find_bank, load_bank
from stocktake.errors import StocktakeError
from stocktake.workbooks.forms import (DONT_KNOW_TEXT, DROPDOWN_TEXT_LIMIT, NAME_CELL,
                                       NOT_APPLICABLE_TEXT, create_form, read_form)
from stocktake.workbooks.styles import wrapped_lines
from stocktake.workbooks.forms.entries import RUN_IN

from helpers.filling import WAVE
from helpers.forms import CAMDEN, answered, dropdowns, fill, rows_by_question
from helpers.paths import DATA

BANKS = ("idea-stocktake", "joint-area-review", "partnership-2026", "tomorrows-children")
ALLOWED_COLUMN = 5


def shown_chars(width: float) -> int:
    """Characters of 10-point text a column `width` units wide shows on one line: about 1.25 a
    unit, less one for the margin (the rule styles.wrapped_lines lays rows out by)."""
    return int(width * 1.25) - 1


@pytest.fixture(scope="module")
def shipped_forms(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """A form for every role of every shipped bank."""
    root = tmp_path_factory.mktemp("forms")
    forms = {}
    for bank_id in BANKS:
        bank = find_bank(bank_id)
        for role in bank.role_ids:
            if bank.questions_for_role(role):
                forms[(bank_id, role)] = create_form(root / f"{bank_id}-{role}.xlsx", bank,
                                                     CAMDEN, role, WAVE, "YP-0001" if
                                                     bank.is_anonymous(role) else "Jo Bloggs")
    return forms


def whole_names(question) -> set[str]:
    """Every whole thing a dropdown may call a level or option of `question`."""
    names = {str(n) for n in range(1, len(question.levels) + 1)} | \
        {f"{n} - {level}" for n, level in enumerate(question.levels, start=1)}
    for n, option in enumerate(question.options, start=1):
        names |= {option.label, option.id, f"Option {n}"}
    return names | {"Yes", "No", NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT}


def test_every_dropdown_entry_is_whole_and_fits_the_answer_column(shipped_forms):
    checked = 0
    for (bank_id, role), path in shipped_forms.items():
        bank = find_bank(bank_id)
        ws = load_workbook(path)["Form"]
        where = {f"F{r}": qid for qid, r in rows_by_question(ws).items()}
        for ref, entries in dropdowns(path).items():
            column = "".join(ch for ch in ref if ch.isalpha())
            width = ws.column_dimensions[column].width
            for entry in entries:
                assert "\u2026" not in entry and not entry.endswith("..."), (path.name, ref,
                                                                             entry)
                assert len(entry) <= shown_chars(width), (path.name, ref, entry, width)
                assert wrapped_lines(entry, width) == 1
            if ref == NAME_CELL:  # an anonymous form's age group
                assert entries == [b.label for b in AGE_BANDS]
                continue
            question = bank.question(where[ref])
            assert set(entries) <= whole_names(question), (path.name, ref, entries)
            offered = len(question.levels) if question.type == "scale" else \
                len(question.options) if question.type == "choice" else 2
            assert len(entries) == offered + 2 and len(set(entries)) == len(entries)
            checked += len(entries)
    assert checked > 2000  # every bank, every role: thousands of entries


def test_allowed_answers_give_each_entry_in_full_under_the_same_number_or_name(shipped_forms):
    named_by_id = numbered = described = 0
    for (bank_id, role), path in shipped_forms.items():
        bank = find_bank(bank_id)
        ws = load_workbook(path)["Form"]
        lists = dropdowns(path)
        for qid, row in rows_by_question(ws).items():
            question = bank.question(qid)
            entries = lists.get(f"F{row}") if question.type in ("scale", "choice") else None
            if entries is None:
                continue
            # Run in as one paragraph, a bullet between entries (issue 26: a line each printed
            # each row taller); a safeguarding pointer on a line after them.
            # A level's number is held to its dash by a no-break space.
            lines = [part.replace("\u00a0", " ") for entry in
                     ws.cell(row, ALLOWED_COLUMN).value.split(RUN_IN) for part in entry.split("\n")]
            if question.type == "scale":
                full = [f"{n} - {level}" for n, level in enumerate(question.levels, start=1)]
                assert all(line in lines for line in full)
                # The whole line where every level's fits the column, else its number.
                if entries[:-2] == full:
                    described += 1
                else:
                    assert entries[:-2] == [str(n) for n in range(1, len(full) + 1)]
                    numbered += 1
            else:
                for entry, option in zip(entries, question.options):
                    if entry == option.label:
                        assert option.label in lines
                    else:
                        named_by_id += 1
                        assert entry == option.id and f"{option.id}: {option.label}" in lines
            # Not applicable and Don't know: in every dropdown and said once in the form's
            # instructions, not on a line of every row (issue 26: the rows printed taller).
            assert entries[-2:] == [NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT]
            assert f"or {NOT_APPLICABLE_TEXT} / {DONT_KNOW_TEXT}" not in lines
        instructions = ws["C5"].value
        assert NOT_APPLICABLE_TEXT in instructions and DONT_KNOW_TEXT in instructions
    assert named_by_id >= 9  # idea-stocktake's and tomorrows-children's long labels
    assert numbered > 100 and described > 5  # the partners' descriptors; "3 - Mostly."


def stored(entry: str, question) -> tuple[str, object]:
    """What choosing `entry` from `question`'s dropdown must store."""
    if entry == NOT_APPLICABLE_TEXT:
        return "na", None
    if entry == DONT_KNOW_TEXT:
        return "dk", None
    if question.type == "scale":
        return "answered", int(entry.split(" - ")[0])
    if question.type == "yesno":
        return "answered", entry.lower()
    for n, option in enumerate(question.options, start=1):
        if entry in (option.label, option.id, f"Option {n}"):
            return "answered", option.id
    raise AssertionError(entry)


def typed_answer(question) -> object:
    """A valid answer for a question whose cell is typed (required ones must be answered)."""
    if question.type == "number":
        return question.min if question.min is not None else 1
    if question.type == "multi":
        return question.options[0].id
    return "Our own words"


def covering_roles(bank) -> list[str]:
    """Few roles whose forms between them ask every question with a dropdown."""
    wanted = {q.id for q in bank.questions if q.type in ("scale", "choice", "yesno")}
    roles = []
    while wanted:
        role = max(bank.role_ids, key=lambda r: len(wanted & {
            q.id for q in bank.questions_for_role(r)}))
        roles.append(role)
        wanted -= {q.id for q in bank.questions_for_role(role)}
    return roles


@pytest.mark.parametrize("bank_id", BANKS)
def test_choosing_each_dropdown_entry_stores_its_level_or_option(bank_id, shipped_forms,
                                                                tmp_path):
    bank = find_bank(bank_id)
    chosen = 0
    for role in covering_roles(bank):
        source = shipped_forms[(bank_id, role)]
        ws = load_workbook(source)["Form"]
        rows = rows_by_question(ws)
        lists = dropdowns(source)
        offered = {qid: lists[f"F{r}"] for qid, r in rows.items() if f"F{r}" in lists}
        untried = {qid: list(entries) for qid, entries in offered.items()}
        anonymous = bank.is_anonymous(role)
        passes = 0
        while any(untried.values()):
            band = AGE_BANDS[passes % len(AGE_BANDS)] if anonymous else None
            passes += 1
            assert passes < 40, untried
            answers, expected = {}, {}
            for qid in rows:
                question = bank.question(qid)
                if band is not None and not question.asked_of_age(band):
                    continue
                if qid not in offered:
                    answers[qid] = typed_answer(question)
                    continue
                entry = untried[qid].pop(0) if untried[qid] else offered[qid][0]
                answers[qid] = entry  # the entry's text, as a dropdown puts it in the cell
                expected[qid] = stored(entry, question)
            form = fill(source, answers, out=tmp_path / f"{role}-{passes}.xlsx",
                        name=band.label if band else None)
            got = {a.question: (a.status, a.value) for a in read_form(form).answers}
            for qid, want in expected.items():
                assert got[qid] == want, (role, qid, answers[qid])
                chosen += 1
    assert chosen >= sum(len(q.levels) + 2 if q.type == "scale" else 4 for q in bank.questions
                         if q.type in ("scale", "yesno"))


def old_entry(n: int, text: str) -> str:
    """A scale entry as forms sent out before this change offered it."""
    entry = f"{n} - {text}"
    limit = DROPDOWN_TEXT_LIMIT
    return entry if len(entry) <= limit else entry[:limit - 1].rstrip() + "\u2026"


@pytest.mark.parametrize("bank_id", BANKS)
def test_values_of_forms_sent_out_before_still_import(bank_id, shipped_forms, tmp_path):
    bank = find_bank(bank_id)
    cut = 0
    for role in covering_roles(bank):
        source = shipped_forms[(bank_id, role)]
        rows = rows_by_question(load_workbook(source)["Form"])
        questions = [bank.question(qid) for qid in rows]
        for whole in (False, True):
            band = next((b for b in AGE_BANDS if all(
                q.asked_of_age(b) for q in questions if q.type in ("scale", "choice"))),
                AGE_BANDS[1]) if bank.is_anonymous(role) else None
            answers, expected = {}, {}
            for i, question in enumerate(questions):
                if band is not None and not question.asked_of_age(band):
                    continue
                if question.type == "scale":
                    n = i % len(question.levels) + 1
                    text = f"{n} - {question.levels[n - 1]}"
                    answers[question.id] = text if whole else old_entry(n, question.levels[n - 1])
                    cut += answers[question.id].endswith("\u2026")
                    expected[question.id] = ("answered", n)
                elif question.type == "choice":
                    option = question.options[i % len(question.options)]
                    answers[question.id] = option.label
                    expected[question.id] = ("answered", option.id)
                elif question.type == "yesno":
                    answers[question.id] = "Yes"
                else:
                    answers[question.id] = typed_answer(question)
            form = fill(source, answers, out=tmp_path / f"{role}-{whole}.xlsx",
                        name=band.label if band else None)
            got = {a.question: (a.status, a.value) for a in read_form(form).answers}
            assert {qid: got[qid] for qid in expected} == expected
    if bank_id in ("idea-stocktake", "partnership-2026"):
        assert cut > 0  # level descriptors long enough that the old forms cut them


def test_old_cut_entry_of_one_level_is_that_level(tmp_path):
    """The worked case: idea-stocktake's longest level descriptor, as the old dropdown cut it."""
    bank = find_bank("idea-stocktake")
    question, n, level = max(((q, n, text) for q in bank.questions if q.type == "scale"
                              for n, text in enumerate(q.levels, start=1)),
                             key=lambda found: len(found[2]))
    assert len(f"{n} - {level}") > DROPDOWN_TEXT_LIMIT
    role = next(r for r in bank.role_ids if question.asked_of(r) and not bank.is_anonymous(r))
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, role, WAVE, "Jo Bloggs")
    assert answered(path, bank, question.id, old_entry(n, level)) == ("answered", n)


def test_long_choice_labels_are_named_by_id_and_the_old_labels_still_read(tmp_path):
    bank = find_bank("tomorrows-children")
    question = bank.question("commissioning.model")
    role = next(r for r in bank.role_ids if question.asked_of(r))
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, role, WAVE, "Jo Bloggs")
    entries = dropdowns(path)[f"F{rows_by_question(load_workbook(path)['Form'])[question.id]}"]
    assert entries == [o.id for o in question.options] + [NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT]
    longest = max(question.options, key=lambda o: len(o.label))
    assert len(longest.label) > 90
    for value in (longest.id, longest.label, longest.label.upper()):
        assert answered(path, bank, question.id, value) == ("answered", longest.id)


def test_a_leading_number_is_a_level_only_in_a_scale_question(mini_bank, tmp_path):
    """ "3 - 5" in a number question was read as 3, and "3 - ..." in a text question lost its
    words: only a scale's dropdown text ever began with a level number."""
    path = create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    fill(path, {"risk.barrier": "3 - staff leaving, money, and new duties"})
    assert [a.value for a in read_form(path).answers] == \
        ["3 - staff leaving, money, and new duties"]
    fill(path, {"risk.barrier": None, "risk.vacancies": "3 - 5"})
    row = rows_by_question(load_workbook(path)["Form"])["risk.vacancies"]
    with pytest.raises(StocktakeError) as caught:
        read_form(path)
    assert f"Form!F{row}: risk.vacancies: expected a number; got '3 - 5'" in \
        "\n".join(caught.value.details)


@pytest.mark.parametrize("qid, value, reason", [
    ("vision.known", "5 - Everyone, children too.", "expected a level from 1 to 4"),
    ("vision.known", "Level three", "expected a level from 1 to 4"),
    # Named as the dropdown names them, not by the answers file's ids (issue 26, kind 5).
    ("risk.register", "For some", "expected one of \u201cNo\u201d; \u201cFor some changes\u201d; "
                                  "\u201cFor every change, reviewed quarterly\u201d"),
    ("risk.register", "Option 2", "expected one of \u201cNo\u201d; \u201cFor some changes\u201d"),
])
def test_anything_else_is_refused_by_cell(mini_bank, tmp_path, qid, value, reason):
    path = create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    fill(path, {qid: value})
    row = rows_by_question(load_workbook(path)["Form"])[qid]
    with pytest.raises(StocktakeError) as caught:
        read_form(path)
    assert f"Form!F{row}: {qid}: {reason}" in "\n".join(caught.value.details)


def test_options_that_read_as_each_other_are_numbered(tmp_path):
    """A label too long for the dropdown, and an id that reads as another option's label: the
    dropdown offers "Option 1", "Option 2", and each entry, id and old label means one option."""
    text = (DATA / "mini.toml").read_text(encoding="utf-8")
    start = text.index('  { id = "none", label = "No", score = 0 },')
    end = text.index("]", start)
    text = text[:start] + (
        '  { id = "partly", label = "No", score = 0 },\n'
        '  { id = "no", label = "Partly: a register for some of the changes, reviewed when '
        'a change starts", score = 1 },\n') + text[end:]
    (tmp_path / "odd.toml").write_text(text, encoding="utf-8")
    bank = load_bank(tmp_path / "odd.toml")
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    ws = load_workbook(path)["Form"]
    row = rows_by_question(ws)["risk.register"]
    assert dropdowns(path)[f"F{row}"] == ["Option 1", "Option 2", NOT_APPLICABLE_TEXT,
                                          DONT_KNOW_TEXT]
    assert "Option 2: Partly: a register" in ws.cell(row, ALLOWED_COLUMN).value
    for value, option in (("Option 1", "partly"), ("Option 2", "no"), ("No", "partly"),
                          ("no", "no"), ("partly", "partly")):
        assert answered(path, bank, "risk.register", value) == ("answered", option), value
