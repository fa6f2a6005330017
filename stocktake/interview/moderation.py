"""An adviser's moderated score for one area, kept beside the respondents' own answers.

    outcome = record_moderation(ws, "E09000007", bank, bank.area("vision"), 55.0,
                                "Vision not yet known to front-line staff", "A. Adviser",
                                "2026-27")
    outcome.stored.moderated_at, outcome.earlier   # when, and how many came before it
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stocktake.errors import UsageError

if TYPE_CHECKING:
    from stocktake.records.responses import Moderation
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class ModerationOutcome:
    """The moderation stored, and how many were stored for the same area before it (the
    latest counts; the earlier ones are kept)."""

    stored: Moderation
    earlier: int


def number_text(number: float) -> str:
    """55.0 -> "55", 55.5 -> "55.5": a score as the adviser typed it."""
    return str(int(number)) if float(number).is_integer() else str(number)


def check_score(score: float) -> float:
    """`score` if it is a number from 0 to 100; else UsageError saying so."""
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise UsageError(f"--score {number_text(score)} is out of range",
                         hint="give a score from 0 to 100")
    return score


def record_moderation(ws: Workspace, code: str, bank: Any, area: Any, score: float,
                      reason: str, adviser: str, wave: str) -> ModerationOutcome:
    """Store the moderation of `area` (of `bank`) for partnership `code` in `wave`: `score`
    0-100 (checked), `reason` and `adviser` as given (checked by the caller)."""
    from stocktake.records.responses import Moderation

    check_score(score)
    earlier = [m for m in ws.moderations(code, bank.id, wave) if m.area == area.id]
    stored = ws.add_moderation(Moderation(code, bank.id, wave, area.id, score, reason, adviser))
    return ModerationOutcome(stored, len(earlier))
