"""DfE's statistical neighbours (May 2025): each authority's ten most similar authorities.

Shipped as `stocktake/data/neighbours.json` (built from LAIT's `sn_may_2025.xlsx`). Each
authority has its own group, closest first, each neighbour with the list's closeness words
("Extremely close", "Very close", "Close", "Somewhat close", ...).

    group = neighbours_of("202")          # Camden, by DfE LA number
    [n.la_number for n in group.neighbours][:3]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stocktake.errors import StocktakeError


@dataclass(frozen=True)
class Neighbour:
    la_number: str
    name: str
    closeness: str


@dataclass(frozen=True)
class NeighbourGroup:
    la_number: str
    name: str
    region: str  # the government office region as the list gives it: "London (Inner)" ...
    neighbours: tuple[Neighbour, ...]


@cache
def _payload() -> dict:
    text = resources.files("stocktake").joinpath("data/neighbours.json").read_text(encoding="utf-8")
    return json.loads(text)


def neighbours_of(la_number: str) -> NeighbourGroup | None:
    """The ten statistical neighbours of the authority with this DfE LA number, closest first;
    None when the list has no group for it (ended authorities)."""
    groups = _payload()["authorities"]
    entry = groups.get(str(la_number))
    if entry is None:
        return None
    return NeighbourGroup(
        str(la_number), entry["name"], entry["region"],
        tuple(Neighbour(n, groups.get(n, {}).get("name", n), closeness)
              for n, closeness in entry["neighbours"]))


def neighbour_list_name() -> str:
    return _payload()["list"]


def require_neighbours(la_number: str, label: str) -> NeighbourGroup:
    group = neighbours_of(la_number)
    if group is None:
        raise StocktakeError(f"{label} has no statistical neighbours in DfE's list (May 2025)",
                             hint="the list covers the 153 current authorities")
    return group
