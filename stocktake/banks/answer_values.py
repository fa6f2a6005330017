"""Answer values as people and files write them, and back.

The same rules serve `--answers` files, offline forms and merged workbooks, so a value means the
same wherever it came from.

    parse_answer(bank.question("vision.known"), "3")   -> ("answered", 3)
    parse_answer(q_multi, "schools;health")           -> ("answered", ["schools", "health"])
    parse_answer(q_multi, "Schools, Health services") -> ("answered", ["schools", "health"])
    parse_answer(q, "dk")                             -> ("dk", None)
    format_value(q_multi, ["schools", "health"])      -> "schools;health"
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stocktake.banks.model import Question
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE

NA_WORDS = {"na", "n/a", "not applicable"}
DK_WORDS = {"dk", "don't know", "dont know", "do not know"}
YES_WORDS = {"yes": "yes", "y": "yes", "true": "yes", "no": "no", "n": "no", "false": "no"}


class BadValue(ValueError):
    """A value a question cannot take; the message says what it can take."""


@dataclass(frozen=True)
class AnswerWords:
    """How messages name not applicable and don't know: an answers file's `na` and `dk`, or a
    form's "Not applicable" and "Don't know" (what its dropdown offers), so a message uses the
    words of the place the value came from."""

    na: str
    dk: str
    # The options of a choice or multi as the source shows them, in the bank's order (a
    # form's dropdown entries or labels); None: their ids, as an answers file takes them.
    names: Callable[[Question], list[str]] | None = None
    yes_no: str = "yes or no"
    # Where a form's words for the options are given in full (the option ids of a multi).
    listed: str = ""

    @property
    def both(self) -> str:
        return f"{self.na} or {self.dk}"

    @property
    def by_name(self) -> bool:
        return self.names is not None


def option_labels(question: Question) -> list[str]:
    """An option's label for each option, in the bank's order."""
    return [o.label.strip() for o in question.options]


FILE_WORDS = AnswerWords("na", "dk")
FORM_WORDS = AnswerWords("Not applicable", "Don't know", names=option_labels,
                         yes_no="Yes or No", listed=" (as Allowed answers gives them)")
# Between several options: `;` (what stocktake writes) or `,` (what people type). A label may
# hold either, so whole labels are matched before the text is cut there.
OPTION_SEPARATORS = re.compile(r"\s*[;,]\s*")
READINGS_KEPT = 4


def parse_answer(question: Question, raw: Any, words: AnswerWords = FILE_WORDS
                 ) -> tuple[str, Any]:
    """(status, value) for a raw cell or text; raises BadValue with a reason a user can act on.

    Spreadsheets hand back numbers as floats (3.0) and text with stray spaces, so both are
    accepted where the meaning is clear. A choice or multi is read by :func:`read_options`
    (labels or ids, several separated by `;` or `,`). `words` names not applicable and don't
    know in messages, as the source of the value does (FILE_WORDS, FORM_WORDS).
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
        # A level's own words, typed whole, are its label, as an option's label is.
        named = [n for n, words_of in enumerate(question.levels, start=1)
                 if text is not None and _fold(text) == _fold(words_of)]
        level = named[0] if len(named) == 1 else \
            _whole_number(raw if text is None else text.split(" ", 1)[0].rstrip(".:"))
        if level is None or not 1 <= level <= len(question.levels):
            raise BadValue(f"expected a level from 1 to {len(question.levels)}, {words.both}; "
                           f"got {raw!r}")
        return ANSWERED, level
    if qtype == "choice":
        typed = text if text is not None else _number_text(raw)
        # A form names the options as its dropdown does; an answers file takes labels or ids.
        either = "" if words.by_name else " (the label or the id)"
        try:
            chosen = read_options(question, typed, words)
        except BadValue as exc:
            raise BadValue(f"{exc}; expected one of {_option_list(question, words)}{either}, "
                           f"{words.both}; got {raw!r}") from None
        if chosen is None:
            raise BadValue(f"expected one of {_option_list(question, words)}, {words.both}; "
                           f"got {raw!r}")
        if len(chosen) > 1:
            raise BadValue(f"one option only: {_named(question, chosen, words)} are several; "
                           f"got {raw!r}")
        return ANSWERED, chosen[0]
    if qtype == "multi":
        given_as = "labels, or the ids given beside them" if words.by_name else "labels or ids"
        expected = (f"expected options from {_option_list(question, words)} ({given_as}, "
                    f"separated by ; or ,), {words.both}")
        try:
            chosen = read_options(question, text or _number_text(raw), words)
        except BadValue as exc:
            raise BadValue(f"{exc}; {expected}; got {raw!r}") from None
        if not chosen:
            raise BadValue(f"{expected}; got {raw!r}")
        conflict = exclusive_conflict(question, chosen, words)
        if conflict:
            raise BadValue(f"{conflict}; got {raw!r}")
        return ANSWERED, chosen
    if qtype == "yesno":
        word = YES_WORDS.get((text or "").lower())
        if word is None:
            raise BadValue(f"expected {words.yes_no} (or {words.na}, {words.dk}); got {raw!r}")
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


