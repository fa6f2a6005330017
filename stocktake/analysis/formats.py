"""Tables as bytes in the formats analysts open: SPSS .sav and Stata .dta (pyreadstat), Parquet
(pyarrow), CSV (the standard library).

pyreadstat (the ReadStat C library, which R's haven also uses) writes the labels SPSS and Stata
keep: variable labels, value labels and SPSS's user-missing values. It needs a data frame, so pandas comes with it. pyarrow writes Parquet and keeps
each column's labels as field metadata. Both are the `analysis` extra; without them
`require_library` says what to install.

    require_library("spss")                 # StocktakeError naming the extra, if missing
    payload = table_bytes(table, "stata")   # the whole .dta file
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from stocktake.analysis.table import Column, Table
from stocktake.errors import StocktakeError

FORMATS = ("spss", "stata", "parquet", "csv")
SUFFIXES = {"spss": ".sav", "stata": ".dta", "parquet": ".parquet", "csv": ".csv"}
LIBRARIES = {"spss": ("pyreadstat", "pandas"), "stata": ("pyreadstat", "pandas"),
             "parquet": ("pyarrow",), "csv": ()}
INSTALL = "pip install 'stocktake[analysis]'"
# The formats' own limits, in UTF-8 bytes (what the files count): SPSS variable labels 256,
# value labels 120, a text value 32,767 (IBM's SPSS Statistics reference), its file label 64
# (the header's field); Stata's variable and file labels 80 characters, value labels 32,000
# bytes (Stata's `help limits`), cut here at 80 bytes, since a character may take four.
# ReadStat writes a longer SPSS text value wrapped round, not refused: 120,000 bytes came back
# as 20,000, so text is cut before it is written.
LIMITS = {"spss": {"variable": 256, "value": 120, "file": 64, "text": 32767},
          "stata": {"variable": 80, "value": 32000, "file": 80, "text": 2_000_000_000}}


def require_library(fmt: str) -> None:
    """StocktakeError when the library `fmt` needs is not installed (or `fmt` is unknown)."""
    if fmt not in FORMATS:
        raise StocktakeError(f"unknown data format '{fmt}'",
                             hint=f"use one of {', '.join(FORMATS)}")
    import importlib

    missing = []
    for name in LIBRARIES[fmt]:
        try:
            importlib.import_module(name)
        except ImportError:  # not installed, or installed without what it needs
            missing.append(name)
    if missing:
        raise StocktakeError(f"the {fmt} format needs {' and '.join(missing)}, which is not "
                             "installed", hint=f"install the analysis extra: {INSTALL}")


def table_bytes(table: Table, fmt: str) -> bytes:
    """The whole file of `table` in `fmt`."""
    require_library(fmt)
    if fmt == "csv":
        return _csv(table)
    if fmt == "parquet":
        return _parquet(table)
    return _readstat(table, fmt)


def _note_lines(notes: Any) -> list[str]:
    """SPSS's notes (document records) are lines of at most 80 bytes."""
    import textwrap

    return [cut(line, 80) for note in notes for line in textwrap.wrap(c_text(note), 80)]


_C_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def c_text(text: str) -> str:
    """`text` as ReadStat's C strings can hold it: a NUL (which would end the string there,
    silently) and any lone surrogate become U+FFFD."""
    return _C_UNSAFE.sub("\ufffd", text)


def cut(text: str, limit: int) -> str:
    """`text` (made safe by c_text) cut to `limit` UTF-8 bytes at a character, ending "..."
    when cut."""
    if len(text) <= limit and text.isascii() and "\x00" not in text:
        return text  # nearly every value: no NUL, no surrogate, one byte a character
    text = c_text(text)
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:max(0, limit - 3)].decode("utf-8", "ignore") + "..."


# ---------------------------------------------------------------- CSV


def _csv(table: Table) -> bytes:
    from stocktake.workbooks.exports import csv_bytes

    names = [c.name for c in table.columns]
    rows = ({c.name: c.values[i] for c in table.columns} for i in range(table.rows))
    return csv_bytes(names, rows)


# ---------------------------------------------------------------- Parquet


