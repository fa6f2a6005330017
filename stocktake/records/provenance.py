"""Where answers came from, as every output must say it: simulated data is marked. Pure.

`stocktake demo` writes real councils with invented answers; each of its responses carries
DEMO_MARK at the start of its adviser field (kept through export, forms and merge, since the
adviser travels with the answers). Any output made from even one such response says
SIMULATED where a reader cannot miss it: a report's first screen and every printed page, a Word
document's header, a workbook's first sheet and print header, and a field of every CSV or JSON row.

    is_simulated(response)           # True for a demo response
    SIMULATED                        # "SIMULATED demo data"
    compared_sentence(6, 7)          # a real partnership set beside simulated ones
"""

from __future__ import annotations

from typing import Any, Iterable

DEMO_MARK = "(demo)"
SIMULATED = "SIMULATED demo data"
# A printed page's header: short, and without quotes (it goes into CSS and Word as it is).
SIMULATED_HEADER = "SIMULATED demo data: invented answers, not these councils\u2019 views"
SIMULATED_SENTENCE = ("Simulated: every answer here was invented by stocktake\u2019s demo "
                      "command. The councils are real; their answers are not, and nothing "
                      "here says anything about them.")


def is_simulated(response: Any) -> bool:
    """True when the response was written by `stocktake demo` (its adviser starts DEMO_MARK)."""
    return str(getattr(response, "adviser", "") or "").startswith(DEMO_MARK)


def any_simulated(responses: Iterable[Any]) -> bool:
    return any(is_simulated(r) for r in responses)


def marked(text: str, simulated: bool) -> str:
    """`text` with SIMULATED in front when the data is simulated: "SIMULATED demo data - ..."."""
    return f"{SIMULATED} - {text}" if simulated else text


# A real partnership's figures set beside a round that holds simulated partnerships: its own
# answers are real, so the SIMULATED words above would be untrue of it; what is invented is
# what it is compared against, and every such output says so instead.
COMPARED_HEADER = "Compared with SIMULATED demo data: not real councils\u2019 views"


def compared_sentence(simulated: int, total: int) -> str:
    """The first screen's words for real answers compared against a round in which `simulated`
    of `total` partnerships were invented by `stocktake demo` (0 < simulated <= total)."""
    return (f"Compared with simulated data: {simulated} of the {total} partnerships in this "
            "comparison were invented by stocktake\u2019s demo command, so every median, "
            "quartile and comparison here rests partly on invented answers.")


def simulated_among(scores: Iterable[Any]) -> tuple[int, int]:
    """(how many of `scores` are simulated, how many there are): PartnershipScores or anything
    with a `simulated` attribute."""
    every = list(scores)
    return sum(1 for s in every if getattr(s, "simulated", False)), len(every)
