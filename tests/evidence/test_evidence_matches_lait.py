"""Every shipped measure, every authority: `evidence --json` against a recomputation from DfE's
own LAIT files (../shared/reference/lait), done here independently of stocktake's code: the
latest value, LAIT's quartile band and the statistical neighbours' mean."""

from __future__ import annotations

import csv
import gzip
import json
import re
import statistics
from collections import defaultdict
from functools import cache

import pytest

from stocktake.evidence.build import find_shared_lait

from helpers.paths import REPO

LAIT = find_shared_lait()
pytestmark = pytest.mark.skipif(LAIT is None, reason="the shared LAIT files "
                                "(shared/reference/lait) are not on this machine")


@pytest.fixture(autouse=True)
def _shipped_indicators(monkeypatch):
    monkeypatch.delenv("STOCKTAKE_INDICATORS", raising=False)


@cache
def shipped_ids() -> tuple[str, ...]:
    from stocktake.evidence.indicators import load_shipped

    return tuple(sorted(load_shipped().series))


@cache
def source() -> tuple[dict, dict]:
    """raw[measure][(la, year)] = text as published; labels[measure] = {year labels}."""
    wanted = set(shipped_ids())
    raw: dict = defaultdict(dict)
    labels: dict = defaultdict(set)
    with gzip.open(LAIT / "indicators_long.csv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Short Desc"] in wanted:
                la = str(int(float(row["LA Number"])))
                raw[row["Short Desc"]][(la, row["Years"])] = row["Values"]
                labels[row["Short Desc"]].add(row["Years"])
    return raw, labels