def _parquet(table: Table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields, arrays = [], []
    for c in table.columns:
        kind = _arrow_type(pa, c)
        meta = {"label": c.label}
        if c.value_labels:
            meta["value_labels"] = json.dumps({str(k): v for k, v in c.value_labels.items()},
                                              ensure_ascii=False)
        if c.missing:
            meta["missing"] = json.dumps([str(m) for m in c.missing])
        fields.append(pa.field(c.name, kind, metadata=meta))
        values = c.values if c.numeric else ["" if v is None else str(v) for v in c.values]
        arrays.append(pa.array(values, type=kind))
    schema = pa.schema(fields, metadata={"stocktake": json.dumps(
        {"label": table.label, "notes": list(table.notes)}, ensure_ascii=False)})
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), sink)
    return sink.getvalue().to_pybytes()


def _arrow_type(pa: Any, c: Column) -> Any:
    """int64 for a column of whole codes (levels, options, 0/1), else float64."""
    if not c.numeric:
        return pa.string()
    kinds = set(map(type, c.values))
    return pa.int64() if kinds <= {int, type(None)} else pa.float64()


# ---------------------------------------------------------------- SPSS and Stata


def _readstat(table: Table, fmt: str) -> bytes:
    import pandas as pd
    import pyreadstat

    limits = LIMITS[fmt]
    frame: dict[str, Any] = {}
    # Every column gets a label; typed as pyreadstat's column_labels (which allows None).
    labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    measures: dict[str, str] = {}
    for c in table.columns:
        labels[c.name] = cut(c.label, limits["variable"])
        if c.numeric:
            measures[c.name] = c.measure
            # Stata's file keeps N/A and don't know as their numbers (labelled), as Parquet and
            # CSV do: pyreadstat can write them as .a and .b only from an object column, and
            # which columns it takes for text then depends on their first hundred rows.
            frame[c.name] = pd.Series([float("nan") if v is None else float(v)
                                       for v in c.values], dtype="float64")
            if fmt == "spss" and c.missing:
                missing[c.name] = list(c.missing)
            coded = dict(c.value_labels)
            if coded:
                value_labels[c.name] = {(float(k) if isinstance(k, int) else k):
                                        cut(v, limits["value"]) for k, v in coded.items()}
        else:
            frame[c.name] = pd.Series(_cut_texts(c.values, limits["text"]), dtype=object)
            if fmt == "spss" and c.missing:
                missing[c.name] = list(c.missing)
            if fmt == "spss" and c.value_labels:
                value_labels[c.name] = {k: cut(v, limits["value"])
                                        for k, v in c.value_labels.items()}
    df = pd.DataFrame(frame, columns=[c.name for c in table.columns])
    file_label = cut(table.label, limits["file"])
    with tempfile.TemporaryDirectory(prefix="stocktake-") as tmp:
        path = Path(tmp) / ("data.sav" if fmt == "spss" else "data.dta")
        try:
            if fmt == "spss":
                pyreadstat.write_sav(df, str(path), file_label=file_label,
                                     column_labels=labels, note=_note_lines(table.notes) or None,
                                     variable_value_labels=value_labels or None,
                                     missing_ranges=missing or None,
                                     variable_measure=measures or None)
            else:
                pyreadstat.write_dta(df, str(path), file_label=file_label,
                                     column_labels=labels,
                                     variable_value_labels=value_labels or None)
        except Exception as exc:  # pyreadstat's own error type, or ReadStat's message
            raise StocktakeError(f"could not write the {table.name} table as {fmt}: {exc}",
                                 hint="report this with the command you ran") from exc
        with open(path, "rb") as handle:
            data = handle.read()
        os.unlink(path)
    return data


def _cut_texts(values: Any, limit: int) -> list[str]:
    """A text column's values as `cut` makes them ("" for None), each distinct value cut once:
    a long table repeats its codes, roles and question texts on every row."""
    try:
        made = {v: "" if v is None else cut(str(v), limit) for v in dict.fromkeys(values)}
    except TypeError:  # a value that cannot be a key (a list): each cut in turn
        return ["" if v is None else cut(str(v), limit) for v in values]
    return list(map(made.__getitem__, values))
