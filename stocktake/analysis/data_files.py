"""A round's data as analysts' tables: wide (one row per respondent), long (one row per
answer), the scores per partnership and area, and each respondent's area scores.

The tables are plain columns (stocktake.analysis.table); stocktake.analysis.formats writes them
as SPSS, Stata, Parquet or CSV. Names and codes come from the bank's codebook
(stocktake.banks.codebook), so every file agrees with it.

    exports = [gather_export(ws, bank, code, wave, national=national) for code in codes]
    data = data_set(bank, wave, exports)        # DataSet: .tables, .simulated
    paths = write_data_set(data, "spss", Path("data"))   # idea-stocktake-2026-27-wide.sav, ...

Respondents are as the exports hold them: a reference by role ("council 2", "YP-0004") unless
the exports were gathered `with_names` (stocktake.workbooks.exports.role_references).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from stocktake.analysis.table import Column, Table
from stocktake.banks.codebook import (DK_CODE, DK_TEXT, NA_CODE, NA_TEXT, RESPONDENT_COLUMNS,
                                      Codebook, codebook, missing_code_clash, option_code)
from stocktake.banks.model import Bank, Question
from stocktake.errors import StocktakeError
from stocktake.records.provenance import SIMULATED, is_simulated, marked
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer

if TYPE_CHECKING:
    from stocktake.workbooks.partnership_export import PartnershipExport


@dataclass(frozen=True)
class DataSet:
    """The tables of one bank and wave."""

    bank: Bank
    wave: str
    codebook: Codebook
    tables: tuple[Table, ...]
    simulated: bool

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def stem(self, table: Table) -> str:
        return f"{self.bank.id}-{self.wave}-{table.name}"


def data_set(bank: Bank, wave: str, exports: Sequence["PartnershipExport"]) -> DataSet:
    """The four tables of `exports` (each one partnership's PartnershipExport of `bank` and
    `wave`), partnerships in code order. StocktakeError when a number question of the bank
    allows a missing-value code (-97, -98), so its answers could not be told from N/A."""
    clash = missing_code_clash(bank)
    if clash is not None:
        raise StocktakeError(
            f"{bank.id}: the number question {clash} allows {NA_CODE} or {DK_CODE}, the codes "
            "the data files give not applicable and don't know",
            hint="give the question a min above -97 in the bank, or export --format xlsx/json")
    book = codebook(bank)
    exports = sorted(exports, key=lambda e: e.partnership.code)
    simulated = any(is_simulated(r) for e in exports for r in e.responses)
    tables = (_wide(bank, wave, book, exports), _long(bank, book, exports),
              _scores(exports), _respondent_scores(exports))
    return DataSet(bank, wave, book, tuple(_labelled(t, bank, wave, simulated) for t in tables),
                   simulated)


def _labelled(table: Table, bank: Bank, wave: str, simulated: bool) -> Table:
    what = {"wide": "one row per respondent", "long": "one row per answer",
            "scores": "scores per partnership and area",
            "respondent-scores": "each respondent's area scores"}[table.name]
    notes = (f"bank {bank.id} edition {bank.version}, hash {bank.hash}",
             f"wave {wave}; codebook: stocktake codebook {bank.id}",
             *((f"{SIMULATED}: every answer was invented by `stocktake demo`",) if simulated
               else ()))
    return Table(table.name, table.columns, marked(f"{bank.id} {wave}: {what}", simulated),
                 notes)


# ---------------------------------------------------------------- wide


def _wide(bank: Bank, wave: str, book: Codebook,
          exports: Sequence["PartnershipExport"]) -> Table:
    # The codebook keeps question names clear of these.
    fixed: dict[str, list[Any]] = {name: [] for name in RESPONDENT_COLUMNS}
    data: dict[str, list[Any]] = {v.name: [] for v in book.variables}
    columns_of = {q.id: book.question_columns(q.id) for q in bank.questions}
    for export in exports:
        p = export.partnership
        for response in export.responses:
            for name, value in (("partnership", p.code), ("partnership_name", p.name),
                                ("region", p.region), ("bank", bank.id), ("wave", wave),
                                ("role", response.role),
                                ("respondent", response.key.respondent),
                                ("age_band", response.age or ""),
                                ("simulated", int(is_simulated(response)))):
                fixed[name].append(value)
            for q in bank.questions:
                answer = response.answers.get(q.id)
                for variable in columns_of[q.id]:
                    data[variable.name].append(wide_value(q, answer, variable.option))
    role_labels = {r.id: r.title for r in bank.roles}
    columns = [
        Column("partnership", "Partnership code (ONS)", fixed["partnership"]),
        Column("partnership_name", "Partnership (authority) name", fixed["partnership_name"]),
        Column("region", "Region", fixed["region"]),
        Column("bank", "Question bank id", fixed["bank"]),
        Column("wave", "Wave (financial year)", fixed["wave"]),
        Column("role", "Respondent's role (partner): " + "; ".join(
            f"{k} = {v}" for k, v in role_labels.items()), fixed["role"]),
        Column("respondent", "Respondent reference (by role, never a name unless exported "
                             "--with-names)", fixed["respondent"]),
        Column("age_band", "Age band (children and young people only)", fixed["age_band"]),
        Column("simulated", "Invented by stocktake demo (1) or real (0)", fixed["simulated"],
               numeric=True, value_labels={1: "simulated", 0: "real"}),
    ]
    for variable in book.variables:
        labels = {v.code: v.label for v in book.values_of(variable.name)}
        missing = tuple(v.code for v in book.values_of(variable.name) if v.missing)
        columns.append(Column(variable.name, variable.text, data[variable.name],
                              numeric=variable.numeric, value_labels=labels, missing=missing,
                              measure=variable.measure))
    return Table("wide", tuple(columns))


def wide_value(question: Question, answer: Answer | None, option: str = "") -> Any:
    """What one answer puts in its wide column (a multi's: in the column of `option`):
    None when unanswered; NA_CODE/DK_CODE (text: "na"/"dk") for not applicable and don't know;
    else the level, the option's code, 1/0 for yes/no and chosen/not, the number, the text."""
    if answer is None:
        return None
    numeric = question.type != "text"
    if answer.status == NOT_APPLICABLE:
        return NA_CODE if numeric else NA_TEXT
    if answer.status == DONT_KNOW:
        return DK_CODE if numeric else DK_TEXT
    value = answer.value
    if answer.status != ANSWERED or value is None:
        return None
    kind = question.type
    if kind == "multi":
        chosen = value if isinstance(value, (list, tuple)) else [value]
        return int(option in {str(c) for c in chosen})
    if kind == "choice":
        return option_code(question, str(value))
    if kind == "yesno":
        word = str(value).strip().lower()
        return 1 if word == "yes" else 0 if word == "no" else None
    if kind in ("scale", "number"):
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and kind == "scale" else number
    return str(value)


# ---------------------------------------------------------------- long


def _long(bank: Bank, book: Codebook, exports: Sequence["PartnershipExport"]) -> Table:
    names = ("partnership", "respondent", "role", "wave", "area", "question", "variable",
             "value", "code", "status", "score", "weight", "evidence", "answered_at",
             "simulated")
    data: dict[str, list[Any]] = {n: [] for n in names}
    variable_of = {v.question: v.name for v in book.variables if not v.option}
    questions = {q.id: q for q in bank.questions}
    # A column each, appended to row by row: 150,000 answers in a national round.
    columns = [data[n] for n in names]
    for export in exports:
        wave = export.wave
        held = {r.key.respondent: r.answers for r in export.responses}
        for row in export.answer_rows(simulated=True):
            qid = row["question"]
            question = questions.get(qid)
            status = row["status"]
            if status == NOT_APPLICABLE:
                code: Any = NA_CODE
            elif status == DONT_KNOW:
                code = DK_CODE
            elif question is not None and question.type not in ("multi", "text"):
                code = wide_value(question, held[row["respondent"]].get(qid), "")
            else:
                code = None
            value = row["value"]
            for column, item in zip(columns, (
                    row["partnership"], row["respondent"], row["role"], wave, row["area"], qid,
                    variable_of.get(qid, ""), "" if value is None else str(value), code,
                    status, row["score"], question.weight if question is not None else None,
                    row["evidence"] or "", row["answered_at"] or "",
                    int(bool(row["simulated"])))):
                column.append(item)
    return Table("long", (
        Column("partnership", "Partnership code (ONS)", data["partnership"]),
        Column("respondent", "Respondent reference", data["respondent"]),
        Column("role", "Respondent's role", data["role"]),
        Column("wave", "Wave (financial year)", data["wave"]),
        Column("area", "Area id", data["area"]),
        Column("question", "Question id (the codebook gives its text)", data["question"]),
        Column("variable", "The question's column in the wide file (a multi: one per option)",
               data["variable"]),
        Column("value", "The answer as stocktake writes it (a multi: option ids joined by ;)",
               data["value"]),
        Column("code", "The answer's code, as in the wide file (a multi and text: none)",
               data["code"], numeric=True,
               value_labels={NA_CODE: "Not applicable", DK_CODE: "Don't know"},
               missing=(NA_CODE, DK_CODE)),
        Column("status", "answered, na (not applicable) or dk (don't know)", data["status"]),
        Column("score", "Question score, 0-100 (empty: not scored, na, dk, or hidden by a "
                        "later answer)", data["score"], numeric=True, measure="scale"),
        Column("weight", "The question's weight in its area", data["weight"], numeric=True,
               measure="scale"),
        Column("evidence", "Evidence note", data["evidence"]),
        Column("answered_at", "When answered (UTC, ISO 8601)", data["answered_at"]),
        Column("simulated", "Invented by stocktake demo (1) or real (0)", data["simulated"],
               numeric=True, value_labels={1: "simulated", 0: "real"}),
    ))


# ---------------------------------------------------------------- scores


# (name, label, Column keywords) of one column of a table.
_ColumnSpec = tuple[str, str, dict[str, Any]]

_YES_NO = {1: "yes", 0: "no"}
_SIMULATED: _ColumnSpec = ("simulated", "Invented by stocktake demo (1) or real (0)",
              {"numeric": True, "value_labels": {1: "simulated", 0: "real"}})
_SCALE: dict[str, Any] = {"numeric": True, "measure": "scale"}
# (name, label, Column keywords) of each table's columns, in order.
SCORE_COLUMNS: tuple[_ColumnSpec, ...] = (
    ("partnership", "Partnership code (ONS)", {}),
    ("name", "Partnership (authority) name", {}),
    ("region", "Region", {}),
    ("bank", "Question bank id", {}),
    ("wave", "Wave (financial year)", {}),
    ("area", "Area id (overall: the mean of the area scores)", {}),
    ("area_title", "Area", {}),
    ("score", "Partnership area score, 0-100 (moderated: the adviser's)", _SCALE),
    ("level", "Maturity level of the score", {}),
    ("coverage", "Share of the questions asked that were answered", _SCALE),
    ("respondents", "Respondents whose score counts", _SCALE),
    ("spread", "Highest minus lowest partner score", _SCALE),
    ("divergent", "Spread of 25 points or more", {"numeric": True, "value_labels": _YES_NO}),
    ("moderated", "Score set by the adviser's moderation",
     {"numeric": True, "value_labels": _YES_NO}),
    ("self_assessed", "The respondents' own score, before moderation", _SCALE),
    ("national_median", "Median of the partnerships compared (empty below the minimum count)",
     _SCALE),
    ("national_quartile", "Quartile among them, 1 lowest to 4 highest",
     {"numeric": True, "measure": "ordinal"}),
    ("national_n", "Partnerships compared", _SCALE),
    _SIMULATED,
)
RESPONDENT_SCORE_COLUMNS: tuple[_ColumnSpec, ...] = (
    ("partnership", "Partnership code (ONS)", {}),
    ("wave", "Wave (financial year)", {}),
    ("respondent", "Respondent reference", {}),
    ("role", "Respondent's role", {}),
    ("area", "Area id", {}),
    ("score", "Respondent's area score, 0-100 (empty: withheld or nothing scored)", _SCALE),
    ("coverage", "Answered / asked in the area", _SCALE),
    ("answered", "Questions answered (not applicable left out)", _SCALE),
    ("applicable", "Questions asked of the respondent", _SCALE),
    ("withheld", "Why the score is withheld (coverage below the bank's minimum)", {}),
    _SIMULATED,
)


def _table(name: str, specs: Sequence[_ColumnSpec], rows: Iterable[Mapping[str, Any]]
           ) -> Table:
    """A table of `specs`' columns from `rows` (mappings by column name; True/False as 1/0)."""
    data: dict[str, list[Any]] = {n: [] for n, _, _ in specs}
    for row in rows:
        for n, values in data.items():
            value = row.get(n)
            values.append(int(value) if isinstance(value, bool) else value)
    return Table(name, tuple(Column(n, label, data[n], **kw) for n, label, kw in specs))


def _scores(exports: Sequence["PartnershipExport"]) -> Table:
    return _table("scores", SCORE_COLUMNS,
                  (row for export in exports for row in export.score_rows()))


def _respondent_scores(exports: Sequence["PartnershipExport"]) -> Table:
    return _table("respondent-scores", RESPONDENT_SCORE_COLUMNS, (
        {"partnership": export.partnership.code, "wave": export.wave,
         "respondent": s.respondent, "role": s.role, "area": s.area, "score": s.score,
         "coverage": s.coverage, "answered": s.answered, "applicable": s.applicable,
         "withheld": s.withheld or "", "simulated": int(export.scores.simulated)}
        for export in exports for s in export.scores.respondent_scores))


# ---------------------------------------------------------------- writing


def write_data_set(data: DataSet, fmt: str, out_dir: Path, *, shared: bool = False
                   ) -> list[Path]:
    """Write every table of `data` in `fmt` (stocktake.analysis.formats.FORMATS) into
    `out_dir`, owner-only unless `shared`, each file whole or not at all; returns the paths.
    StocktakeError (naming `pip install 'stocktake[analysis]'`) when the format's library is
    missing, before anything is written."""
    from stocktake.analysis.formats import SUFFIXES, require_library, table_bytes
    from stocktake.files.atomic import written_together
    from stocktake.files.output_files import write_output_bytes

    require_library(fmt)
    out_dir = Path(out_dir)
    # Every file made before any is written: a table that cannot be written leaves none.
    made = [(out_dir / f"{data.stem(t)}{SUFFIXES[fmt]}", table_bytes(t, fmt))
            for t in data.tables]
    with written_together():  # and a disk that fills at the third leaves none of the four
        for path, payload in made:
            write_output_bytes(path, payload, shared=shared)
    return [path for path, _ in made]
