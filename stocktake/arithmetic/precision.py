"""Comparing computed scores at the precision they are published, so equal-looking scores are equal.

A score is published (JSON, workbooks, the national merge) to 2 decimals, and a share (coverage)
to 4 (a percentage to 2). Two ways of reaching 4/9 x 100 (one respondent's 44.444...4, or the
mean of 33.33...3 and 55.55...6) differ in the last bit of a float; compared raw, one ranks above
the other while both read 44.44. Every comparison of computed scores (ranks and quartiles, level
bands, the divergence threshold, coverage against `min_coverage`, the sign of a trend) goes
through this module instead, so values equal at the published precision compare equal.

    published(100 * 4 / 9) == published((100 / 3 + 500 / 9) / 2)    # True: both 44.44
    at_least(24.999, 25)                                               # True: it reads 25.00
    difference(44.444444444444436, 44.44444444444445)                  # 0.0
"""

from __future__ import annotations

from typing import overload

SCORE_DECIMALS = 2
SHARE_DECIMALS = 4


def _snap(value: float, digits: int) -> float:
    # Round the 15 significant digits a double holds reliably first, so that 12.345 stored as
    # 12.3449999... rounds as it reads (to 12.35), the way a spreadsheet shows it.
    return round(float(f"{value:.15g}"), digits)


# Overloaded so that a caller holding a float knows it gets a float back, not float | None.
@overload
def published(value: float, digits: int = SCORE_DECIMALS) -> float: ...
@overload
def published(value: None, digits: int = SCORE_DECIMALS) -> None: ...
@overload
def published(value: float | None, digits: int = SCORE_DECIMALS) -> float | None: ...
def published(value: float | None, digits: int = SCORE_DECIMALS) -> float | None:
    """A score (0-100) as published: rounded to 2 decimals; None stays None."""
    return None if value is None else _snap(float(value), digits)


def published_share(value: float | None) -> float | None:
    """A share in [0, 1] (coverage) as published: rounded to 4 decimals (a percentage to 2)."""
    return published(value, SHARE_DECIMALS)


def compare(a: float, b: float, digits: int = SCORE_DECIMALS) -> int:
    """-1, 0 or 1 as a is below, equal to or above b at the published precision."""
    a, b = float(a), float(b)
    if abs(a - b) >= _APART[digits]:
        # Rounding moves each by half a unit at most, so these cannot meet: no need to round.
        return 1 if a > b else -1
    x, y = _snap(a, digits), _snap(b, digits)
    return (x > y) - (x < y)


_APART = {d: 2 * 10.0 ** -d for d in range(16)}  # two units of the last published digit


def equal(a: float, b: float, digits: int = SCORE_DECIMALS) -> bool:
    return compare(a, b, digits) == 0


def at_least(value: float, threshold: float, digits: int = SCORE_DECIMALS) -> bool:
    """value >= threshold at the published precision (bands, divergence, coverage)."""
    return compare(value, threshold, digits) >= 0


def difference(after: float | None, before: float | None) -> float | None:
    """after - before between published scores: 0.0 when they read the same, never -0.0 noise."""
    if after is None or before is None:
        return None
    return _snap(published(after) - published(before), SCORE_DECIMALS) + 0.0


def fixed(value: float, places: int = 1, *, grouped: bool = False, signed: bool = False) -> str:
    """`value` to `places` decimals as a spreadsheet shows it under the format "0.0": its 15
    significant digits rounded half away from zero, so a figure reads the same in a report, a
    terminal table and the workbook beside them. Python's own formatting rounds the binary
    value, so a mean of 32.949999999999996 read 32.9 in the report and 33.0 in the workbook,
    and 12.25 read 12.2 against the workbook's 12.3. `grouped` puts thousands separators in
    (1,234.5); `signed` a + before a positive value (a change)."""
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(f"{float(value):.15g}")
    shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)  # never "-0.0"
    text = f"{shown:{'+' if signed else ''}{',' if grouped else ''}.{places}f}"
    return text


def fixed_score(value: float, places: int = 1, *, signed: bool = False) -> str:
    """A score (or a difference of scores) as read: its published value (2 decimals) to
    `places`, as the workbook's "0.0" shows the published cell. Rounding the raw value instead
    had 52.6455 read 52.6 beside a median of 52.65 that reads 52.7."""
    return fixed(published(value), places, signed=signed)
