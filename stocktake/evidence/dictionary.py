"""Reading LAIT's data dictionary (the CSV DfE publishes beside the indicators): the build
script reads the shared copy, and `--indicators` a user's newer one, the same way.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path


def excel_date(serial: str) -> str:
    """An Excel serial date as YYYY-MM-DD; other text (e.g. "TBC") as it is."""
    text = (serial or "").strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return (date(1899, 12, 30) + timedelta(days=int(number))).isoformat()


def closed(text: str) -> str:
    """`text` with every bracket it opens and never closes closed at its end: LAIT's owner of
    HospAd0-14 ends "... Office for National Statistics (ONS", and printed after it as "Source:
    ..., updated 2025-02-01" the bracket would swallow the date."""
    for opening, closing in ("()", "[]"):
        depth = 0
        for char in text:
            if char == opening:
                depth += 1
            elif char == closing and depth:
                depth -= 1
        text += closing * depth
    return text


def read_dictionary(path: Path) -> dict[str, dict]:
    """The dictionary by measure id. A measure listed under several topics keeps the entry most
    recently updated (LAIT shows each topic's entry on its own page; we have one view per id)."""
    chosen: dict[str, dict] = {}
    topics: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            mid = row["Measure_short"].strip()
            topics.setdefault(mid, [])
            if row["Topic"] not in topics[mid]:
                topics[mid].append(row["Topic"])
            old = chosen.get(mid)
            if old is None or _serial(row["Last Update"]) > _serial(old["Last Update"]):
                chosen[mid] = row
    out = {}
    for mid, row in chosen.items():
        dps = row["dps"].strip()
        out[mid] = {
            "title": closed(row["Chart_title"].strip() or row["Measure"].strip()),
            "measure": closed(row["Measure"].strip()),
            "topics": topics[mid],
            "polarity": row["Polarity"].strip() if row["Polarity"].strip() in ("High", "Low") else "",
            "unit": closed(row["y_axis_name"].strip()),
            "dps": int(float(dps)) if dps else None,
            "no_quartile": bool(row["No_Quartile"].strip()),
            "year_type": row["Year_Type"].strip(),
            "owner": closed(row["Data Owner (DO) /Supplier and Contact Details"].strip()),
            "link": row["Hyperlink(s)"].strip().split()[0] if row["Hyperlink(s)"].strip() else "",
            "last_update": excel_date(row["Last Update"]),
            "next_update": excel_date(row["Next Update"]),
        }
        cohort = cohort_of(mid, out[mid]["title"])
        if cohort:
            out[mid]["cohort"] = cohort
    return out


def _serial(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0


# Measures of the number of children in care itself (and its costs) describe that population,
# so "children in care only" would say nothing; every other measure LAIT titles by looked-after
# children or CLA counts only them, and is labelled so that it is not read as covering every
# child (issue 24: missing-episode measures were shown as if they did).
CARE_POPULATION = frozenset({
    "LAC", "LACnum", "LAC_Start_Rate", "LAC_Cease_Rate", "LACceased", "LACnum_Start",
    "LACFinance", "TotalLACFinance", "LACStableNum_2016on", "LACnum_Adopt_AppUnop",
    "LACnum_Adopt_ConsentDisp", "No_of LAC Adopted", "LAC_ceased_SGO", "Unacc_Asylmn_Seek_Childn",
})
CHILDREN_IN_CARE = "children in care"
_LOOKED_AFTER = re.compile(r"looked after|\bCLA\b", re.IGNORECASE)
_CARE_LEAVERS = re.compile(r"care leaver", re.IGNORECASE)


def cohort_of(measure_id: str, title: str) -> str:
    """"children in care" for a measure that counts children in care only (by LAIT's title:
    "Children looked after ...", "CLA ..."), "" for one about all children, care leavers (whose
    titles say so) or the size of the care population itself."""
    if measure_id in CARE_POPULATION or _CARE_LEAVERS.search(title):
        return ""
    return CHILDREN_IN_CARE if _LOOKED_AFTER.search(title) else ""
