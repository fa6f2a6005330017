"""A bank's codebook: what every variable of an analysts' data file means, and how each value is
coded. Pure: it reads a Bank and nothing else.

The data files (stocktake.analysis) and the codebook take their variable names and codes from
here, so a name or a code cannot mean one thing in the .sav and another in the codebook.

    book = codebook(bank)
    book.variables[0].name        # "vision_has_statement" (a Stata- and SPSS-safe name)
    book.values_of("vision_has_statement")   # (1, "Yes", ...), (0, "No", ...), (-97, ...)
    variable_name("consultation.groups", "under-fives-parents")   # one 0/1 column of a multi
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, TypedDict

from stocktake.banks.model import Bank, Condition, Question

# The codes N/A and don't know take in a numeric column, the same in every format: SPSS
# declares them user-missing; Stata, Parquet and CSV hold the numbers, labelled (Stata's value
# labels, each Parquet column's metadata, this codebook). Negative, so they lie outside every level, option code, 0/1 and every shipped bank's
# number bounds (all from 0); a bank whose number question allows them is refused by
# `missing_code_clash` before a data file is written.
NA_CODE, DK_CODE = -97, -98
NA_TEXT, DK_TEXT = "na", "dk"  # the same in a text column (SPSS: user-missing strings)
NA_LABEL, DK_LABEL = "Not applicable", "Don't know"

# Stata allows 32 characters, letters, digits and underscores, starting with a letter or _;
# SPSS 64 bytes. One name serves both, so names are cut below Stata's: to 28, since ReadStat
# names a variable's value labels after it followed by a count (vision_has_statement0, ...
# statement117), and a label name may have 32 characters: 28 leaves four digits for the count.
NAME_LIMIT = 28
# Words neither program takes as a variable name (Stata's reserved names, SPSS's keywords).
RESERVED = frozenset({
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
    "_pi", "_pred", "_rc", "_skip", "strl", "using", "with", "all", "and", "by", "eq", "ge",
    "gt", "le", "lt", "ne", "not", "or", "to",
})
# The columns every wide file starts with (stocktake.analysis.data_files writes them).
RESPONDENT_COLUMNS = ("partnership", "partnership_name", "region", "bank", "wave", "role",
                      "respondent", "age_band", "simulated")

SCORING_SENTENCE = (
    "Each answered, scored question gives a score from 0 to 1 (a scale (level - 1) / (levels - "
    "1), a choice its option's score over the highest, a multi its chosen options' scores over "
    "all positive ones, capped at 1, yes 1 and no 0, a scored number (value - min) / (max - "
    "min)); a respondent's area score is 100 x the weighted mean of those over the questions "
    "asked of them, not applicable and questions not asked left out, don't know counting only "
    "against coverage (below the bank's min_coverage the score is withheld); the partnership's "
    "area score is the mean of {method}, roles reported apart left out. See the README, "
    "\"How scores are worked out\".")


@dataclass(frozen=True)
class Variable:
    """One column of the wide data file: a question, or one option of a multi (0/1)."""

    name: str  # the column's name in every data file
    question: str  # the bank's question id
    option: str  # the option id, for a multi's 0/1 column; else ""
    area: str
    type: str  # the question's type; "multi option" for a multi's 0/1 column
    text: str  # the question's full text (an option column: text: option label)
    roles: str  # the roles asked, space-separated; "every role" when all are
    unit: str
    min: float | None
    max: float | None
    scored: bool
    weight: float
    condition: str  # the skip condition in words; "" when always asked
    scoring: str  # how an answer becomes a 0-100 question score, in words
    measure: str  # SPSS's measure: nominal, ordinal or scale
    numeric: bool  # a number column (else text)


class _QuestionFields(TypedDict):
    """The fields of a Variable that every column of one question shares."""

    question: str
    area: str
    roles: str
    unit: str
    min: float | None
    max: float | None
    scored: bool
    weight: float
    condition: str


@dataclass(frozen=True)
class Value:
    """One coded value of a variable: a level, an option, yes/no, 0/1, N/A or don't know."""

    variable: str
    code: Any  # as the data file holds it: int, or "na"/"dk" in a text column
    label: str
    option: str  # the option id or level number as the bank names it
    score: float | None  # the question score on 0-100 this value gives; None: not scored
    missing: bool  # declared missing (N/A, don't know)


