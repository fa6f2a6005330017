"""What `stocktake trend CODE --from W1 --to W2` shows, and its `--json`, as one result.

    view = trend_view(ws, bank, bank, "2025-26", "2026-27", "E09000007")
    view.to_json()["overall"]   # {"from": 48.2, "to": 55.0, "change": 6.8}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stocktake.arithmetic.precision import difference, published
from stocktake.errors import StocktakeError

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class TrendView:
    """A partnership's area scores in two waves: `areas` as stocktake.scoring.benchmark.trend
    gives them (dicts of id, title, from, to, change; scores 0-100, unrounded), `overall` the
    same for the overall score, `versions` the bank versions each wave answered
    (benchmark.version_change), `label` how the partnership is named."""

    partnership: str
    label: str
    bank: str
    bank_title: str
    from_wave: str
    to_wave: str
    versions: dict
    overall: dict
    areas: tuple[dict, ...]
    simulated: bool = False  # either wave holds a `stocktake demo` answer
    respondents: tuple[int, int] = (0, 0)  # partner respondents who count, each wave
    quorum: tuple[bool, bool] = (True, True)  # each wave a partnership view overall

    def to_json(self) -> dict:
        return {"partnership": self.partnership, "bank": self.bank, "from": self.from_wave,
                "to": self.to_wave, "versions": self.versions, "simulated": self.simulated,
                "respondents": {"from": self.respondents[0], "to": self.respondents[1]},
                "quorum": {"from": self.quorum[0], "to": self.quorum[1]},
                "overall": {k: published(v) for k, v in self.overall.items()},
                "areas": [{**row, "from": published(row["from"]), "to": published(row["to"]),
                           "change": published(row["change"])} for row in self.areas]}

    def one_wave_only(self) -> list[str]:
        """The ids of areas scored in one of the two waves only."""
        return [row["id"] for row in self.areas if row["from"] is None or row["to"] is None]


def trend_view(ws: Workspace, bank: Any, from_bank: Any, from_wave: str, to_wave: str,
               code: str, *, from_bank_given: bool = False) -> TrendView:
    """How `code` changed from `from_wave` (answered on `from_bank`, an edition of `bank`) to
    `to_wave`. `from_bank_given`: the earlier edition was named (--from-bank), so its version
    counts among the earlier wave's. Raises StocktakeError when `from_bank` is another bank."""
    from stocktake.scoring.benchmark import trend, version_change
    from stocktake.scoring.national import partnership_scores
    from stocktake.scoring.partnership_view import partnership_label

    check_edition(bank, from_bank)
    before = partnership_scores(ws, from_bank, from_wave, code)
    after = partnership_scores(ws, bank, to_wave, code)
    change = version_change(
        [r.bank_version for r in ws.responses(after.partnership, bank.id, from_wave)]
        + ([from_bank.version] if from_bank_given else []),
        [r.bank_version for r in ws.responses(after.partnership, bank.id, to_wave)]
        + [bank.version])
    overall = {"from": before.overall, "to": after.overall,
               "change": difference(after.overall, before.overall)}
    return TrendView(after.partnership, partnership_label(ws, after.partnership), bank.id,
                     bank.title, from_wave, to_wave, change, overall,
                     tuple(trend(before, after)), before.simulated or after.simulated,
                     (before.respondents, after.respondents),
                     (before.overall_quorum, after.overall_quorum))


def check_edition(bank: Any, from_bank: Any) -> None:
    """Raises StocktakeError unless `from_bank` is an edition of `bank` (the same id)."""
    if from_bank.id != bank.id:
        raise StocktakeError(f"--from-bank is bank '{from_bank.id}', not an edition of "
                             f"'{bank.id}'", hint="give an earlier version of the same bank")
