"""Reading LAIT's data dictionary (the CSV DfE publishes beside the indicators): the build
script reads the shared copy, and `--indicators` a user's newer one, the same way.
"""

from __future__ import annotations

import csv
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
            "title": row["Chart_title"].strip() or row["Measure"].strip(),
            "measure": row["Measure"].strip(),
            "topics": topics[mid],
            "polarity": row["Polarity"].strip() if row["Polarity"].strip() in ("High", "Low") else "",
            "unit": row["y_axis_name"].strip(),
            "dps": int(float(dps)) if dps else None,
            "no_quartile": bool(row["No_Quartile"].strip()),
            "year_type": row["Year_Type"].strip(),
            "owner": row["Data Owner (DO) /Supplier and Contact Details"].strip(),
            "link": row["Hyperlink(s)"].strip().split()[0] if row["Hyperlink(s)"].strip() else "",
            "last_update": excel_date(row["Last Update"]),
            "next_update": excel_date(row["Next Update"]),
        }
    return out


def _serial(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0
