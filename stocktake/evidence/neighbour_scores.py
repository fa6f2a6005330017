"""Each partnership beside the mean of its own statistical neighbours' scores. Pure.

LAIT's way: every authority has its own group of ten (DfE's list, May 2025), so each partnership
is compared with the neighbours of its own that the workspace holds, and says how many of the ten
were there.

    rows = compare_with_neighbours(all_scores)
    rows[0].present, rows[0].means["workforce"], rows[0].difference("workforce")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from stocktake.scoring.method import PartnershipScores


OVERALL = "overall"


@dataclass(frozen=True)
class NeighbourComparison:
    code: str
    la_number: str  # "" when the partnership has no DfE number
    group_size: int  # 10, or 0 when DfE's list has no group for it
    present: tuple[str, ...]  # codes of its neighbours found in the workspace, closest first
    own: dict[str, float | None]  # area id (and "overall") -> the partnership's score
    means: dict[str, float | None]  # area id -> the mean of the present neighbours' scores
    counted: dict[str, int]  # area id -> how many neighbours had a score there
    min_count: int = 1  # below it the mean (and the difference) is withheld

    def withheld(self, area_id: str) -> str | None:
        """"fewer than 5" where some neighbours have a score but too few to give a mean of
        (the words of stocktake.reports.findings.fewer_than, which evidence may not import)."""
        n = self.counted.get(area_id, 0)
        return f"fewer than {self.min_count}" if 0 < n < self.min_count else None

    def difference(self, area_id: str) -> float | None:
        """The partnership's score less its neighbours' mean, between the two as published (2
        decimals), so it is the difference of the figures shown beside it."""
        from stocktake.arithmetic.precision import difference

        return difference(self.own.get(area_id), self.means.get(area_id))

    def to_json(self) -> dict:
        from stocktake.arithmetic.precision import published as r

        def area(a: str) -> dict:
            out: dict[str, float | int | str | None] = {
                "score": r(self.own.get(a)), "neighbours_mean": r(self.means[a]),
                "neighbours_counted": self.counted[a], "n": self.counted[a],
                "difference": r(self.difference(a))}
            if self.withheld(a):
                out["withheld"] = self.withheld(a)
            return out

        return {"partnership": self.code, "dfe_la_number": self.la_number or None,
                "neighbours_in_group": self.group_size,
                "neighbours_present": len(self.present), "present": list(self.present),
                "areas": {a: area(a) for a in self.means}}


def compare_with_neighbours(scores: Sequence[PartnershipScores],
                            min_count: int = 1) -> list[NeighbourComparison]:
    """For each partnership scored, its neighbours' mean per area and overall (neighbours with no
    score in an area are left out of that area's mean), in the order given; with fewer than
    `min_count` neighbours scored there, the mean is withheld (None), the count kept, as the
    findings rules withhold a region's or group's mean."""
    from stocktake.evidence.neighbours import neighbours_of
    from stocktake.partnerships.reference import authority, authority_by_dfe_number

    by_code = {s.partnership: s for s in scores}
    out = []
    for s in scores:
        own = {a.id: a.score for a in s.areas}
        own[OVERALL] = s.overall
        found = authority(s.partnership)
        number = found.dfe_la_number if found else ""
        group = neighbours_of(number) if number else None
        present: list[str] = []
        if group:
            for n in group.neighbours:
                other = authority_by_dfe_number(n.la_number)
                if other is not None and other.code in by_code:
                    present.append(other.code)
        means: dict[str, float | None] = {}
        counted: dict[str, int] = {}
        for key in own:
            values = [v for code in present
                      if (v := _score(by_code[code], key)) is not None]
            means[key] = (sum(values) / len(values)
                          if values and len(values) >= min_count else None)
            counted[key] = len(values)
        out.append(NeighbourComparison(s.partnership, number, len(group.neighbours) if group else 0,
                                       tuple(present), own, means, counted, min_count))
    return out


def _score(scores: PartnershipScores, key: str) -> float | None:
    if key == OVERALL:
        return scores.overall
    for a in scores.areas:
        if a.id == key:
            return a.score
    return None
