"""LAIT's quartile bands A-D, exactly as the Local Authority Interactive Tool computes them. Pure.

Quartiles are taken over the authorities' published values for one measure and year (R's default
quantile, the same as Excel's QUARTILE.INC; regions and England left out). With polarity "Low"
(lower is better): A from the minimum up to and including Q1, B above Q1 up to and including the
median, C above the median up to and including Q3, D above Q3. With "High" the same intervals are
lettered D, C, B, A. So A is always the best quarter. A measure without polarity, or marked
No_Quartile in LAIT's dictionary, has no band.

    quartile_band(12.0, [10.0, 12.0, 15.0, 20.0, 30.0], "Low")   # "B"
"""

from __future__ import annotations

from typing import Sequence

from stocktake.arithmetic.spreadsheet_stats import quartile_inc

BANDS = ("A", "B", "C", "D")


def quartiles(values: Sequence[float]) -> tuple[float, float, float, float, float]:
    """Minimum, Q1, median, Q3, maximum (QUARTILE.INC 0-4). Raises ValueError for no values."""
    return tuple(quartile_inc(values, k) for k in range(5))  # type: ignore[return-value]


def quartile_band(value: float | None, values: Sequence[float], polarity: str,
                  no_quartile: bool = False) -> str | None:
    """The band (A best) of `value` among `values` (all the authorities' published values, the
    value itself among them); None when the measure has no polarity, is marked No_Quartile, the
    value is not published, or there are no values."""
    if value is None or no_quartile or polarity not in ("High", "Low") or not values:
        return None
    low, q1, q2, q3, high = quartiles(values)
    if value <= q1:
        rank = 0
    elif value <= q2:
        rank = 1
    elif value <= q3:
        rank = 2
    else:
        rank = 3
    return BANDS[rank] if polarity == "Low" else BANDS[3 - rank]
