"""A table as analysts' files hold it: named, labelled columns of values. Pure data.

    Column("vision_has_statement", "Is there a written vision?", [1, 0, -97, None],
           numeric=True, value_labels={1: "Yes", 0: "No", -97: "Not applicable"},
           missing=(-97, -98))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Column:
    """One variable: `values` one per row (None: system missing, nothing recorded);
    `value_labels` code -> label; `missing` the codes declared missing (N/A, don't know);
    `measure` SPSS's nominal, ordinal or scale."""

    name: str
    label: str
    values: list[Any]
    numeric: bool = False
    value_labels: Mapping[Any, str] = field(default_factory=dict)
    missing: tuple[Any, ...] = ()
    measure: str = "nominal"


@dataclass(frozen=True)
class Table:
    """`name` ("wide", "long", ...), its columns of equal length, a file label and notes (the
    bank's edition and hash, the SIMULATED mark)."""

    name: str
    columns: tuple[Column, ...]
    label: str = ""
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)
