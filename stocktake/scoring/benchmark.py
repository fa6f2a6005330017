"""Benchmarks across partnerships: distributions, quartiles, positions and trends. Pure, no I/O.

Quartiles and percentile ranks follow Excel's QUARTILE.INC and PERCENTRANK.INC exactly, so a
national team can check any figure in its own spreadsheet:

- QUARTILE.INC(values, k): sort the n values, take position h = (n - 1) k / 4 (0-based) and
  interpolate linearly between the values either side of it.
- PERCENTRANK.INC(values, x): (the number of values below x) / (n - 1) when x is one of them;
  between two values, interpolate from the last of the lower ones; truncated (not rounded) to
  `significance` digits, three by default.
- A partnership's quartile, 1 lowest to 4 highest, is the spreadsheet formula
  =IF(x>=QUARTILE.INC(r,3),4,IF(x>=QUARTILE.INC(r,2),3,IF(x>=QUARTILE.INC(r,1),2,1))).

    bench = build_benchmark(bank, all_scores, regions={"E09000007": "London", ...})
    bench.position("E09000007", "vision").quartile      # 3
    bench.to_json()                                     # what `stocktake benchmark --json` prints
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Collection, Iterable, Mapping, Sequence, TypeVar

from stocktake.banks.model import Bank
from stocktake.arithmetic.precision import at_least, difference, published
from stocktake.arithmetic.spreadsheet_stats import quartile_inc  # noqa: F401 - used here and re-exported
from stocktake.scoring.method import PartnershipScores

OVERALL = "overall"
_V = TypeVar("_V")  # a per-area value: a mean (float) or a count (int)


def percentrank_inc(values: Sequence[float], x: float, significance: int = 3) -> float:
    """Excel's PERCENTRANK.INC: x's rank in [0, 1], truncated to `significance` digits."""
    if not values:
        raise ValueError("PERCENTRANK.INC of no values")
    if significance < 1:
        raise ValueError("significance must be at least 1")
    ordered = sorted(values)
    n = len(ordered)
    if x < ordered[0] or x > ordered[-1]:
        raise ValueError(f"{x} lies outside the values ({ordered[0]} to {ordered[-1]})")
    if n == 1:
        return 1.0
    below = bisect_left(ordered, x)  # how many are below x
    if ordered[below] == x:
        rank = below / (n - 1)
    else:
        lower, upper = ordered[below - 1], ordered[below]
        rank = (below - 1 + (x - lower) / (upper - lower)) / (n - 1)
    return _truncate(rank, significance)


# Quartile 4 (the top quarter) is band A, as in DfE's LAIT.
BANDS = {4: "A", 3: "B", 2: "C", 1: "D"}


def quartile_of(values: Sequence[float], x: float) -> int:
    """1 (lowest) to 4 (highest): at or above QUARTILE.INC k puts x in quartile k + 1.

    "At or above" is at the published precision (2 decimals), so x reading the same as the
    quartile counts as at it.
    """
    for k, quartile in ((3, 4), (2, 3), (1, 2)):
        if at_least(x, quartile_inc(values, k)):  # at the published precision
            return quartile
    return 1


@dataclass(frozen=True)
class AreaDistribution:
    id: str
    title: str
    n: int
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None
    mean: float | None

    withheld: str | None = None  # "fewer than 5": too few partnerships to describe

    @classmethod
    def of(cls, area_id: str, title: str, values: Sequence[float],
           min_count: int = 1) -> "AreaDistribution":
        """Quartiles of the scores as published (2 decimals), as a spreadsheet of them gives;
        with fewer than `min_count` values only the count (and `withheld`) is given."""
        if not values:
            return cls(area_id, title, 0, None, None, None, None, None, None)
        if len(values) < min_count:
            return cls(area_id, title, len(values), None, None, None, None, None, None,
                       withheld=f"fewer than {min_count}")
        shown = [published(v) for v in values]
        q = [quartile_inc(shown, k) for k in range(5)]
        return cls(area_id, title, len(values), q[0], q[1], q[2], q[3], q[4],
                   math.fsum(values) / len(values))

    def to_json(self) -> dict:
        out = {"id": self.id, "title": self.title, "n": self.n, "min": _r(self.min),
               "q1": _r(self.q1), "median": _r(self.median), "q3": _r(self.q3),
               "max": _r(self.max), "mean": _r(self.mean)}
        if self.withheld:
            out["withheld"] = self.withheld
        return out


@dataclass(frozen=True)
class Position:
    """Where one partnership stands in one area (or `overall`) among the benchmark's others."""

    partnership: str
    area: str
    score: float | None
    quartile: int | None  # None without a score or with no other partnership to compare
    percentile_rank: float | None
    vs_median: float | None
    vs_region: float | None
    vs_group: float | None
    group: str = ""  # the comparator group given with --groups, if any
    quorum: bool = True  # False: not a partnership view, so not placed among the others
    n: int = 0  # partnerships it is placed among (its own score included)
    withheld: str | None = None  # "fewer than 5": too few to place it among
    region_n: int = 0  # partnerships of its region with a score here
    group_n: int = 0  # partnerships of its comparator group with a score here
    # The full-precision means vs_region and vs_group are taken from: those differences are
    # between published figures, so the means cannot be worked back from them.
    region_mean: float | None = None
    group_mean: float | None = None

    @property
    def band(self) -> str | None:
        """A (top quarter) to D (bottom quarter), the letters DfE's LAIT uses."""
        return BANDS.get(self.quartile) if self.quartile is not None else None

    def to_json(self, with_group: bool = False) -> dict:
        out = {"partnership": self.partnership, "area": self.area, "score": _r(self.score),
               "quorum": self.quorum, "n": self.n, "quartile": self.quartile, "band": self.band,
               "percentile_rank": self.percentile_rank,
               "vs_median": _r(self.vs_median), "vs_region": _r(self.vs_region),
               "region_n": self.region_n}
        if self.withheld:
            out["withheld"] = self.withheld
        if with_group:
            out["group"] = self.group or None
            out["vs_group"] = _r(self.vs_group)
            out["group_n"] = self.group_n
        return out


