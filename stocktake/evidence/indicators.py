"""DfE's published indicators (LAIT's data): the shipped extract, or a user's newer one.

The shipped data (`stocktake/data/indicators.json.gz`, built by :mod:`stocktake.evidence.build`)
holds LAIT's dictionary of every measure and the series of the measures stocktake ships. A newer
extract in LAIT's long format (a `.csv` or `.csv.gz` with the columns `Short Desc`, `Years`,
`LA and Regions`, `Values`, `LA Number`; `Data item` and `Region` are read when present), or a
folder holding `indicators_long.csv.gz` and optionally `lait_data_dictionary.csv`, replaces the
shipped series when given with `--indicators PATH` or `STOCKTAKE_INDICATORS`.

    data = load_indicators()                          # the shipped data, or $STOCKTAKE_INDICATORS
    data.measure("Work_Force_Vac_Rate").polarity      # "Low": lower is better
    data.series["Work_Force_Vac_Rate"].values["202"]  # Camden's values, one per year, as published

Values are kept as published: a float, or the text code (e.g. `-`) of a value not published, or
None where the extract has no row. Only floats are ever counted, averaged or banded.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import json
import math
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from collections.abc import Mapping
from pathlib import Path

from stocktake.errors import StocktakeError

REQUIRED_COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
ENV_VAR = "STOCKTAKE_INDICATORS"
# LAIT numbers regions and England from 970 up (970 England, 980-990 the regions, with London
# also split into Inner 987 and Outer 988); every number below is an authority.
FIRST_NON_AUTHORITY = 970
ENGLAND = "970"
LONDON = "986"
CREDIT = ("Contains public sector information licensed under the Open Government Licence v3.0 "
          "(Department for Education, Local Authority Interactive Tool)")

Value = float | str | None


@dataclass(frozen=True)
class Measure:
    """One measure of LAIT's dictionary. `polarity` is "High" or "Low" (which way is better) or ""
    for none; `dps` the decimal places to show (None: not given, shown to 1)."""

    id: str
    title: str
    topics: tuple[str, ...] = ()
    polarity: str = ""
    unit: str = ""
    dps: int | None = None
    no_quartile: bool = False
    year_type: str = ""
    owner: str = ""
    link: str = ""
    last_update: str = ""
    next_update: str = ""
    # Who the measure counts where that is narrower than all children ("children in care",
    # "care leavers"): stocktake's own label in measures.json, not LAIT's, shown with the title
    # so that a figure about children in care is not read as one about every child.
    cohort: str = ""

    @property
    def label(self) -> str:
        """The title as shown: with its cohort, "Children missing ... (children in care only)"."""
        return f"{self.title} ({self.cohort} only)" if self.cohort else self.title

    @property
    def source(self) -> str:
        """Who publishes it and when it changes, as a sentence's words: "Department for
        Education, updated 1 November 2025, next 1 November 2026" ("" when LAIT says none)."""
        from stocktake.text.dates_in_words import in_words

        parts = [self.owner] if self.owner else []
        if self.last_update:
            parts.append(f"updated {in_words(self.last_update)}")
        if self.next_update:
            parts.append(f"next {in_words(self.next_update)}")
        return ", ".join(parts)

    @property
    def banded(self) -> bool:
        """Whether LAIT gives this measure a quartile band: it needs a polarity and no
        `No_Quartile` mark."""
        return self.polarity in ("High", "Low") and not self.no_quartile

    @property
    def places(self) -> int:
        return 1 if self.dps is None else self.dps


@dataclass(frozen=True)
class Series:
    """One measure's years (labels as published, oldest first) and each LA number's values,
    aligned with the years."""

    years: tuple[str, ...]
    values: dict[str, list[Value]]

    @property
    def year_numbers(self) -> tuple[int, ...]:
        return tuple(year_number(y) for y in self.years)


class LazySeries(Mapping):
    """Series by measure id, each parsed from its JSON text the first time it is asked for."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self._parsed: dict[str, Series] = {}

    def __getitem__(self, measure_id: str) -> Series:
        found = self._parsed.get(measure_id)
        if found is None:
            one = json.loads(self._texts[measure_id])
            found = self._parsed[measure_id] = Series(tuple(one["years"]), one["values"])
        return found

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


@dataclass
class Indicators:
    measures: dict[str, Measure]
    series: Mapping[str, Series]
    places: dict[str, tuple[str, str]]  # LA number -> (name, region) as the data gives them
    source: str = "shipped"
    credit: str = CREDIT
    _region_numbers: dict[str, str] = field(default_factory=dict, repr=False)

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id; an unknown id raises StocktakeError naming the nearest ids."""
        found = self.measures.get(measure_id)
        if found is None:
            raise StocktakeError(f"unknown measure '{measure_id}'",
                                 hint=suggest(measure_id, self.measures))
        return found

    def region_number(self, region_name: str) -> str | None:
        """The LA number of a region row ("London (Outer)" -> "988"), matched without case."""
        if not self._region_numbers:
            self._region_numbers.update({name.casefold(): number
                                         for number, (name, _r) in self.places.items()
                                         if is_region_or_england(number)})
        return self._region_numbers.get(region_name.strip().casefold())