@cache
def dictionary() -> dict:
    """Polarity and No_Quartile per measure; of a measure listed under two topics, the entry
    updated last."""
    out: dict = {}
    with open(LAIT / "lait_data_dictionary.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            old = out.get(row["Measure_short"])
            if old is None or _serial(row["Last Update"]) > _serial(old["Last Update"]):
                out[row["Measure_short"]] = row
    return out


def _serial(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1


@cache
def neighbour_lists() -> dict[str, list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(LAIT / "sn_may_2025.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "LA num") + 1
    return {str(r[0]): [str(r[c]) for c in range(5, 25, 2)] for r in rows[start:] if r[0]}


def current_authorities() -> list[tuple[str, str]]:
    path = LAIT.parent / "english-childrens-services-authorities.csv"
    with open(path, encoding="utf-8") as handle:
        return [(r["code"], r["dfe_la_number"]) for r in csv.DictReader(handle)
                if not r["end_date"] and r["dfe_la_number"]]


def number(text: str | None) -> float | None:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def expected(measure: str, la: str) -> dict:
    raw, labels = source()
    latest = max(labels[measure], key=lambda y: int(y[:4]))
    value = number(raw[measure].get((la, latest)))
    entry = dictionary()[measure]
    band = None
    if entry["Polarity"] in ("High", "Low") and not entry["No_Quartile"].strip() and value is not None:
        values = [v for (other, year), text in raw[measure].items()
                  if year == latest and int(other) < 970 and (v := number(text)) is not None]
        q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        rank = 0 if value <= q1 else 1 if value <= q2 else 2 if value <= q3 else 3
        band = "ABCD"[rank] if entry["Polarity"] == "Low" else "DCBA"[rank]
    counted = [v for n in neighbour_lists().get(la, [])
               if (v := number(raw[measure].get((n, latest)))) is not None]
    return {"year": latest, "value": value, "band": band,
            "mean": statistics.fmean(counted) if counted else None, "counted": len(counted)}


def test_every_shipped_measure_and_authority_matches_a_recomputation_from_lait(cli):
    ids = shipped_ids()
    assert len(ids) >= 40
    args = [a for mid in ids for a in ("--indicator", mid)]
    checked = 0
    for code, la in current_authorities():
        result = cli("evidence", code, *args, "--json")
        assert result.exit_code == 0, result.output
        shown = {m["id"]: m for m in json.loads(result.stdout)["indicators"]}
        assert set(shown) == set(ids)
        for mid in ids:
            want, got = expected(mid, la), shown[mid]
            where = f"{code} (LA {la}) {mid}"
            assert got["latest"]["year"] == want["year"], where
            assert got["latest"]["value"] == pytest.approx(want["value"], abs=1e-9), where
            assert got["band"] == want["band"], where
            assert got["neighbours_counted"] == want["counted"], where
            if want["mean"] is None:
                assert got["neighbours_mean"] is None, where
            else:
                assert got["neighbours_mean"] == pytest.approx(want["mean"], abs=1e-8), where
            checked += 1
    assert checked == 153 * len(ids)


def _not_published_case() -> tuple[str, str, str]:
    """A shipped measure whose latest value for some current authority is published as '-'
    while most of its neighbours' values are numbers."""
    raw, labels = source()
    by_la = {la: code for code, la in current_authorities()}
    for mid in shipped_ids():
        latest = max(labels[mid], key=lambda y: int(y[:4]))
        for la, code in by_la.items():
            if raw[mid].get((la, latest)) == "-":
                return mid, code, la
    raise AssertionError("no unpublished latest value among the shipped measures")


def test_a_value_not_published_is_shown_as_not_published_never_zero_nor_counted(cli):
    mid, code, la = _not_published_case()
    got = json.loads(cli("evidence", code, "--indicator", mid, "--json").stdout)["indicators"][0]
    assert got["latest"]["published"] is False
    assert got["latest"]["value"] is None and got["latest"]["code"] == "-"
    assert got["band"] is None and got["change"] is None
    lines = cli("evidence", code, "--indicator", mid).stdout.splitlines()
    # The Value cell reads "not" over "published" (two lines, to fit 80 columns); never 0.
    assert any(re.search(r"\bnot\b", a) and "published" in b for a, b in zip(lines, lines[1:]))
    # A neighbour's '-' is left out of the mean, not counted as 0.
    raw, labels = source()
    for mid2 in shipped_ids():
        latest = max(labels[mid2], key=lambda y: int(y[:4]))
        for code2, la2 in current_authorities():
            sns = neighbour_lists().get(la2, [])
            texts = [raw[mid2].get((n, latest)) for n in sns]
            if "-" in texts and any(number(t) is not None for t in texts):
                shown = json.loads(cli("evidence", code2, "--indicator", mid2,
                                       "--json").stdout)["indicators"][0]
                numbers = [number(t) for t in texts if number(t) is not None]
                assert shown["neighbours_counted"] == len(numbers) < 10
                assert shown["neighbours_mean"] == pytest.approx(statistics.fmean(numbers))
                return
    pytest.fail("no neighbour group with an unpublished value among the shipped measures")


def test_a_measure_without_polarity_has_no_band_for_any_authority(cli):
    no_polarity = [m for m in shipped_ids() if dictionary()[m]["Polarity"] not in ("High", "Low")]
    assert no_polarity
    for code in ("E09000007", "E08000025", "E10000014"):
        got = json.loads(cli("evidence", code, "--indicator", no_polarity[0], "--json").stdout)
        assert got["indicators"][0]["band"] is None
        assert got["indicators"][0]["polarity"] is None
    marked = [m for m in shipped_ids() if dictionary()[m]["No_Quartile"].strip()
              and dictionary()[m]["Polarity"] in ("High", "Low")]
    for mid in marked:
        got = json.loads(cli("evidence", "E09000007", "--indicator", mid, "--json").stdout)
        assert got["indicators"][0]["band"] is None, mid


def test_neighbours_of_camden_are_the_shared_lists_ten_in_order(cli):
    result = cli("neighbours", "E09000007", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [n["dfe_la_number"] for n in got["neighbours"]] == neighbour_lists()["202"]
    assert got["dfe_la_number"] == "202"
    from openpyxl import load_workbook

    rows = list(load_workbook(LAIT / "sn_may_2025.xlsx", read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    camden = next(r for r in rows if r[0] == 202)
    assert [n["closeness"] for n in got["neighbours"]] == [camden[c] for c in range(6, 26, 2)]
    text = cli("neighbours", "E09000007").stdout
    names = [n["name"] for n in got["neighbours"]]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)


def test_rebuilding_the_shipped_data_from_the_shared_files_gives_the_same_bytes(tmp_path):
    from stocktake.evidence.build import build

    repo = REPO
    build(LAIT, tmp_path, repo / "question_banks")
    for name in ("indicators.json.gz", "measures.json", "neighbours.json"):
        assert (tmp_path / name).read_bytes() == (repo / "stocktake" / "data" / name).read_bytes(), name
