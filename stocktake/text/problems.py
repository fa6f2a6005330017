"""Listing problems: the first few, then how many more, so a huge bad file gives a readable error.

A file of a million bad rows once printed 999,999 lines. Every reader that lists problems
(answers files, forms, partnership and group CSVs) keeps the first :data:`PROBLEMS_LISTED` and
counts the rest, in the order it meets them, without holding the rest in memory.

    found = ProblemList()
    for line in lines:
        found.add(f"line {n}: ...")
    if found:
        raise StocktakeError(f"{len(found)} bad row(s)", details=found.details())
"""

from __future__ import annotations

from typing import Iterable

PROBLEMS_LISTED = 50


class ProblemList:
    """The first `limit` problems in the order added, and a count of all of them."""

    def __init__(self, limit: int = PROBLEMS_LISTED):
        self.limit = limit
        self.shown: list[str] = []
        self.count = 0

    def add(self, problem: str) -> None:
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(problem)

    def count_one(self) -> None:
        """A problem past the listed ones: counted, its wording never built."""
        self.count += 1

    def extend(self, problems: Iterable[str]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def listing(self) -> bool:
        """True while a problem added now would be shown: costly wording can wait till then."""
        return len(self.shown) < self.limit

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def details(self) -> list[str]:
        """The problems kept, and a last line saying how many more there were."""
        return listed(self.shown, self.count)


def listed(problems: list[str], total: int | None = None,
           limit: int = PROBLEMS_LISTED) -> list[str]:
    """`problems` cut to `limit`, with "... and N more" when `total` (default: their number)
    is larger."""
    total = len(problems) if total is None else total
    shown = list(problems[:limit])
    if total > len(shown):
        rest = total - len(shown)
        shown.append(f"... and {rest:,} more problem{'s' if rest != 1 else ''} not listed "
                     "(fix those above and run again to see them)")
    return shown
