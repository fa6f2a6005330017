"""What a returned workbook's hidden About sheet says, and the banks it names: read the same way
by `merge` (exports) and `forms import` (forms).

    about = about_values(sheets["About"])
    partnership = partnership_from_about(code, about)
    bank = BankShelf().get(about["bank"])
"""

from __future__ import annotations

from typing import Any, Iterable

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.returns.seal import canonical_text


class BankShelf:
    """Banks by id, found once each; a bank this machine does not have is a reason, not a crash."""

    def __init__(self, banks: Iterable[Bank] = ()):
        self._banks: dict[str, Bank | StocktakeError] = {b.id: b for b in banks}

    def get(self, bank_id: str) -> Bank:
        if bank_id not in self._banks:
            from stocktake.banks.loading import find_bank

            try:
                self._banks[bank_id] = find_bank(bank_id)
            except StocktakeError as exc:
                self._banks[bank_id] = exc
        found = self._banks[bank_id]
        if isinstance(found, StocktakeError):
            raise found
        return found


def about_values(rows: list[list[Any]]) -> dict[str, Any]:
    """key -> value from an About sheet's first two columns."""
    found: dict[str, Any] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip():
            found.setdefault(row[0].strip(), row[1])
    return found


def partnership_from_about(code: str, about: dict[str, Any]) -> Partnership:
    """The partnership an About sheet names; the reference list fills what it leaves out."""
    from stocktake.partnerships.reference import authority

    name = canonical_text(about.get("partnership_name")).strip()
    region = canonical_text(about.get("region")).strip()
    known = authority(code)
    if known is not None:
        return Partnership(code, name or known.name, region or known.region, known.type)
    return Partnership(code, name or code, region, "")