@dataclass(frozen=True)
class Benchmark:
    bank: str
    wave: str
    count: int
    areas: tuple[AreaDistribution, ...]
    positions: tuple[Position, ...]  # partnership by code, then areas in bank order
    scores: tuple[PartnershipScores, ...]  # by partnership code
    regions: dict[str, str]  # code -> region
    region_means: dict[str, dict[str, float]]  # region -> area -> mean
    overall: AreaDistribution | None = None  # of the overall scores
    overall_positions: tuple[Position, ...] = ()  # area "overall", by partnership code
    groups: dict[str, str] = field(default_factory=dict)  # code -> comparator group
    group_means: dict[str, dict[str, float]] = field(default_factory=dict)  # group -> area -> mean
    # area (or "overall") -> codes whose score there is not a partnership view (below the
    # bank's min_roles): shown, but left out of the distribution and the quartiles.
    below_quorum: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unmatched_groups: tuple[str, ...] = ()  # --groups codes with no partnership compared here
    excluded: tuple[str, ...] = ()  # codes left out on purpose (e.g. --exclude-small)
    min_count: int = 1  # the fewest partnerships a median, quartile or mean is given over
    # region (or group) -> area -> how many partnerships its mean would be over
    region_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    group_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # area (or "overall") -> the decimals that tell its scores apart where one decimal shows
    # two in different quartile bands as equal (1 or 2)
    places: dict[str, int] = field(default_factory=dict)

    @property
    def simulated(self) -> bool:
        """True when any partnership compared was scored from `stocktake demo` answers."""
        return any(s.simulated for s in self.scores)

    def area(self, area_id: str) -> AreaDistribution:
        if area_id == OVERALL and self.overall is not None:
            return self.overall
        for distribution in self.areas:
            if distribution.id == area_id:
                return distribution
        raise KeyError(area_id)

    def position(self, partnership: str, area: str) -> Position:
        index = self.__dict__.get("_index")
        if index is None:
            index = {(p.partnership, p.area): p
                     for p in self.positions + self.overall_positions}
            object.__setattr__(self, "_index", index)
        return index[(partnership, area)]

    def partnership_scores(self, partnership: str) -> PartnershipScores:
        for scores in self.scores:
            if scores.partnership == partnership:
                return scores
        raise KeyError(partnership)

    def league(self) -> list[PartnershipScores]:
        """Partnerships by overall score, highest first; those without a score last, by code.
        Only for `--sort score`: the default listing is `by_region`."""
        return sorted(self.scores, key=lambda s: (s.overall is None,
                                                  -(published(s.overall) or 0.0), s.partnership))

    def by_region(self, names: Mapping[str, str] | None = None) -> list[PartnershipScores]:
        """Partnerships by region, then name (then code): a listing, not a ranking."""
        names = names or {}
        return sorted(self.scores, key=lambda s: (self.regions.get(s.partnership, "") or "~",
                                                  names.get(s.partnership, s.partnership),
                                                  s.partnership))

    def left_out(self) -> int:
        """How many area scores are shown but not placed: below the bank's min_roles."""
        return sum(len(codes) for area, codes in self.below_quorum.items() if area != OVERALL)

    def to_json(self) -> dict:
        """The `stocktake benchmark --json` shape; `group` and `vs_group` only when groups were
        given."""
        with_group = bool(self.groups)
        return {"bank": self.bank, "wave": self.wave, "count": self.count,
                "min_count": self.min_count, "simulated": self.simulated,
                "below_quorum": {a: list(c) for a, c in self.below_quorum.items()},
                "unmatched_groups": list(self.unmatched_groups),
                "areas": [a.to_json() for a in self.areas],
                "positions": [p.to_json(with_group) for p in self.positions]}


