"""What `stocktake scores CODE` shows, and its `--json`, as one result.

    view = partnership_view(ws, bank, "2026-27", "E09000007")
    view.to_json()   # the scores, "evidence_flags" and "plan", as `scores --json` prints
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from stocktake.errors import StocktakeError

if TYPE_CHECKING:
    from stocktake.evidence.flags import SelfView
    from stocktake.records.roster_and_plans import PlanItem
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.scoring.method import PartnershipScores
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class PartnershipView:
    """One partnership's scores for a bank and wave (`scores`), the areas whose self-view the
    published figures contradict (`flags`), its action plan's items that are not removed, each
    with its area's current level label (None: no score), how the partnership is named
    ("Camden (E09000007), London"), and the nation's benchmark for the quartile column (None
    when fewer than two partnerships were scored, or not asked for; `nation_left_out` says why
    it could not be had)."""

    bank: Any
    scores: PartnershipScores
    flags: tuple[SelfView, ...]
    plan: tuple[tuple[PlanItem, str | None], ...]
    label: str
    nation: Benchmark | None = None
    nation_left_out: str = ""

    def to_json(self) -> dict:
        return {**self.scores.to_json(self.bank.min_count),
                "evidence_flags": [f.to_json() for f in self.flags],
                "plan": [{**item.to_json(), "current_level": now} for item, now in self.plan]}


def partnership_view(ws: Workspace, bank: Any, wave: str, code: str, *,
                     national: bool = True) -> PartnershipView:
    """The view of partnership `code` (a resolved GSS code) in `ws`. `national`: also score the
    nation for the quartile column (a failure there is kept in `nation_left_out`, never
    raised). Raises StocktakeError as stocktake.scoring.national.partnership_scores does."""
    from stocktake.evidence.area_view import self_view_flags
    from stocktake.scoring.national import national_benchmark, partnership_scores

    scores = partnership_scores(ws, bank, wave, code).published(bank.min_count)
    flags = tuple(self_view_flags(scores.partnership, bank, scores))
    plan = tuple(plan_with_levels(ws, bank, wave, scores))
    nation, left_out = None, ""
    if national:
        try:
            nation = national_benchmark(ws, bank, wave)
        except StocktakeError as exc:
            left_out = exc.message
        if nation is not None and nation.count < 2:
            nation = None
    return PartnershipView(bank, scores, flags, plan, partnership_label(ws, scores.partnership),
                           nation, left_out)


def plan_with_levels(ws: Workspace, bank: Any, wave: str,
                     scores: PartnershipScores) -> list[tuple[PlanItem, str | None]]:
    """The partnership's open and done plan items, each with its area's current level."""
    from stocktake.records.roster_and_plans import REMOVED

    levels = {a.id: a.level for a in scores.areas}
    return [(item, levels.get(item.area)) for item in
            ws.plan_items(scores.partnership, bank.id, wave) if item.status != REMOVED]


def partnership_name(code: str, partnerships: Mapping[str, Any]) -> str:
    """The workspace's name for `code` (`partnerships`: code -> Partnership), else the shipped
    list's, else the code itself."""
    from stocktake.partnerships.reference import authority

    if code in partnerships and partnerships[code].name:
        return partnerships[code].name
    known = authority(code)
    return known.name if known else code


def partnership_label(ws: Workspace, code: str) -> str:
    """"Camden (E09000007), London": name, code and region (the workspace's, else the shipped
    list's; left out when neither knows it)."""
    found = ws.find_partnership(code)
    name = partnership_name(code, {code: found} if found else {})
    region = found.region if found and found.region else ""
    if not region:
        from stocktake.partnerships.reference import authority

        known = authority(code)
        region = known.region if known else ""
    return f"{name} ({code})" + (f", {region}" if region else "")
