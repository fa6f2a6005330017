"""What `stocktake evidence`, `neighbours` and the flags under `scores` show, as plain results.

Each function returns a dataclass the CLI renders and whose `to_json()` is the command's
`--json`, so the terminal, reports and scripts read one object. Nothing here reads the
workspace or scores it: a self-view needs the partnership's scores, so the caller (see
stocktake.scoring.self_view) scores and passes them in; evidence sits below banks, scoring and
the store, and importing them would close a ring (pyproject's acyclic contract).

    view = neighbour_list("E09000007")          # Camden's ten neighbours, closest first
    flags = self_view_flags("E09000007", bank, scores)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from stocktake.errors import StocktakeError, UsageError

if TYPE_CHECKING:
    from stocktake.evidence.flags import SelfView
    from stocktake.evidence.indicators import Indicators
    from stocktake.evidence.report import PartnershipEvidence


# ---------------------------------------------------------------- neighbours


@dataclass(frozen=True)
class NeighbourRow:
    """One statistical neighbour: its rank (1 closest), GSS code (None when the shipped list
    has no authority with its DfE number), name, DfE LA number and DfE's closeness label."""

    rank: int
    code: str | None
    name: str
    dfe_la_number: str
    closeness: str

    def to_json(self) -> dict:
        return {"rank": self.rank, "code": self.code, "name": self.name,
                "dfe_la_number": self.dfe_la_number, "closeness": self.closeness}


@dataclass(frozen=True)
class NeighbourList:
    """An authority's ten statistical neighbours (DfE, May 2025), closest first."""

    code: str
    name: str
    dfe_la_number: str
    region: str
    list_name: str
    neighbours: tuple[NeighbourRow, ...]

    def to_json(self) -> dict:
        return {"partnership": self.code, "name": self.name,
                "dfe_la_number": self.dfe_la_number, "list": self.list_name,
                "neighbours": [n.to_json() for n in self.neighbours]}


def neighbour_list(code_or_number: str) -> NeighbourList:
    """The neighbours of a GSS code (E09000007) or a DfE LA number (202).

    Raises StocktakeError for a number no authority has, a code that is not an English
    authority, or one with no neighbour group."""
    from stocktake.evidence.neighbours import neighbour_list_name, require_neighbours
    from stocktake.evidence.report import authority_for_evidence
    from stocktake.partnerships.reference import authority_by_dfe_number

    text = code_or_number.strip()
    if text.isdigit():
        found = authority_by_dfe_number(text)
        if found is None:
            raise StocktakeError(f"no authority has DfE LA number {text}",
                                 hint="give a GSS code such as E09000007, or a DfE number such "
                                      "as 202")
    else:
        found = authority_for_evidence(text)
    group = require_neighbours(found.dfe_la_number, f"{found.name} ({found.code})")
    rows = []
    for rank, n in enumerate(group.neighbours, start=1):
        other = authority_by_dfe_number(n.la_number)
        rows.append(NeighbourRow(rank, other.code if other else None, n.name, n.la_number,
                                 n.closeness))
    return NeighbourList(found.code, found.name, found.dfe_la_number, group.region,
                         neighbour_list_name(), tuple(rows))


# ---------------------------------------------------------------- one partnership's evidence


@dataclass(frozen=True)
class EvidenceView:
    """The published evidence for a partnership (`view`) and, where the workspace holds a
    self-assessment, each linked area's self-view beside it (`self_views`, stocktake.evidence.
    flags.SelfView). `only_area` keeps one area's tables (the moderation's view)."""

    view: PartnershipEvidence
    self_views: tuple[SelfView, ...] = ()
    only_area: str | None = None

    @property
    def simulated(self) -> bool:
        """A self-view beside the figures is `stocktake demo`'s invented answers."""
        return any(s.simulated for s in self.self_views)

    def to_json(self) -> dict:
        return {**self.view.to_json(), "simulated": self.simulated,
                "self_view": [s.to_json() for s in self.self_views]}


def evidence_links(banks: Sequence[Any], area: str | None = None,
                   indicators: Sequence[str] | None = None) -> dict[str, tuple[str, ...]]:
    """The measures to show: measure id -> the areas ("bank/area ...") linking it, in order.

    `indicators` given: those ids (in the order given, once each) with whatever links them.
    Raises UsageError for an `area` no bank in scope has, StocktakeError when nothing in scope
    links a measure."""
    from stocktake.evidence.report import bank_links

    if area is not None and not any(a.id == area for b in banks for a in b.areas):
        known = sorted({a.id for b in banks for a in b.areas})
        raise UsageError(f"no bank in scope has an area '{area}'",
                         hint="its areas are: " + ", ".join(known))
    linked = bank_links(banks, area)
    if indicators:
        return {mid: linked.get(mid, ()) for mid in dict.fromkeys(indicators)}
    if not linked:
        where = f"area {area}" if area else "the bank(s) in scope"
        raise StocktakeError(f"{where} links no published measure",
                             hint="give measures with --indicator ID, or link them in the bank "
                                  "with indicators = [...] on the area")
    return linked


def linked_evidence(code: str, links: dict[str, tuple[str, ...]],
                    data: Indicators | None = None) -> PartnershipEvidence:
    """The partnership's evidence for `links`, from `data` or the shipped indicators. Raises
    StocktakeError as stocktake.evidence.report.partnership_evidence does."""
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import partnership_evidence

    return partnership_evidence(data if data is not None else load_indicators(), code, links)


# ---------------------------------------------------------------- the flags and one area


@dataclass(frozen=True)
class AreaEvidence:
    """One area's published evidence before a moderation: `evidence` None when the area links
    no measure (`left_out` "") or none could be had (`left_out` says why)."""

    evidence: EvidenceView | None
    left_out: str = ""


def area_evidence(code: str, bank: Any, area: Any) -> AreaEvidence:
    """The published evidence for `area` of `bank` (its tables only, no self-view yet). Never
    raises for a partnership without evidence: `left_out` says why there is none."""
    from stocktake.evidence.report import bank_links

    if not area.indicators:
        return AreaEvidence(None)
    try:
        view = linked_evidence(code, bank_links([bank], area.id))
    except StocktakeError as exc:
        return AreaEvidence(None, exc.message)
    return AreaEvidence(EvidenceView(view, only_area=area.id))


def self_view_flags(code: str, bank: Any, scores: Any) -> list[SelfView]:
    """The areas of `scores` (a PartnershipScores) whose self-view the published figures
    contradict (stocktake.evidence.flags); empty when the bank links no measures, nobody
    answered, or `code` is not an English authority."""
    from stocktake.evidence.flags import self_view_rows
    from stocktake.evidence.report import bank_links

    links = bank_links([bank])
    if not links or scores.respondents == 0:
        return []
    try:
        view = linked_evidence(code, links)
    except StocktakeError:
        return []
    return [row for row in self_view_rows(bank, scores, view) if row.flag]


@dataclass(frozen=True)
class FlagCounts:
    """How a flagged area's banded measures fall: D, A and all banded (the flag's line)."""

    in_d: int
    in_a: int
    banded: int


def flag_counts(row: SelfView) -> FlagCounts:
    """The counts a flag's line gives: banded measures in D, in A, and banded in all."""
    banded = [b for b in row.bands if b]
    return FlagCounts(sum(b == "D" for b in banded), sum(b == "A" for b in banded), len(banded))
