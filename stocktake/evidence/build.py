"""Building the package's indicator data from DfE's LAIT files.

    python -m stocktake.evidence.build                      # from ../shared/reference/lait
    python -m stocktake.evidence.build --source DIR --out stocktake/data

Reads `indicators_long.csv.gz`, `lait_data_dictionary.csv` and `sn_may_2025.xlsx` (see that
folder's README for provenance and licence) and writes three files into the package's data folder:

- `measures.json`: LAIT's dictionary of every measure (title, topics, polarity, unit, decimal
  places, quartile flag, source, last and next update).
- `indicators.json.gz`: the names and regions of every LA number, and the series of the shipped measures (those the shipped banks link, and the core list below)
  over their last ten years. Values stay as published: a number, or the text code (`-`) for a
  value not published.
- `neighbours.json`: each authority's ten statistical neighbours, closest first, with LAIT's
  closeness words, and its government office region as the list gives it.

JSON parses in a few tens of milliseconds; CSV of the same rows would take several times longer.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import tomllib
from pathlib import Path

from stocktake.evidence.dictionary import excel_date, read_dictionary  # noqa: F401
from stocktake.evidence.indicators import CREDIT, REQUIRED_COLUMNS, la_key, parse_value, year_number

YEARS_KEPT = 10
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data"

# The measures most used in children's social care, SEND, the education of vulnerable children,
# youth justice, the social work workforce and children's health, as an improvement adviser
# reads them: the headline measures of DfE's children's social care, SEND and workforce
# publications and of the youth justice statistics. The banks add their own links to these.
CORE_MEASURES = (
    # front door and child protection
    "CIN", "CPP_Total_Rateper10,000", "ReReferral", "CIN_Refferals_NFA", "Continue_Assess_Comp",
    "Section_47", "CP_conf_15days", "CPP_rate", "CPP_Abuse_Rate", "PrevRegCPR", "CPPlans2yrs",
    "CPPlans2yrsActive", "RevCP", "CareApplications",
    # children looked after
    "LAC", "LAC_Start_Rate", "LACStable_2016on", "LAC_LongStable%", "LAC_Foster_Placements",
    "LACDistance", "Stability_School", "Stability_SocialWorker", "LACHealth%", "LACDental%",
    "LACVaccinations%", "Emotional_LAC", "LAC_Convictions", "Children_missing", "%_of LAC Adopted",
    "LAC_ceased_SGO%",
    # care leavers
    "CareLeaverAcc", "CareLeaverEET", "CareLeaversNEET", "CareLeavers_LA_NotInTouch", "StayingPut",
    "LAC_19_HE",
    # social work workforce
    "Work_Force_Vac_Rate", "Work_Force_TO_Rate", "Work_Force_Agecy_Rate", "Work_Force_SWAbsence",
    "Work_Force_AvgNumCase_SW", "Work_Force_NoSW", "Vacancies_cover",
    # SEND
    "SEN_EHC_Excpt_20wks", "SEN_EHC_All_20wks", "SEN_TotStat", "SEN_TotSENSuP",
    "SEN_AppealableDec", "NEW_KS2_RWM_Sen_W/Osta", "NEW_KS2_RWM_Sen_Withsta",
    "SEN_Stat_AVG_Attain8_Score", "SEN_WoStat_AVG_Attain8_Score", "16-17YroldSEN_ET",
    # education of vulnerable children
    "LAC_KS2_ExpStd_RWM", "LAC_KS4_AVG_Attain8", "LAC_Pers_Abs", "LAC_Fixed_ Ex",
    "CIN_KS2_ExpStd_RWM", "CIN_Avg_Attain8_KS4", "CINPermAbsent_3Term", "CINFixedExclusion",
    "TotPermEx", "TotPerAbNew", "Total_ Pup_FixedEx", "FSP_NEW_GOODDEV", "KS2RWM_Expected_STD",
    "AVG_Attain8_Score", "DAP_NEW_KS2_RWM", "DAP_KS4_ATT8",
    # youth justice
    "FirstYJS", "YJS_Caution-Sentence10-17_YO", "ReoffYO", "ReoffYO15-17",
    # children's health
    "Under18concep", "HospAd0-14", "Hosp_Adm_Alc_<18yrs", "CMH_0-17yrs", "ExcessYr6", "InfMort",
    "Low_Birth_Weight_Babies", "6wksBreast", "%_2yr_olds", "16-17_not known_NEET", "SusEdOverall_All",
)


def find_shared_lait() -> Path | None:
    """The shared LAIT folder (`shared/reference/lait`) beside the repository or above it; None
    when it is not on this machine (the shipped data is then all there is)."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "reference" / "lait"
        if (candidate / "indicators_long.csv.gz").is_file():
            return candidate
    return None