@dataclass(frozen=True)
class Codebook:
    bank: str
    title: str
    edition: str
    hash: str
    min_coverage: float
    scoring: str  # the scoring method in a sentence
    variables: tuple[Variable, ...]
    values: tuple[Value, ...]

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def values_of(self, name: str) -> tuple[Value, ...]:
        return tuple(v for v in self.values if v.variable == name)

    def question_columns(self, question_id: str) -> tuple[Variable, ...]:
        """The wide file's columns of one question: one, or one per option of a multi."""
        return tuple(v for v in self.variables if v.question == question_id)


def variable_name(question_id: str, option_id: str = "", taken: frozenset[str] | set[str] = frozenset()
                  ) -> str:
    """A name SPSS and Stata both take, made from the question id (and a multi's option id):
    lower case, `.` and `-` become `_`, at most 28 characters. A longer one keeps its first 23
    characters and ends with `_` and 4 hex digits of the ids' SHA-1, so it stays the same from
    run to run; a reserved word or a name in `taken` gets `_` and a number."""
    raw = question_id + (f"__{option_id}" if option_id else "")
    name = re.sub(r"[^a-z0-9_]", "_", raw.lower())
    if not re.match(r"[a-z]", name):
        name = "q_" + name
    if len(name) > NAME_LIMIT:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:4]
        name = f"{name[:NAME_LIMIT - 5]}_{digest}"
    base, n = name, 1
    while name in RESERVED or name in taken:
        n += 1
        suffix = f"_{n}"
        name = base[:NAME_LIMIT - len(suffix)] + suffix
    return name


def codebook(bank: Bank) -> Codebook:
    """The bank's codebook: its variables in bank order (a multi's option columns follow each
    other), and every coded value of each."""
    taken: set[str] = set(RESPONDENT_COLUMNS)
    variables: list[Variable] = []
    values: list[Value] = []
    every_role = set(bank.role_ids)
    for q in bank.questions:
        roles = "every role" if not q.roles or set(q.roles) == every_role else " ".join(q.roles)
        condition = condition_words(bank, q.when) if q.when is not None else ""
        common = _QuestionFields(question=q.id, area=q.area, roles=roles, unit=q.unit,
                                 min=q.min, max=q.max, scored=q.scored, weight=q.weight,
                                 condition=condition)
        if q.type == "multi":
            positive = sum(o.score for o in q.options if o.score > 0)
            for o in q.options:
                name = variable_name(q.id, o.id, taken)
                taken.add(name)
                variables.append(Variable(
                    name=name, option=o.id, type="multi option", text=f"{q.text}: {o.label}",
                    scoring=_scoring_words(q), measure="nominal", numeric=True, **common))
                share = (100.0 * o.score / positive) if q.scored and positive > 0 else None
                values.append(Value(name, 1, f"Chosen: {o.label}", o.id, share, False))
                values.append(Value(name, 0, f"Not chosen: {o.label}", "", None, False))
                values.extend(_missing_values(name, numeric=True))
            continue
        name = variable_name(q.id, "", taken)
        taken.add(name)
        numeric = q.type != "text"
        measure = {"scale": "ordinal", "number": "scale"}.get(q.type, "nominal")
        variables.append(Variable(name=name, option="", type=q.type, text=q.text,
                                  scoring=_scoring_words(q), measure=measure, numeric=numeric,
                                  **common))
        values.extend(_coded_values(name, q))
        values.extend(_missing_values(name, numeric=numeric))
    method = ("the partner roles' scores (each partner sector counts once)"
              if bank.partnership_score == "roles" else "the partner respondents' scores")
    return Codebook(bank=bank.id, title=bank.title, edition=bank.version, hash=bank.hash,
                    min_coverage=bank.min_coverage,
                    scoring=SCORING_SENTENCE.format(method=method),
                    variables=tuple(variables), values=tuple(values))