def exclusive_conflict(question: Question, chosen: list[str],
                       words: AnswerWords = FILE_WORDS) -> str | None:
    """Why these ticked options cannot go together (an exclusive option, such as "None of
    these", with any other), or None. The one rule for every route: prompt, answers file, form,
    merge and doctor; `words` names the option as its source does."""
    if len(chosen) < 2:
        return None
    for option_id in chosen:
        option = question.option(option_id)
        if option is not None and option.exclusive:
            named = _named(question, [option.id], words) if words.by_name else \
                f"'{option.id}' ({option.label})"
            return f"{named} is ticked on its own, not with other options"
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
        return "; ".join(opt.label if (opt := question.option(v)) else v for v in value)
    if question.type == "number" and question.unit:
        return f"{format_value(question, value)} {question.unit}".strip()
    return format_value(question, value)


def read_options(question: Question, text: str, words: AnswerWords = FILE_WORDS
                 ) -> list[str] | None:
    """The option ids a choice or multi answer names, in the order given, each once.

    The one reading for every route (answers files, forms, ODK/Kobo submissions, merged
    workbooks, the typed interview). Each option may be given by its id or its label (case,
    spacing and curly apostrophes aside), several separated by `;` or `,`. A label that itself
    holds a comma or semicolon ("Staff, volunteers and carers") is matched whole before the
    text is cut at it. None where the text names nothing that matches, with an empty result
    for text holding only separators.

    Raises BadValue, naming the candidates, where the text reads more than one way: a name that
    is two options' label (or one's label and another's id in another case), or separators that
    could split the text into different options. Raises BadValue naming the parts that match
    no option, where some do and some do not. `words` names the options in those messages as
    the text's source does (FILE_WORDS: by id; FORM_WORDS: as the form shows them).
    """
    body = text.strip()
    whole = _options_named(question, body)
    if len(whole) == 1:
        return whole
    if len(whole) > 1:
        raise BadValue(_ambiguous_name(question, body, whole, words))
    # Cut at every separator, then join neighbouring pieces back where together they are a
    # whole label: every way of reading the text is found, so two are told apart, not guessed.
    pieces: list[str] = []
    cuts: list[str] = []
    at = 0
    for found in OPTION_SEPARATORS.finditer(body):
        pieces.append(body[at:found.start()])
        cuts.append(found.group())
        at = found.end()
    pieces.append(body[at:])
    if not any(p.strip() for p in pieces):
        return []
    count = len(pieces)
    # A name spans at most as many pieces as the option name with most separators has, so a
    # long run of commas (a hostile cell) costs a pass per piece, not one per pair of pieces.
    widest = 1 + max((len(OPTION_SEPARATORS.findall(name)) for o in question.options
                      for name in (o.id, o.label)), default=0)
    # readings[i]: the ways of reading pieces[i:], each (option id or None, where the rest
    # starts, which of that position's readings it goes on with): linked, not copied, so a long
    # answer costs a pass, and a few kept per position, as two are enough to tell it is
    # ambiguous.
    readings: list[list[tuple[str | None, int, int]]] = [[] for _ in range(count + 1)]
    readings[count] = [(None, count, 0)]
    names: dict[tuple[int, int], list[str]] = {}
    for i in range(count - 1, -1, -1):
        if not pieces[i].strip():
            # "a;;b", a trailing ";": nothing read here, the rest as it reads.
            readings[i] = [(None, i + 1, k) for k in range(len(readings[i + 1]))]
            continue
        for j in range(i + 1, min(count, i + widest) + 1):
            span = "".join(pieces[k] + (cuts[k] if k < j - 1 else "") for k in range(i, j))
            named = _options_named(question, span)
            if not named:
                continue
            names[(i, j)] = named
            readings[i] += [(option, j, k) for option in named
                            for k in range(len(readings[j]))][:READINGS_KEPT]
            if len(readings[i]) >= READINGS_KEPT:
                break

    def spelled(k: int) -> tuple[str, ...]:
        ids, at = [], 0
        while at < count:
            option, at, k = readings[at][k]
            if option is not None:
                ids.append(option)
        return tuple(dict.fromkeys(ids))

    distinct = {spelled(k) for k in range(len(readings[0]))}
    if len(distinct) == 1:
        return list(distinct.pop())
    if len(distinct) > 1:
        for (i, j), named in names.items():
            if len(named) > 1:
                span = "".join(pieces[k] + (cuts[k] if k < j - 1 else "") for k in range(i, j))
                raise BadValue(_ambiguous_name(question, span.strip(), named, words))
        ways = " or ".join(_named(question, list(r), words) for r in sorted(distinct, key=len))
        raise BadValue(f"{body!r} can be read as {ways}; write the option ids{words.listed} "
                       "separated by ;")
    unknown = [p.strip() for i, p in enumerate(pieces) if p.strip() and
               not any(a <= i < b for (a, b) in names)]
    if len(unknown) == len([p for p in pieces if p.strip()]) and len(unknown) == 1:
        return None
    shown = ", ".join(repr(u) for u in unknown) or repr(body)
    raise BadValue(f"{shown} {'is' if len(unknown) == 1 else 'are'} not among the options")


