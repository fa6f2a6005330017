"""What `stocktake benchmark` shows, and its `--json`, as one result.

    view = benchmark_view(ws, bank, "2026-27", region="London", neighbours=True)
    view.to_json()   # the benchmark, with "neighbours" when asked for
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Collection, Mapping

from stocktake.errors import StocktakeError

if TYPE_CHECKING:
    from stocktake.evidence.neighbour_scores import NeighbourComparison
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class BenchmarkView:
    """The nation's benchmark (`bench`), the workspace's partnerships (code -> Partnership,
    for the workbook), each compared partnership's name, and, when asked for, each beside
    its own statistical neighbours (`compared`, None when not asked)."""

    bench: Benchmark
    partnerships: Mapping[str, Any]
    names: Mapping[str, str]
    compared: tuple[NeighbourComparison, ...] | None = None

    def to_json(self) -> dict:
        if self.compared is None:
            return self.bench.to_json()
        return {**self.bench.to_json(), "neighbours": [r.to_json() for r in self.compared]}


def benchmark_view(ws: Workspace, bank: Any, wave: str, *, region: str | None = None,
                   groups: Mapping[str, str] | None = None, exclude: Collection[str] = (),
                   neighbours: bool = False) -> BenchmarkView:
    """Every partnership of `bank` and `wave` in `ws` compared (of `region`, less the codes in
    `exclude`; `groups` code -> group for group means). Raises StocktakeError when none is left
    to compare."""
    from stocktake.scoring.national import national_benchmark
    from stocktake.scoring.partnership_view import partnership_name

    bench = national_benchmark(ws, bank, wave, region=region, groups=groups, exclude=exclude)
    if bench.count == 0:
        raise StocktakeError("no partnerships left to compare",
                             hint="leave out --exclude-small or --region")
    partnerships = {p.code: p for p in ws.partnerships()}
    names = {code: partnership_name(code, partnerships) for code in bench.regions}
    compared = tuple(neighbour_rows(ws, bank, wave, bench)) if neighbours else None
    return BenchmarkView(bench, partnerships, names, compared)


def neighbour_rows(ws: Workspace, bank: Any, wave: str, bench: Benchmark) -> list:
    """Each partnership in `bench` beside its neighbours' mean (withheld over fewer than the
    bank's min_count neighbours with a score); the neighbours count wherever they are in the
    workspace, even outside the benchmark's region."""
    from stocktake.evidence.neighbour_scores import compare_with_neighbours
    from stocktake.scoring.national import all_partnership_scores

    shown = {s.partnership for s in bench.scores}
    return [r for r in compare_with_neighbours(all_partnership_scores(ws, bank, wave),
                                               bank.min_count)
            if r.code in shown]