def build_benchmark(bank: Bank, scores: Sequence[PartnershipScores], regions: Mapping[str, str],
                    groups: Mapping[str, str] | None = None,
                    exclude: Collection[str] = ()) -> Benchmark:
    """Distributions and positions over the given partnerships' scores (one bank and wave)."""
    excluded = set(exclude)
    kept = sorted((s for s in scores if s.partnership not in excluded),
                  key=lambda s: s.partnership)
    groups = dict(groups or {})
    area_ids = [a.id for a in bank.areas] + [OVERALL]
    titles = {a.id: a.title for a in bank.areas} | {OVERALL: "Overall"}

    values: dict[str, dict[str, float]] = {a: {} for a in area_ids}  # area -> code -> score
    shown: dict[str, dict[str, float]] = {a: {} for a in area_ids}  # placed or not
    below: dict[str, list[str]] = {a: [] for a in area_ids}
    for s in kept:
        for result in s.areas:
            if result.score is not None and result.id in values:
                shown[result.id][s.partnership] = result.score
                if result.quorum:
                    values[result.id][s.partnership] = result.score
                else:
                    below[result.id].append(s.partnership)
        if s.overall is not None:
            shown[OVERALL][s.partnership] = s.overall
            if s.overall_quorum:
                values[OVERALL][s.partnership] = s.overall
            else:
                below[OVERALL].append(s.partnership)

    min_count = bank.min_count
    region_of = {s.partnership: regions.get(s.partnership, "") for s in kept}
    group_of = {s.partnership: groups.get(s.partnership, "") for s in kept}
    region_counts = _counts_by(values, region_of)
    group_counts = _counts_by(values, group_of)
    region_means = _means_by(values, region_of, min_count)
    group_means = _means_by(values, group_of, min_count)

    distributions = {a: AreaDistribution.of(a, titles[a], list(values[a].values()), min_count)
                     for a in area_ids}
    # Each area's scores as published, once: every partnership is placed among the same ones.
    published_values = {a: sorted(published(v) for v in values[a].values()) for a in area_ids}
    positions: list[Position] = []
    overall_positions: list[Position] = []
    for s in kept:
        region, group = regions.get(s.partnership, ""), groups.get(s.partnership, "")
        for area_id in area_ids:
            score = values[area_id].get(s.partnership)
            if score is None and s.partnership in shown[area_id]:
                position = Position(s.partnership, area_id, shown[area_id][s.partnership],
                                    None, None, None, None, None, group, quorum=False)
            else:
                position = _position(s.partnership, area_id, score,
                                     published_values[area_id], distributions[area_id],
                                     region_means.get(region, {}).get(area_id),
                                     group_means.get(group, {}).get(area_id), group, min_count)
                position = replace(
                    position, region_n=region_counts.get(region, {}).get(area_id, 0),
                    group_n=group_counts.get(group, {}).get(area_id, 0) if group else 0)
            (overall_positions if area_id == OVERALL else positions).append(position)

    def area_only(means: dict[str, dict[str, _V]]) -> dict[str, dict[str, _V]]:
        return {k: {a: m for a, m in v.items() if a != OVERALL} for k, v in means.items()}

    return Benchmark(
        bank=bank.id, wave=kept[0].wave if kept else "", count=len(kept),
        areas=tuple(distributions[a.id] for a in bank.areas), positions=tuple(positions),
        scores=tuple(kept), regions={s.partnership: regions.get(s.partnership, "") for s in kept},
        region_means=area_only(region_means), overall=distributions[OVERALL],
        overall_positions=tuple(overall_positions),
        groups={code: g for code, g in groups.items() if code not in excluded},
        group_means=area_only(group_means),
        below_quorum={a: tuple(c) for a, c in below.items() if c},
        unmatched_groups=tuple(sorted(set(groups) - {s.partnership for s in kept}
                                      - excluded)),
        excluded=tuple(sorted({s.partnership for s in scores} & excluded)),
        min_count=min_count, region_counts=area_only(region_counts),
        group_counts=area_only(group_counts),
        places={a: _places_that_separate(positions + overall_positions, a) for a in area_ids})


