"""One authority's evidence, measure by measure, as LAIT shows it. Pure: data in, data out.

For each measure: the latest year (the measure's latest year across all areas, as LAIT takes it)
and the authority's value then, the year before and the change (only when the years are
consecutive and both values are published, as LAIT), the series, the mean of the statistical
neighbours' published values that year and how many were counted, the region's and England's
values, the quartile band (:mod:`stocktake.evidence.bands`), and the source. A comparator (England,
the region) outside the range of the authorities' own values is named as not comparable
(`not_comparable`); a measure with no polarity is context (`CONTEXT`), never banded or flagged.

    view = measure_evidence(data, "202", "Work_Force_Vac_Rate", group=neighbours_of("202"))
    view.band, view.neighbours_mean, view.to_json()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

from stocktake.evidence.bands import quartile_band
from stocktake.evidence.indicators import (ENGLAND, LONDON, Indicators, Measure, Series, Value,
                                           is_published, is_region_or_england, year_number)
from stocktake.evidence.neighbours import NeighbourGroup
from stocktake.arithmetic.precision import fixed

SPARKS = "▁▂▃▄▅▆▇█"
# A measure DfE gives no polarity: shown beside the self-view, never read as better or worse.
CONTEXT = "context: no better or worse direction"
# How a bank links a measure to an area, written after the area's key ("bank/area (context)"):
# a context link is shown beside the area but never enters its self-view flag; a period bank's
# links are to today's figures, which are present-day equivalents, not figures of its period.
CONTEXT_LINK = "context"
PRESENT_DAY = "present-day equivalent"
LINK_NOTES = {
    CONTEXT_LINK: "context only: shown beside the area, never part of its flag",
    PRESENT_DAY: "present-day equivalent: today's published figure, not one of the bank's period",
}


@dataclass(frozen=True)
class YearValue:
    year: str | None
    value: Value  # float when published; the text code (or None) when not

    @property
    def published(self) -> bool:
        return is_published(self.value)

    def to_json(self) -> dict:
        return {"year": self.year, "value": self.value if self.published else None,
                "published": self.published,
                **({"code": self.value} if isinstance(self.value, str) else {})}


@dataclass(frozen=True)
class MeasureEvidence:
    measure: Measure
    areas: tuple[str, ...]
    latest: YearValue
    previous: YearValue
    change: float | None
    neighbours_mean: float | None
    neighbours_counted: int
    neighbours_in_group: int
    region_name: str | None
    region_value: Value
    england: Value
    band: str | None
    series: tuple[YearValue, ...] = field(default=())
    # The lowest and highest of the authorities' own published values in the latest year.
    authorities_range: tuple[float, float] | None = None

    @property
    def context(self) -> bool:
        """True for a measure with no better or worse direction (no polarity in DfE's
        dictionary): context, never banded or flagged."""
        return self.measure.polarity not in ("High", "Low")

    @property
    def not_comparable(self) -> tuple[str, ...]:
        """The comparators ("England", the region's name) whose value lies outside the range of
        every authority's own value: published on another basis (LAIT's England row of
        first-time entrants is per 100,000 of another population), so not set beside the
        authority's. The neighbours' mean is of authorities' values, so always inside."""
        if self.authorities_range is None:
            return ()
        low, high = self.authorities_range
        outside = []
        for name, value in (("England", self.england), (self.region_name, self.region_value)):
            if name and _published(value) and not low <= value <= high:
                outside.append(name)
        return tuple(outside)

    def comparator_notes(self) -> list[str]:
        """One sentence per comparator that is not comparable, saying why."""
        if not self.not_comparable:
            return []
        low, high = self.authorities_range  # type: ignore[misc]
        places = self.measure.places
        notes = []
        for name in self.not_comparable:
            value = self.england if name == "England" else self.region_value
            notes.append(
                f"{self.measure.label}: {name}'s value ({format_value(value, places)}) lies "
                f"outside the range of the authorities' own values ({format_value(low, places)} "
                f"to {format_value(high, places)}), so it is published on another basis and is "
                "not a comparison; it takes no part in the band or the self-view flag.")
        return notes

    def to_json(self) -> dict:
        m = self.measure
        return {
            "id": m.id, "title": m.title, "label": m.label, "cohort": m.cohort or None,
            "areas": list(self.areas),
            "polarity": m.polarity or None, "unit": m.unit, "dps": m.places,
            "latest": self.latest.to_json(), "previous": self.previous.to_json(),
            "change": _clean(self.change),
            "neighbours_mean": _clean(self.neighbours_mean),
            "neighbours_counted": self.neighbours_counted,
            "region": {"name": self.region_name, "value": _number(self.region_value)},
            "england": _number(self.england),
            "band": self.band,
            "context": self.context,
            "authorities_range": (None if self.authorities_range is None
                                  else [_clean(v) for v in self.authorities_range]),
            "not_comparable": list(self.not_comparable),
            "series": [{"year": s.year, "value": _number(s.value)} for s in self.series],
            "source": {"owner": m.owner, "last_update": m.last_update,
                       "next_update": m.next_update, "link": m.link},
        }

    def sparkline(self) -> str:
        return sparkline([s.value for s in self.series])


