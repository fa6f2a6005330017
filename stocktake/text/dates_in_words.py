"""Dates in sentences as GOV.UK writes them ("1 February 2025"): an ISO date in wrapped text
breaks after its hyphens ("2025-02-" / "01"), in a spreadsheet and a browser alike, and a
director reads the words more surely than the digits. Data columns keep ISO dates.

    in_words("2025-02-01")  # "1 February 2025"
"""

from __future__ import annotations

from datetime import date


def in_words(value: str | date) -> str:
    """`value` (a date, or text holding an ISO date YYYY-MM-DD) as "D Month YYYY"; any other
    text (LAIT writes "TBC", "Annual") as it is."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return value
    return f"{day.day} {day:%B %Y}"