def trend(before: PartnershipScores, after: PartnershipScores) -> list[dict]:
    """Per area (later wave's order, then any only in the earlier): id, title, from, to, change.

    The change is between the published (2-decimal) scores: 0.0 when both read the same.
    """
    earlier = {a.id: a for a in before.areas}
    later = {a.id: a for a in after.areas}
    rows = []
    for area_id in list(later) + [a for a in earlier if a not in later]:
        old, new = earlier.get(area_id), later.get(area_id)
        was = old.score if old else None
        now = new.score if new else None
        # area_id is a key of later or of earlier, so one of them names it
        title = later[area_id].title if area_id in later else earlier[area_id].title
        rows.append({"id": area_id, "title": title, "from": was, "to": now,
                     "change": difference(now, was)})
    return rows


def version_change(before: Iterable[str], after: Iterable[str]) -> dict:
    """{"from": [versions], "to": [versions], "changed": bool} for two waves' bank versions.

    Empty versions (responses stored before versions were recorded) are left out; the versions
    changed when the two sets differ, or either wave mixes versions.
    """
    was = sorted({v for v in before if v})
    now = sorted({v for v in after if v})
    return {"from": was, "to": now, "changed": bool(was and now) and
            (was != now or len(was) > 1 or len(now) > 1)}


# ---------------------------------------------------------------- internals


def _position(code: str, area_id: str, score: float | None, shown: list[float],
              distribution: AreaDistribution, region_mean: float | None,
              group_mean: float | None, group: str = "", min_count: int = 2) -> Position:
    """`shown`: the area's scores as published (2 decimals), among which `score` is placed;
    placed only among at least `min_count` (and never fewer than 2)."""
    if score is None:
        return Position(code, area_id, None, None, None, None, None, None, group, n=len(shown))
    compared = len(shown) >= max(2, min_count)
    # Ranked at the published precision: two scores that both read 44.44 tie exactly.
    x = published(score)
    return Position(
        partnership=code, area=area_id, score=score,
        quartile=quartile_of(shown, x) if compared else None,
        percentile_rank=percentrank_inc(shown, x) if compared else None,
        # Between the figures as published, beside which each is read: a partnership at the
        # median is 0.0 from it, not the -0.00333 its unrounded score would give.
        vs_median=difference(score, distribution.median),
        vs_region=difference(score, region_mean),
        vs_group=difference(score, group_mean), group=group,
        region_mean=region_mean, group_mean=group_mean,
        n=len(shown), withheld=None if compared else f"fewer than {max(2, min_count)}")


def _places_that_separate(positions: Sequence[Position], area_id: str) -> int:
    """2 where two scores read the same at one decimal but fall in different quartile bands
    (61.53 in C, 61.52 in D), so the table shows what separates them; else 1."""
    bands: dict[float, set] = defaultdict(set)
    for p in positions:
        if p.area == area_id and p.score is not None and p.quartile is not None:
            bands[round(published(p.score), 1)].add(p.quartile)
    return 2 if any(len(b) > 1 for b in bands.values()) else 1


def _counts_by(values: dict[str, dict[str, float]],
               membership: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """How many partnerships of each region (or group) have a score, per area."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area_id, by_code in values.items():
        for code in by_code:
            name = membership.get(code, "")
            if name:
                counts[name][area_id] += 1
    return {name: dict(areas) for name, areas in sorted(counts.items())}


def _means_by(values: dict[str, dict[str, float]],
              membership: Mapping[str, str], min_count: int = 1) -> dict[str, dict[str, float]]:
    """Mean score per region (or group) per area over at least `min_count` partnerships;
    partnerships without one are left out."""
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for area_id, by_code in values.items():
        for code, score in by_code.items():
            name = membership.get(code, "")
            if name:
                collected[name][area_id].append(score)
    return {name: {a: math.fsum(v) / len(v) for a, v in areas.items() if len(v) >= min_count}
            for name, areas in sorted(collected.items())}


def _truncate(value: float, digits: int) -> float:
    # Excel truncates; the 15-digit snap first stops 0.3 (stored as 0.29999...) becoming 0.299.
    scale = 10 ** digits
    return math.floor(float(f"{value * scale:.15g}")) / scale


def _r(value: float | None) -> float | None:
    return published(value)
