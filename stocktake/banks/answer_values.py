"""Answer values as people and files write them, and back.

The same rules serve `--answers` files, offline forms and merged workbooks, so a value means the
same wherever it came from.

    parse_answer(bank.question("vision.known"), "3")   -> ("answered", 3)
    parse_answer(q_multi, "schools;health")           -> ("answered", ["schools", "health"])
    parse_answer(q, "dk")                             -> ("dk", None)
    format_value(q_multi, ["schools", "health"])      -> "schools;health"
"""

from __future__ import annotations

import math
import re
from typing import Any

from stocktake.banks.model import Question
from stocktake.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE

NA_WORDS = {"na", "n/a", "not applicable"}
DK_WORDS = {"dk", "don't know", "dont know", "do not know"}
YES_WORDS = {"yes": "yes", "y": "yes", "true": "yes", "no": "no", "n": "no", "false": "no"}


class BadValue(ValueError):
    """A value a question cannot take; the message says what it can take."""


def parse_answer(question: Question, raw: Any) -> tuple[str, Any]:
    """(status, value) for a raw cell or text; raises BadValue with a reason a user can act on.

    Spreadsheets hand back numbers as floats (3.0) and text with stray spaces, so both are
    accepted where the meaning is clear.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise BadValue("empty value")
    text = str(raw).strip() if not isinstance(raw, (int, float)) or isinstance(raw, bool) else None
    if text is not None:
        lowered = text.lower().replace("\u2019", "'")
        if lowered in NA_WORDS:
            return NOT_APPLICABLE, None
        if lowered in DK_WORDS:
            return DONT_KNOW, None
    qtype = question.type
    if qtype == "scale":
        level = _whole_number(raw if text is None else text.split(" ", 1)[0].rstrip(".:"))
        if level is None or not 1 <= level <= len(question.levels):
            raise BadValue(f"expected a level from 1 to {len(question.levels)}, na or dk; got {raw!r}")
        return ANSWERED, level
    if qtype == "choice":
        option = _option_id(question, text if text is not None else _number_text(raw))
        if option is None:
            raise BadValue(f"expected one of {_option_list(question)}, na or dk; got {raw!r}")
        return ANSWERED, option
    if qtype == "multi":
        parts = [p.strip() for p in (text or _number_text(raw)).split(";") if p.strip()]
        chosen, bad = [], []
        for part in parts:
            option = _option_id(question, part)
            (chosen if option else bad).append(option or part)
        if bad or not chosen:
            raise BadValue(f"expected option ids from {_option_list(question)} joined by ';'; "
                           f"got {raw!r}")
        chosen = list(dict.fromkeys(chosen))
        conflict = exclusive_conflict(question, chosen)
        if conflict:
            raise BadValue(f"{conflict}; got {raw!r}")
        return ANSWERED, chosen
    if qtype == "yesno":
        word = YES_WORDS.get((text or "").lower())
        if word is None:
            raise BadValue(f"expected yes or no (or na, dk); got {raw!r}")
        return ANSWERED, word
    if qtype == "number":
        number = finite_number(raw) if text is None else number_from_text(question, text)
        if number is None:
            raise BadValue(f"expected a number; got {raw!r}")
        if question.min is not None and number < question.min:
            raise BadValue(f"expected a number of at least {_fmt(question.min)}; got {raw!r}")
        if question.max is not None and number > question.max:
            raise BadValue(f"expected a number of at most {_fmt(question.max)}; got {raw!r}")
        return ANSWERED, int(number) if float(number).is_integer() else number
    # A number typed in a text question reads as typed: 2026, not 2026.0.
    return ANSWERED, _number_text(raw) if text is None else text


def exclusive_conflict(question: Question, chosen: list[str]) -> str | None:
    """Why these ticked options cannot go together (an exclusive option, such as "None of
    these", with any other), or None. The one rule for every route: prompt, answers file, form,
    merge and doctor."""
    if len(chosen) < 2:
        return None
    for option_id in chosen:
        option = question.option(option_id)
        if option is not None and option.exclusive:
            return (f"'{option.id}' ({option.label}) is ticked on its own, not with other "
                    "options")
    return None


def format_value(question: Question, value: Any) -> str:
    """The inverse of parse_answer for answered values: what a file or cell should hold."""
    if value is None:
        return ""
    if question.type == "multi" and isinstance(value, (list, tuple)):
        return ";".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_value(question: Question, status: str, value: Any) -> str:
    """A human reading of an answer: the level's descriptor or the option's label."""
    if status == NOT_APPLICABLE:
        return "Not applicable"
    if status == DONT_KNOW:
        return "Don't know"
    if question.type == "scale" and isinstance(value, int) and 1 <= value <= len(question.levels):
        return f"{value}. {question.levels[value - 1]}"
    if question.type == "choice":
        opt = question.option(value)
        return opt.label if opt else str(value)
    if question.type == "multi" and isinstance(value, list):
        return "; ".join(question.option(v).label if question.option(v) else v for v in value)
    if question.type == "number" and question.unit:
        return f"{format_value(question, value)} {question.unit}".strip()
    return format_value(question, value)


def _option_id(question: Question, text: str) -> str | None:
    # An exact id first: an option's id means that option even where another's label reads
    # the same (forms and answers files give ids).
    for opt in question.options:
        if text == opt.id:
            return opt.id
    for opt in question.options:
        if text == opt.id or text.lower() == opt.id.lower() or text.lower() == opt.label.lower():
            return opt.id
    return None


def _option_list(question: Question) -> str:
    return ", ".join(o.id for o in question.options)


PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
DECIMAL_COMMA = re.compile(r"[+-]?\d{1,3}(\.\d{3})*,\d+|[+-]?\d+,\d+")
FRACTION = re.compile(r"[+-]?(\d+\s+)?\d+\s*/\s*\d+")
CURRENCY_SYMBOLS = "£$€¥"
PERCENT = "%"


def number_from_text(question: Question, text: str) -> float | None:
    """A number typed as text, read the same from files, forms and the terminal.

    Accepted: `12`, `12.5`, `-3`, `1e3` (as a spreadsheet reads it), `1,000` (commas that group
    thousands), and the question's own unit before or after the number (`15%` for a question in
    %, `£1,200` for one in £). Refused, with the reason (BadValue): a decimal comma (`12,5`), a
    fraction (`1/2`), a percentage or an amount of money where the question's unit is another,
    and anything else that is not plainly a number. None for text that is not a number at all.
    """
    body = text.strip()
    unit = (question.unit or "").strip()
    if body == unit:
        return None
    if unit and body.endswith(unit) and len(body) > len(unit):
        body = body[:-len(unit)].strip()
    elif unit and body.startswith(unit) and len(body) > len(unit):
        body = body[len(unit):].strip()
    elif body.endswith(PERCENT):
        raise BadValue(f"{text!r} is a percentage, but the question asks for "
                       f"{_unit_words(unit)}; give the number alone")
    elif body[:1] in CURRENCY_SYMBOLS or body[-1:] in CURRENCY_SYMBOLS:
        raise BadValue(f"{text!r} is an amount of money, but the question asks for "
                       f"{_unit_words(unit)}; give the number alone")
    if PLAIN_NUMBER.fullmatch(body):
        return finite_number(body)
    if GROUPED_NUMBER.fullmatch(body):
        return finite_number(body.replace(",", ""))
    if DECIMAL_COMMA.fullmatch(body):
        point = body.replace(".", "").replace(",", ".")
        raise BadValue(f"{text!r} has a decimal comma; write the number with a decimal point "
                       f"({point})")
    if FRACTION.fullmatch(body):
        raise BadValue(f"{text!r} is a fraction; write it as a decimal number (1/2 as 0.5)")
    return None


def _unit_words(unit: str) -> str:
    return f"a number in {unit}" if unit else "a plain number"


def finite_number(raw: Any) -> float | None:
    """A finite float from a number or numeric text; None for anything else (booleans too)."""
    if isinstance(raw, bool):
        return None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _whole_number(raw: Any) -> int | None:
    number = finite_number(raw)
    if number is None or not float(number).is_integer():
        return None
    return int(number)


def _number_text(raw: Any) -> str:
    return _fmt(raw) if isinstance(raw, (int, float)) else str(raw)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
