"""What a form's question offers: its dropdown's entries (whole, within the Answer column), its
allowed answers in words, and the notes on when to answer it (skip conditions, age groups, the
safeguarding notice). The writer puts these on the sheet; the reader accepts each of them back.

    dropdown_values(question)    # ["1", "2", "3", "4", "Not applicable", "Don't know"]
"""

from __future__ import annotations

from stocktake.workbooks.forms.sheet import ANSWER_CHARS, DONT_KNOW_TEXT, NOT_APPLICABLE_TEXT

from typing import Any

from stocktake.banks.model import Bank, Condition, Question



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


def named_by_label(question: Question) -> bool:
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
    """What column E says a respondent may answer: every level and option in full, as the
    dropdown beside it names them ("3 - ...", a label, "id: label"), run in as one paragraph
    with a bullet between them (RUN_IN). A line each left most of a printed row blank beside
    each level's last words, and the row as tall as the levels' lines (issue 26: 2.8
    questions a page). Not applicable and Don't know, which every question takes, are said
    once in the form's instructions and offered in each dropdown; here they are named only
    where they share a line (yes/no, a number)."""
    tail = f"or {NOT_APPLICABLE_TEXT} / {DONT_KNOW_TEXT}"
    if question.type == "scale":
        # The number held to its dash (a no-break space), so no line ends "\u2022 3".
        return run_in(f"{n}\u00a0- {text}" for n, text in enumerate(question.levels, start=1))
    if question.type == "choice":
        if named_by_label(question):
            return run_in(o.label for o in question.options)
        names = answer_names(question) or []
        return run_in(f"{name}: {o.label}" for name, o in zip(names, question.options))
    if question.type == "multi":
        # Labels are read as well as ids (answer_values.read_options); the ids are offered
        # because they are short to type.
        return (MULTI_LEAD + run_in(f"{o.id}: {o.label}" for o in question.options))
    if question.type == "yesno":
        return f"Yes or No, {tail}"
    if question.type == "number":
        unit = f" ({question.unit})" if question.unit else ""
        if question.min is not None and question.max is not None:
            span = f"A number from {number_text(question.min)} to {number_text(question.max)}{unit}"
        elif question.min is not None:
            span = f"A number of at least {number_text(question.min)}{unit}"
        elif question.max is not None:
            span = f"A number of at most {number_text(question.max)}{unit}"
        else:
            span = f"A number{unit}"
        return f"{span}, {tail}"
    return "Your own words"


# Between the levels or options of Allowed answers, run in as one paragraph: a bullet, since
# their texts hold full stops, commas, semicolons and colons of their own; held to the entry
# after it by a no-break space, so no line ends with a bullet.
RUN_IN = " \u2022\u00a0"
MULTI_LEAD = "One or more, by id or label, with ; or , between them: "


def run_in(items: Any) -> str:
    """Levels or options as one paragraph, RUN_IN between each, their own line breaks made
    spaces (a line of its own is what the run-in saves)."""
    return RUN_IN.join(str(item).replace("\n", " ") for item in items)


def condition_note(bank: Bank, condition: Condition,
                   numbers: dict[str, int] | None = None) -> str:
    """"Answer only if ..." in words, from a skip condition. Where `numbers` (question id: its
    number on the form) holds the question it depends on, that is named by its number, as a
    form printed on paper does ("your answer to question 1"), else by its words."""
    source = bank.question(condition.question) if bank.has_question(condition.question) else None
    if numbers and condition.question in numbers:
        asked = f"question {numbers[condition.question]}"
    else:
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
            return f"level {number_text(value)}"
        return number_text(value) if isinstance(value, (int, float)) else str(value)

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


def number_text(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(number)