def suggest(unknown: str, known) -> str:
    close = difflib.get_close_matches(unknown, list(known), n=3, cutoff=0.5)
    if not close:
        lowered = unknown.casefold()
        close = [k for k in known if lowered in k.casefold()][:3]
    if close:
        return "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
    return "run `stocktake evidence CODE --json` to see the measure ids"


def is_region_or_england(la_number: str) -> bool:
    try:
        return int(la_number) >= FIRST_NON_AUTHORITY
    except ValueError:
        return False


def year_number(label: str) -> int:
    """LAIT's `Years_num`: the first four characters of the year label as a number ("2023-24
    (OT)" -> 2023). Raises ValueError when they are not digits."""
    head = label.strip()[:4]
    if not head.isdigit():
        raise ValueError(f"year {label!r} does not start with a year")
    return int(head)


def parse_value(text: str) -> Value:
    """A published value: a finite number as float, anything else (`-`, `x`, `c`, `..`) kept as
    its text code, which means not published. Never 0 for a code."""
    cleaned = text.strip()
    try:
        number = float(cleaned)
    except ValueError:
        return cleaned
    if not math.isfinite(number):
        return cleaned
    return number


def is_published(value: Value) -> bool:
    return isinstance(value, float)


def la_key(text: str) -> str:
    text = (text or "").strip()
    try:
        return str(int(float(text)))
    except ValueError:
        return text


# ---------------------------------------------------------------- loading