def _options_named(question: Question, text: str) -> list[str]:
    """The ids of the options `text` names, by the closest reading that names any: an exact id
    (an option's id means that option even where another's label reads the same), then a label
    as written, then any id or label in another case. More than one id: the text is ambiguous."""
    for opt in question.options:
        if text == opt.id:
            return [opt.id]
    spaced = " ".join(text.replace("\u2019", "'").split())
    if not spaced:
        return []
    exact = [opt.id for opt in question.options
             if spaced == " ".join(opt.label.replace("\u2019", "'").split())]
    if exact:
        return exact
    folded = spaced.lower()
    return [opt.id for opt in question.options
            if folded == opt.id.lower() or folded == _fold(opt.label)]


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").lower().split())


def _named(question: Question, ids: list[str], words: AnswerWords = FILE_WORDS) -> str:
    """The options `ids` as the source names them: "id (label)" for a file, the form's own
    name for each (its dropdown entry or label) for a form."""
    if words.names is not None:
        names = dict(zip((o.id for o in question.options), words.names(question)))
        return " + ".join(f"\u201c{names.get(i, i)}\u201d" for i in ids)
    return " + ".join(_id_and_label(question, i) for i in ids)


def _id_and_label(question: Question, option_id: str) -> str:
    """"id (label)" for one of the question's options; the id alone for one it has not."""
    opt = question.option(option_id)
    return f"{option_id} ({opt.label})" if opt else option_id


def _ambiguous_name(question: Question, text: str, ids: list[str],
                    words: AnswerWords = FILE_WORDS) -> str:
    # Candidates are told apart by id, the one name that is never ambiguous; a form shows
    # each option's id beside its label in Allowed answers.
    return (f"{text!r} could be any of: " + "; ".join(
        _id_and_label(question, i) for i in ids)
        + f"; write the option's id{words.listed} instead")


def _option_list(question: Question, words: AnswerWords = FILE_WORDS) -> str:
    if words.names is not None:
        return "; ".join(f"\u201c{name}\u201d" for name in words.names(question))
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