def option_code(question: Question, option_id: str) -> int | None:
    """A choice's option as the data file codes it: its place in the bank, from 1."""
    for i, o in enumerate(question.options, start=1):
        if o.id == option_id:
            return i
    return None


def missing_code_clash(bank: Bank) -> str | None:
    """The number question whose allowed range takes in a missing-value code, if any (its
    answers could not be told from N/A or don't know)."""
    for q in bank.questions:
        if q.type != "number":
            continue
        low = q.min if q.min is not None else float("-inf")
        high = q.max if q.max is not None else float("inf")
        if low <= NA_CODE <= high or low <= DK_CODE <= high:
            return q.id
    return None


def _coded_values(name: str, q: Question) -> list[Value]:
    if q.type == "scale":
        top = len(q.levels) - 1
        return [Value(name, i, words, str(i),
                      (100.0 * (i - 1) / top) if q.scored and top > 0 else None, False)
                for i, words in enumerate(q.levels, start=1)]
    if q.type == "choice":
        best = max((o.score for o in q.options), default=0.0)
        return [Value(name, i, o.label, o.id,
                      (100.0 * max(0.0, min(1.0, o.score / best))) if q.scored and best > 0
                      else None, False)
                for i, o in enumerate(q.options, start=1)]
    if q.type == "yesno":
        return [Value(name, 1, "Yes", "yes", 100.0 if q.scored else None, False),
                Value(name, 0, "No", "no", 0.0 if q.scored else None, False)]
    return []


def _missing_values(name: str, *, numeric: bool) -> list[Value]:
    if numeric:
        return [Value(name, NA_CODE, NA_LABEL, "na", None, True),
                Value(name, DK_CODE, DK_LABEL, "dk", None, True)]
    return [Value(name, NA_TEXT, NA_LABEL, "na", None, True),
            Value(name, DK_TEXT, DK_LABEL, "dk", None, True)]


def _scoring_words(q: Question) -> str:
    if not q.scored:
        return "not scored"
    if q.type == "scale":
        return f"(level - 1) / {max(1, len(q.levels) - 1)} x 100"
    if q.type == "choice":
        return "the option's score / the highest option score x 100"
    if q.type == "multi":
        return "the chosen options' scores / the sum of all positive option scores x 100, " \
               "at most 100"
    if q.type == "yesno":
        return "yes 100, no 0"
    if q.type == "number":
        if q.min is None or q.max is None or q.max <= q.min:
            return "not scored (no range)"
        return f"(value - {_num(q.min)}) / ({_num(q.max)} - {_num(q.min)}) x 100, within 0-100"
    return "not scored"


def condition_words(bank: Bank, condition: Condition) -> str:
    """A skip condition in words: "asked only if vision.has-statement is Yes"."""
    source = bank.question(condition.question) if bank.has_question(condition.question) else None

    def say(value: Any) -> str:
        if source is not None and source.type in ("choice", "multi"):
            option = source.option(str(value))
            if option is not None:
                return f"\u201c{option.label}\u201d ({option.id})"
        if source is not None and source.type == "yesno":
            return str(value).capitalize()
        if source is not None and source.type == "scale":
            return f"level {_num(value)}"
        return _num(value) if isinstance(value, (int, float)) else str(value)

    asked = f"asked only if {condition.question}"
    if condition.is_ is not None:
        verb = "includes" if source is not None and source.type == "multi" else "is"
        return f"{asked} {verb} {say(condition.is_)}"
    if condition.in_ is not None:
        return f"{asked} is one of {', '.join(say(v) for v in condition.in_)}"
    if condition.at_least is not None:
        return f"{asked} is {say(condition.at_least)} or more"
    return asked


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