def read_long(path: Path, wanted: set[str]) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """Series of the wanted measures ({id: {years, values: {la: [...]}}}) and every LA number's
    [name, region] as the long file gives them."""
    raw: dict[str, dict[str, dict[str, str]]] = {}
    labels: dict[str, dict[int, str]] = {}
    places: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number = la_key(row["LA Number"])
            places.setdefault(number, [row["LA and Regions"].strip(), row["Region"].strip()])
            mid = row["Short Desc"].strip()
            if mid not in wanted:
                continue
            year = row["Years"].strip()
            labels.setdefault(mid, {})[year_number(year)] = year
            raw.setdefault(mid, {}).setdefault(number, {})[year] = row["Values"].strip()
    series = {}
    for mid, by_la in raw.items():
        nums = sorted(labels[mid])
        kept = [n for n in nums if n > nums[-1] - YEARS_KEPT]
        years = [labels[mid][n] for n in kept]
        series[mid] = {"years": years, "values": {
            la: [parse_value(v) if (v := vals.get(y)) is not None else None for y in years]
            for la, vals in sorted(by_la.items())}}
    return series, places


def read_neighbours(path: Path) -> dict[str, dict]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = None
    out = {}
    for row in rows:
        if header is None:
            if row and row[0] == "LA num":
                header = list(row)
            continue
        if row[0] is None:
            continue
        pairs = []
        for k in range(10):
            number, closeness = row[5 + 2 * k], row[6 + 2 * k]
            pairs.append([la_key(str(number)), str(closeness or "").strip()])
        out[la_key(str(row[0]))] = {"name": str(row[1]).strip(), "region": str(row[4]).strip(),
                                    "neighbours": pairs}
    book.close()
    if header is None:
        raise SystemExit(f"{path}: no header row starting 'LA num'")
    return out


def bank_linked_measures(banks_dir: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(banks_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for area in data.get("areas", []):
            found.update(area.get("indicators", []))
            found.update(area.get("context", []))
    return found


def build(source: Path, out: Path, banks_dir: Path) -> dict:
    dictionary = read_dictionary(source / "lait_data_dictionary.csv")
    wanted = set(CORE_MEASURES) | bank_linked_measures(banks_dir)
    missing = sorted(wanted - set(dictionary))
    if missing:
        raise SystemExit(f"measures not in LAIT's dictionary: {', '.join(missing)}")
    series, places = read_long(source / "indicators_long.csv.gz", wanted)
    absent = sorted(wanted - set(series))
    if absent:
        raise SystemExit(f"measures with no rows in the long file: {', '.join(absent)}")
    payload = {
        "format": "stocktake-indicators/1",
        "credit": CREDIT,
        "source": "DfE Local Authority Interactive Tool, repository dfe-analytical-services/"
                  "local-authority-interactive-tool, folder 01_data/02_prod/, commit 2e30e3959a6a",
        "columns": list(REQUIRED_COLUMNS),
        "places": places,
        # Each measure's series as a JSON text of its own: a command parses only the measures it
        # shows, so loading costs the same whether the file ships 80 measures or 400.
        "series": {mid: json.dumps(one, ensure_ascii=False, separators=(",", ":"))
                   for mid, one in series.items()},
    }
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    buffer = io.BytesIO()
    # mtime=0 so that rebuilding from the same files gives the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(text.encode("utf-8"))
    (out / "indicators.json.gz").write_bytes(buffer.getvalue())
    # The dictionary apart, so that checking a bank's links does not read the series.
    (out / "measures.json").write_text(
        json.dumps({"credit": CREDIT, "measures": dictionary}, ensure_ascii=False, indent=0,
                   sort_keys=True), encoding="utf-8")
    neighbours = read_neighbours(source / "sn_may_2025.xlsx")
    (out / "neighbours.json").write_text(
        json.dumps({"credit": CREDIT, "list": "DfE statistical neighbours, May 2025",
                    "authorities": neighbours}, ensure_ascii=False, indent=0, sort_keys=True),
        encoding="utf-8")
    return {"measures": len(series), "dictionary": len(dictionary), "neighbour_groups": len(neighbours),
            "bytes": len(buffer.getvalue())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=find_shared_lait())
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--banks", type=Path,
                        default=Path(__file__).resolve().parents[2] / "question_banks")
    args = parser.parse_args(argv)
    if args.source is None:
        parser.error("no shared/reference/lait folder found; give --source DIR")
    summary = build(args.source, args.out, args.banks)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
