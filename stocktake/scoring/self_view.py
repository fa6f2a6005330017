"""The self-assessment set beside the published evidence: `stocktake evidence` and the evidence
shown before a moderation.

It lives in scoring, not evidence, because a self-view needs the partnership's scores from the
workspace: evidence sits below banks, scoring and the store (see stocktake.evidence.area_view).

    shown = evidence_view(Path("~/stocktake"), "E09000007", [bank], wave="2026-27")
    shown.to_json()   # {"partnership": ..., "indicators": [...], "self_view": [...]}
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from stocktake.errors import StocktakeError

if TYPE_CHECKING:
    from stocktake.evidence.area_view import AreaEvidence, EvidenceView
    from stocktake.evidence.flags import SelfView
    from stocktake.evidence.report import PartnershipEvidence


def self_views(root: Path, code: str, banks: Sequence[Any], view: PartnershipEvidence,
               wave: str | None = None) -> tuple[SelfView, ...]:
    """The self-view against `view` for each linked area of each bank the workspace at `root`
    has answers for (wave default: the current financial year); empty when there is no
    workspace there, it cannot be opened, or nobody of the partnership answered. Looking at
    evidence creates no workspace."""
    from stocktake.evidence.flags import self_view_rows
    from stocktake.records.responses import current_wave
    from stocktake.scoring.national import partnership_scores
    from stocktake.store.workspace import Workspace

    if not Path(root).is_dir():
        return ()
    try:
        ws = Workspace.open(Path(root).expanduser())
    except StocktakeError:
        return ()
    rows: list[SelfView] = []
    for bank in banks:
        if not any(a.indicators for a in bank.areas):
            continue
        try:
            scores = partnership_scores(ws, bank, wave or current_wave(), code)
        except StocktakeError:
            continue
        if scores.respondents == 0:
            continue
        rows.extend(self_view_rows(bank, scores, view))
    return tuple(rows)


def evidence_view(root: Path, code: str, banks: Sequence[Any], *, area: str | None = None,
                  indicators: Sequence[str] | None = None, wave: str | None = None,
                  indicators_path: Path | None = None) -> EvidenceView:
    """What `stocktake evidence CODE` shows: the measures `banks` link (or `indicators`, or
    one `area`'s), read from `indicators_path` (a LAIT long extract; None: the shipped data),
    beside the self-views of the workspace at `root`. `code` is a GSS code.

    Raises UsageError for an unknown area, StocktakeError for a code that is not an English
    authority, an unknown measure or an unreadable extract."""
    from stocktake.evidence.area_view import EvidenceView, evidence_links, linked_evidence
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import authority_for_evidence

    found = authority_for_evidence(code)
    links = evidence_links(banks, area, indicators)
    view = linked_evidence(found.code, links, load_indicators(indicators_path))
    return EvidenceView(view, self_views(root, found.code, banks, view, wave))


def area_evidence_view(root: Path, code: str, bank: Any, area: Any,
                       wave: str) -> AreaEvidence:
    """One area's evidence and self-view, shown before a moderation is recorded; never raises
    for a partnership without evidence (see stocktake.evidence.area_view.area_evidence)."""
    from stocktake.evidence.area_view import area_evidence

    found = area_evidence(code, bank, area)
    if found.evidence is None:
        return found
    shown = found.evidence
    return replace(found, evidence=replace(
        shown, self_views=self_views(root, code, [bank], shown.view, wave)))