def shipped_payload() -> dict:
    raw = resources.files("stocktake").joinpath("data/indicators.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


@cache
def shipped_dictionary() -> dict[str, Measure]:
    """LAIT's dictionary of all its measures, by id (shipped `measures.json`, small)."""
    text = resources.files("stocktake").joinpath("data/measures.json").read_text(encoding="utf-8")
    return _measures_from(json.loads(text))


def _measures_from(payload: dict) -> dict[str, Measure]:
    return {mid: Measure(id=mid, title=m["title"], topics=tuple(m["topics"]),
                         polarity=m["polarity"], unit=m["unit"], dps=m["dps"],
                         no_quartile=m["no_quartile"], year_type=m["year_type"],
                         owner=m["owner"], link=m["link"], last_update=m["last_update"],
                         next_update=m["next_update"], cohort=m.get("cohort", ""))
            for mid, m in payload["measures"].items()}


@cache
def load_shipped() -> Indicators:
    payload = shipped_payload()
    series = LazySeries(payload["series"])
    places = {k: (v[0], v[1]) for k, v in payload["places"].items()}
    return Indicators(dict(shipped_dictionary()), series, places, source="shipped",
                      credit=payload.get("credit", CREDIT))


def load_indicators(path: str | Path | None = None) -> Indicators:
    """The indicators to use: `path` if given, else $STOCKTAKE_INDICATORS, else the shipped data.

    A path is a LAIT long-format CSV (optionally gzipped) or a folder holding
    `indicators_long.csv.gz` (and optionally `lait_data_dictionary.csv`, whose polarity, units and
    dates then replace the shipped dictionary's). Raises StocktakeError for a missing file, a file
    that is not LAIT's long format (naming the missing columns), or a row that cannot be read
    (naming file and line)."""
    chosen = path if path else os.environ.get(ENV_VAR, "").strip() or None
    if not chosen:
        return load_shipped()
    target = Path(chosen)
    try:
        stamp = target.stat()
        key = (str(target.resolve()), stamp.st_mtime_ns, stamp.st_size)
    except OSError:
        return load_extract(target)  # raises the not-found error
    # Read once per process and file version: `export --all` writes a workbook per partnership.
    return _load_extract_cached(key)


@cache
def _load_extract_cached(key: tuple[str, int, int]) -> Indicators:
    return load_extract(Path(key[0]))


def load_extract(path: Path) -> Indicators:
    shipped = shipped_payload()
    measures = dict(shipped_dictionary())
    long_file = path
    if path.is_dir():
        long_file = path / "indicators_long.csv.gz"
        if not long_file.is_file():
            long_file = path / "indicators_long.csv"
        dictionary = path / "lait_data_dictionary.csv"
        if dictionary.is_file():
            measures.update(_read_user_dictionary(dictionary))
    if not long_file.is_file():
        raise StocktakeError(f"indicators file not found: {long_file}",
                             hint="give a LAIT long-format CSV (or .csv.gz), or a folder holding "
                                  "indicators_long.csv.gz")
    series, places, titles = read_long_format(long_file)
    for mid, title in titles.items():
        if mid not in measures:
            # A measure newer than the shipped dictionary: shown, with no polarity, so no band.
            measures[mid] = Measure(id=mid, title=title or mid)
    merged_places = {k: (v[0], v[1]) for k, v in shipped["places"].items()}
    merged_places.update(places)
    return Indicators(measures, series, merged_places, source=str(path))


def _read_user_dictionary(path: Path) -> dict[str, Measure]:
    from stocktake.evidence.dictionary import read_dictionary

    try:
        rows = read_dictionary(path)
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise StocktakeError(f"{path}: not LAIT's data dictionary ({exc})",
                             hint="its columns should include Measure_short, Polarity, "
                                  "y_axis_name, dps, No_Quartile, Last Update, Next Update")
    return _measures_from({"measures": rows})


def _open_text(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_long_format(path: Path) -> tuple[dict[str, Series], dict[str, tuple[str, str]],
                                          dict[str, str]]:
    """Every row of a LAIT long-format file, checked whole: the series by measure, the places by
    LA number and the measures' names (`Data item`). Raises StocktakeError naming the file and what is wrong."""
    try:
        handle = _open_text(path)
        with handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise StocktakeError(
                    f"{path}: not LAIT's long format: missing column(s) {', '.join(missing)}",
                    hint="the header must include " + ", ".join(REQUIRED_COLUMNS)
                         + f" (found: {', '.join(header) or 'no header'})")
            raw: dict[str, dict[str, dict[str, str]]] = {}
            labels: dict[str, dict[int, str]] = {}
            places: dict[str, tuple[str, str]] = {}
            titles: dict[str, str] = {}
            problems: list[str] = []
            for line, row in enumerate(reader, start=2):
                mid = (row["Short Desc"] or "").strip()
                year = (row["Years"] or "").strip()
                number = la_key(row["LA Number"] or "")
                if not mid:
                    problems.append(f"line {line}: no measure id in 'Short Desc'")
                    continue
                if not number.isdigit():
                    problems.append(f"line {line}: 'LA Number' {row['LA Number']!r} is not a number")
                    continue
                try:
                    ynum = year_number(year)
                except ValueError:
                    problems.append(f"line {line}: 'Years' {year!r} does not start with a year")
                    continue
                seen = labels.setdefault(mid, {})
                if seen.get(ynum, year) != year:
                    problems.append(f"line {line}: {mid} has two labels for {ynum}: "
                                    f"{seen[ynum]!r} and {year!r}")
                    continue
                seen[ynum] = year
                values = raw.setdefault(mid, {}).setdefault(number, {})
                if year in values:
                    problems.append(f"line {line}: a second row for {mid}, {year}, LA {number}")
                    continue
                values[year] = row["Values"] or ""
                places.setdefault(number, ((row["LA and Regions"] or "").strip(),
                                           (row.get("Region") or "").strip()))
                if not titles.get(mid):
                    titles[mid] = (row.get("Data item") or "").strip()
                if len(problems) > 50:
                    break
    except (OSError, UnicodeDecodeError, gzip.BadGzipFile, csv.Error) as exc:
        raise StocktakeError(f"{path}: cannot be read as a CSV file ({exc})",
                             hint="give a LAIT long-format CSV, UTF-8, optionally gzipped")
    if problems:
        raise StocktakeError(f"{path}: {len(problems)} row(s) cannot be read; nothing was used",
                             hint="fix these rows, or export the extract again from LAIT's data",
                             details=problems[:50])
    if not raw:
        raise StocktakeError(f"{path}: no indicator rows", hint="the file has a header but no data")
    series = {}
    for mid, by_la in raw.items():
        years = tuple(labels[mid][n] for n in sorted(labels[mid]))
        series[mid] = Series(years, {la: [parse_value(v) if (v := vals.get(y)) is not None else None
                                          for y in years]
                                     for la, vals in by_la.items()})
    return series, places, titles
