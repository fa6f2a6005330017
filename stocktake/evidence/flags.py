"""The self-view against the published evidence. Pure.

An area self-assessed at the bank's two top levels while at least half of its linked measures
that have a band are in band D, or at the bank's bottom level while at least half are in band A,
is flagged: the published figures do not match this view, and it is worth testing in moderation.
Measures without a band (no polarity, not published) do not count either way; an area with no
banded measure is never flagged.

    self_view_flag(bank, 80.0, ["D", "D", "B", None])   # FLAG (2 of 3 banded in D)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence
from stocktake.arithmetic.precision import fixed_score


class Bank(Protocol):
    """What the flags read of a bank (stocktake.banks.model.Bank): its id, areas and levels.
    A protocol, not an import, because banks checks its indicator ids against evidence's
    dictionary: evidence sits below banks, and a ring between them is refused (pyproject)."""

    # Properties: a Bank is frozen, and a protocol's plain attribute would ask for a settable one.
    @property
    def id(self) -> str: ...
    @property
    def areas(self) -> Sequence[Any]: ...
    @property
    def bands(self) -> Sequence[Any]: ...

    def band_for(self, score: float | None) -> Any: ...


FLAG = "the published figures do not match this view: worth testing in moderation"


def level_index(bank: Bank, score: float | None) -> int | None:
    """0 for the bank's bottom level ... len(bank.bands) - 1 for its top; None for no score."""
    band = bank.band_for(score)
    return None if band is None else bank.bands.index(band)


def self_view_flag(bank: Bank, self_assessed: float | None,
                   bands: Sequence[str | None]) -> str | None:
    """FLAG when the self-assessed score and the measures' bands (A best ... D) disagree as above;
    else None."""
    index = level_index(bank, self_assessed)
    banded = [b for b in bands if b]
    if index is None or not banded:
        return None
    top = len(bank.bands) - 2
    if index >= top and 2 * sum(b == "D" for b in banded) >= len(banded):
        return FLAG
    if index == 0 and 2 * sum(b == "A" for b in banded) >= len(banded):
        return FLAG
    return None


@dataclass(frozen=True)
class SelfView:
    """One area's self-assessment beside its linked measures' bands."""

    bank: str
    area: str
    title: str
    self_assessed: float | None
    level: str | None
    bands: tuple[str | None, ...]
    flag: str | None
    simulated: bool = False  # the self-assessment is `stocktake demo`'s invented answers

    @property
    def key(self) -> str:
        return f"{self.bank}/{self.area}"

    @property
    def score_text(self) -> str:
        if self.self_assessed is None:
            return "– (no score)"
        return f"{fixed_score(self.self_assessed)} ({self.level})"

    def to_json(self) -> dict:
        return {"bank": self.bank, "area": self.area, "title": self.title,
                "self_assessed": None if self.self_assessed is None else round(self.self_assessed, 2),
                "level": self.level, "bands": list(self.bands), "flag": self.flag}


def self_view_rows(bank: Bank, scores, evidence) -> list[SelfView]:
    """For each area of `bank` that links measures: its self-assessed score and level (the
    respondents' mean, before any moderation), the bands of its linked measures in `evidence`
    (a PartnershipEvidence), and the flag."""
    rows = []
    for area in bank.areas:
        if not area.indicators:
            continue
        result = next((a for a in scores.areas if a.id == area.id), None)
        own = result.self_assessed if result is not None else None
        band = bank.band_for(own)
        bands = tuple(evidence.bands_for(f"{bank.id}/{area.id}"))
        rows.append(SelfView(bank.id, area.id, area.title, own, band.label if band else None,
                             bands, self_view_flag(bank, own, bands),
                             bool(getattr(scores, "simulated", False))))
    return rows