def measure_evidence(data: Indicators, la_number: str, measure_id: str, *,
                     group: NeighbourGroup | None, region: str = "",
                     areas: tuple[str, ...] = ()) -> MeasureEvidence:
    """The evidence of one measure for the authority with DfE LA number `la_number`.

    `group` is its statistical neighbours (None: no mean); `region` the region name to use when
    the group gives none. Raises StocktakeError for an unknown measure id."""
    measure = data.measure(measure_id)
    series = data.series.get(measure_id)
    if series is None or not series.years:
        empty = YearValue(None, None)
        return MeasureEvidence(measure, areas, empty, empty, None, None, 0,
                               len(group.neighbours) if group else 0, None, None, None, None, ())
    numbers = series.year_numbers
    last = len(series.years) - 1
    own = series.values.get(la_number, [None] * len(series.years))
    latest = YearValue(series.years[last], own[last])
    previous = YearValue(None, None)
    change = None
    if last > 0 and numbers[last - 1] == numbers[last] - 1:
        previous = YearValue(series.years[last - 1], own[last - 1])
        if latest.published and previous.published:
            change = latest.value - previous.value  # type: ignore[operator]
    counted: list[float] = []
    if group:
        for n in group.neighbours:
            value = series.values.get(n.la_number, [None] * len(series.years))[last]
            if _published(value):
                counted.append(value)
    mean = sum(counted) / len(counted) if counted else None
    region_name, region_number = _region(data, series, group.region if group else region)
    region_value = series.values.get(region_number, [None] * (last + 1))[last] if region_number else None
    england = series.values.get(ENGLAND, [None] * (last + 1))[last]
    authorities: list[float] = []
    for la, values in series.values.items():
        theirs = values[last]
        if not is_region_or_england(la) and _published(theirs):
            authorities.append(theirs)
    band = quartile_band(latest.value if _published(latest.value) else None, authorities,
                         measure.polarity, measure.no_quartile)
    return MeasureEvidence(
        measure, areas, latest, previous, change, mean, len(counted),
        len(group.neighbours) if group else 0, region_name, region_value, england, band,
        tuple(YearValue(y, own[i]) for i, y in enumerate(series.years)),
        (min(authorities), max(authorities)) if authorities else None)


def _region(data: Indicators, series: Series, name: str) -> tuple[str | None, str | None]:
    """The region row to show beside an authority: its own, and for a London borough Inner or
    Outer London where the measure publishes them, else London (LAIT's clean_ldn_region)."""
    if not name:
        return None, None
    candidates = [name]
    if name.casefold().startswith("london") and name.casefold() != "london":
        candidates.append("London")
    for candidate in candidates:
        number = data.region_number(candidate)
        if number and any(is_published(v) for v in series.values.get(number, [])):
            return data.places[number][0], number
    number = data.region_number(candidates[-1])
    if number is None and candidates[-1] == "London":
        number = LONDON
    return (data.places[number][0] if number in data.places else candidates[-1]), number


def format_value(value: Value, places: int) -> str:
    """A value to the measure's decimal places; "not published" for a code or no row."""
    if not is_published(value):
        return "not published"
    return fixed(float(value), places, grouped=True)  # type: ignore[arg-type]


def sparkline(values: list[Value]) -> str:
    """The series as block characters, lowest to highest; `·` for a year not published."""
    numbers = [v for v in values if _published(v)]
    if not numbers:
        return "·" * len(values)
    low, high = min(numbers), max(numbers)
    out = []
    for v in values:
        if _published(v):
            out.append(SPARKS[3] if high == low
                       else SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))])
        else:
            out.append("·")
    return "".join(out)


def latest_year_number(data: Indicators, measure_id: str) -> int | None:
    series = data.series.get(measure_id)
    return year_number(series.years[-1]) if series and series.years else None


def _published(value: Value) -> TypeGuard[float]:
    # is_published says exactly "a float" (a text code or None is not published): the guard
    # lets the checker know a published value is a number.
    return is_published(value)


def _number(value: Value) -> float | None:
    return _clean(value) if is_published(value) else None


def _clean(value) -> float | None:
    # Float noise from the source's binary values ("21.700000000000003") is not information.
    return None if value is None else round(value, 10)


