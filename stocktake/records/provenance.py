"""Where answers came from, as every output must say it: simulated data is marked. Pure.

`stocktake demo` writes real councils with invented answers; each of its responses carries
DEMO_MARK at the start of its adviser field (kept through export, forms and merge, since the
adviser travels with the answers). Any output made from even one such response says
SIMULATED where a reader cannot miss it: a report's first screen and every printed page, a Word
document's header, a workbook's first sheet and print header, and a field of every CSV or JSON row.

    is_simulated(response)           # True for a demo response
    SIMULATED                        # "SIMULATED demo data"
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
