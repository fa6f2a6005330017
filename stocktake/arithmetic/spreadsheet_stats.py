"""Spreadsheet functions stocktake reproduces exactly, as pure functions: benchmarks and LAIT's
evidence bands both place a value among others with Excel's QUARTILE.INC.
"""

from __future__ import annotations

import math
from typing import Sequence


def quartile_inc(values: Sequence[float], quart: int) -> float:
    """Excel's QUARTILE.INC: quart 0 is the minimum, 2 the median, 4 the maximum."""
    if not values:
        raise ValueError("QUARTILE.INC of no values")
    if quart not in (0, 1, 2, 3, 4):
        raise ValueError(f"quart must be 0 to 4, not {quart!r}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * quart / 4
    low = math.floor(position)
    fraction = position - low
    if fraction == 0 or low + 1 >= len(ordered):
        return float(ordered[low])
    return ordered[low] + fraction * (ordered[low + 1] - ordered[low])