# ---------------------------------------------------------------- one partnership


@dataclass(frozen=True)
class PartnershipEvidence:
    code: str
    name: str
    la_number: str
    region: str
    group: NeighbourGroup | None
    measures: tuple[MeasureEvidence, ...]
    source: str
    credit: str

    def to_json(self) -> dict:
        return {"partnership": self.code, "name": self.name, "dfe_la_number": self.la_number,
                "source": self.source, "credit": self.credit,
                "indicators": [m.to_json() for m in self.measures]}

    def bands_for(self, area_key: str) -> list[str | None]:
        """The bands of the measures `area_key` ("bank/area") links as evidence: context
        links are shown but never counted."""
        return [m.band for m in self.measures
                if any(link_area(k) == area_key and CONTEXT_LINK not in link_notes(k)
                       for k in m.areas)]


def authority_for_evidence(code: str):
    """The shipped authority for a partnership code, with its DfE LA number. Raises
    StocktakeError when the code is not an English authority or has no DfE number."""
    from stocktake.errors import StocktakeError
    from stocktake.partnerships.reference import authority

    found = authority(code)
    if found is None:
        raise StocktakeError(
            f"{code} is not an English children's services authority, so DfE publishes no "
            "indicators for it", hint="evidence needs a GSS code from the shipped list, e.g. "
                                      "E09000007; the rest of stocktake works as before")
    if not found.dfe_la_number:
        raise StocktakeError(
            f"{found.name} ({found.code}) has no DfE LA number of its own (ended "
            f"{found.end_date or 'before DfE numbered it'})",
            hint="use its successor: " + (", ".join(found.replaced_by) or "none listed"))
    return found


def partnership_evidence(data: Indicators, code: str,
                         links: dict[str, tuple[str, ...]]) -> PartnershipEvidence:
    """Every linked measure for the partnership `code`; `links` maps each measure id to the
    areas ("bank/area") that link it, in the order to show. Raises StocktakeError for a code that
    is not an English authority or an unknown measure id."""
    from stocktake.evidence.neighbours import neighbours_of

    found = authority_for_evidence(code)
    for measure_id in links:
        data.measure(measure_id)
    group = neighbours_of(found.dfe_la_number)
    region = group.region if group else found.region
    views = tuple(measure_evidence(data, found.dfe_la_number, mid, group=group, region=region,
                                   areas=areas) for mid, areas in links.items())
    return PartnershipEvidence(found.code, found.name, found.dfe_la_number, region, group, views,
                               data.source, data.credit)


def bank_links(banks, area: str | None = None) -> dict[str, tuple[str, ...]]:
    """The measures the banks link, each with the areas linking it, in bank and area order:
    "bank/area" for evidence, with the link's notes in brackets after it ("bank/area
    (context)", "bank/area (present-day equivalent)" for a bank with a `period`; see
    :func:`link_key`). `area` keeps one area's links only."""
    links: dict[str, list[str]] = {}
    for bank in banks:
        present_day = bool(getattr(bank, "period", ""))
        # One figure drives one area's flag: a bank (an older edition, say) linking a measure as
        # evidence to several areas has it as evidence in the first and context in the rest.
        first_area: dict[str, str] = {}
        for a in bank.areas:
            for mid in a.indicators:
                first_area.setdefault(mid, a.id)
        for a in bank.areas:
            if area is not None and a.id != area:
                continue
            for mid in a.indicators:
                links.setdefault(mid, []).append(link_key(
                    bank.id, a.id, context=first_area[mid] != a.id, present_day=present_day))
            for mid in getattr(a, "context", ()):
                links.setdefault(mid, []).append(link_key(bank.id, a.id, context=True,
                                                          present_day=present_day))
    return {mid: tuple(areas) for mid, areas in links.items()}


def link_key(bank_id: str, area_id: str, *, context: bool = False,
             present_day: bool = False) -> str:
    """"bank/area", with "(context)", "(present-day equivalent)" or both after it."""
    notes = [n for n, on in ((CONTEXT_LINK, context), (PRESENT_DAY, present_day)) if on]
    return f"{bank_id}/{area_id}" + (f" ({', '.join(notes)})" if notes else "")


def link_area(key: str) -> str:
    """"bank/area (context)" -> "bank/area"."""
    return key.split(" (", 1)[0]


def link_notes(key: str) -> tuple[str, ...]:
    """"bank/area (context, present-day equivalent)" -> ("context", "present-day equivalent")."""
    if " (" not in key or not key.endswith(")"):
        return ()
    return tuple(n.strip() for n in key.split(" (", 1)[1][:-1].split(","))
