"""Returns in a national merge: every authority expected to send a return, and whether it did.

    expected = expected_authorities("all")            # the 153 current authorities
    rows = return_rows(expected, merged_workbooks)    # one ReturnRow per expected authority
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from stocktake.errors import StocktakeError, UsageError

if TYPE_CHECKING:
    from stocktake.national.returned import ReturnedWorkbook


@dataclass(frozen=True)
class ExpectedAuthority:
    code: str
    name: str
    region: str


@dataclass(frozen=True)
class ReturnRow:
    code: str
    name: str
    region: str
    returned: bool
    file: str = ""
    exported_at: str = ""
    respondents: int = 0
    roles: tuple[str, ...] = ()
    expected: bool = True  # False: returned by an authority the merge was not told to expect

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "region": self.region,
                "expected": self.expected, "returned": self.returned, "file": self.file or None,
                "exported_at": self.exported_at or None, "respondents": self.respondents,
                "roles": list(self.roles)}


def expected_authorities(spec: str) -> list[ExpectedAuthority]:
    """`all`: the current English children's services authorities; else a CSV file of codes,
    names or DfE LA numbers (a `code`, `partnership` or `LA code` column, or one a line).
    UsageError names each unknown one."""
    from stocktake.partnerships.model import OTHER_CODE, normalise_code
    from stocktake.partnerships.reference import DFE_NUMBER, current_authorities
    from stocktake.round.fieldwork import _codes_in_file

    current = current_authorities()
    if spec.strip().lower() == "all":
        return [ExpectedAuthority(a.code, a.name, a.region) for a in current]
    path = Path(spec)
    if not path.is_file():
        raise UsageError(f"--expect {spec}: neither `all` nor a file",
                         hint="give --expect all, or a CSV file with a `code` column")
    by_key = {}
    for a in current:
        by_key[a.code.upper()] = a
        by_key.setdefault(a.name.upper(), a)
        if a.dfe_la_number:
            by_key.setdefault(a.dfe_la_number, a)  # DfE's LA number: 805 is Hartlepool
    found: list[ExpectedAuthority] = []
    unknown: list[str] = []
    for raw in _codes_in_file(path):
        known = by_key.get(normalise_code(raw).upper())
        if known is not None:
            found.append(ExpectedAuthority(known.code, known.name, known.region))
        elif DFE_NUMBER.match(raw.strip()):  # three digits are DfE's scheme, not a code
            unknown.append(f"{raw} (not the DfE LA number of a current authority)")
        elif OTHER_CODE.match(raw):  # a partnership of the team's own, by its code
            found.append(ExpectedAuthority(raw, raw, ""))
        else:
            unknown.append(raw)
    if unknown:
        raise StocktakeError(f"{path}: {len(unknown)} entry(ies) are not partnership codes: "
                             + ", ".join(repr(u) for u in unknown[:20]),
                             hint="one GSS code (e.g. E09000007), authority name or DfE LA "
                                  "number (202) a line")
    return list({e.code: e for e in found}.values())


def return_rows(expected: Sequence[ExpectedAuthority],
                merged: Sequence["ReturnedWorkbook"]) -> list[ReturnRow]:
    """One row per expected authority, in the order given, with what its return held; then a
    row for each return from an authority not expected (merged all the same, and said)."""
    by_code = {wb.partnership.code: wb for wb in merged}
    rows = []
    for e in expected:
        wb = by_code.get(e.code)
        rows.append(ReturnRow(e.code, e.name, e.region, False) if wb is None else _returned(wb))
    wanted = {e.code for e in expected}
    rows.extend(replace(_returned(wb), expected=False) for code, wb in sorted(by_code.items())
                if code not in wanted)
    return rows


def _returned(wb: "ReturnedWorkbook") -> ReturnRow:
    p = wb.partnership
    return ReturnRow(p.code, p.name, p.region, True, wb.path.name, wb.exported_at,
                     wb.respondents, wb.roles)
