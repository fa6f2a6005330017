"""A partnership's scores as plain data and back, exactly: what the shard cache keeps. Pure.

`scores_record` makes nested lists of str, float, int, bool and None, field by field in the
dataclasses' own order (a list, not a dict, as a national cache holds some 50,000 of them), the
respondents' own scores as JSON text within it; `scores_from_record` gives back a
PartnershipScores equal to the one recorded, every float to the last bit (JSON writes floats as
their shortest exact repr), its respondents' scores read when first used. RECORD_VERSION names the shape:
it enters the cache's key, so a record of another shape is never read as this one.

    record = scores_record(scores)
    assert scores_from_record(json.loads(json.dumps(record))) == scores
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from stocktake.records.responses import Moderation
from stocktake.scoring.method import (AreaResult, PartnershipScores, RespondentAreaScore,
                                      RoleSummary, RoleView)

RECORD_VERSION = 3

_MODERATION = tuple(f.name for f in fields(Moderation))
_ROLE_VIEW = tuple(f.name for f in fields(RoleView))
_RESPONDENT = tuple(f.name for f in fields(RespondentAreaScore))
_ROLE_SUMMARY = tuple(f.name for f in fields(RoleSummary))
_AREA = tuple(f.name for f in fields(AreaResult))
_SCORES = tuple(f.name for f in fields(PartnershipScores))


def scores_record(scores: PartnershipScores) -> list:
    """The scores as nested lists (see the module's docstring)."""
    out = []
    for name in _SCORES:
        value = getattr(scores, name)
        if name == "areas":
            value = [_area_record(a) for a in value]
        elif name == "respondent_scores":
            # As JSON text inside the record: one string to a reader of the whole cache, read
            # only by the caller who asks for a respondent's scores (a report, never the
            # benchmark), which is most of a national cache's size.
            value = json.dumps(_respondent_runs(value), ensure_ascii=False, allow_nan=False,
                               separators=(",", ":"))
        elif name == "roles":
            value = [_flat(r, _ROLE_SUMMARY) for r in value]
        out.append(value)
    return out


def scores_from_record(record: list) -> PartnershipScores:
    """The PartnershipScores `scores_record` was given; ValueError for a record of another
    shape (a cache is then passed by, never half read)."""
    try:
        values = dict(zip(_SCORES, record, strict=True))
        values["areas"] = tuple(_area_from(a) for a in values["areas"])
        if not isinstance(values["respondent_scores"], str):
            raise TypeError("respondent scores are not JSON text")
        values["respondent_scores"] = RecordedRespondentScores(values["respondent_scores"])
        values["roles"] = tuple(_make(RoleSummary, _ROLE_SUMMARY, r) for r in values["roles"])
        return _make(PartnershipScores, _SCORES, [values[n] for n in _SCORES])
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a scores record of version {RECORD_VERSION}: {exc}") from None


class RecordedRespondentScores(Sequence):
    """A partnership's RespondentAreaScore tuple, read from its record's JSON text when first
    used. Equal to (and hashing as) the tuple it holds, so scores read from a record are equal
    to the scores recorded; pickled as that tuple."""

    __slots__ = ("_text", "_items")

    def __init__(self, text: str):
        self._text = text
        self._items: tuple[RespondentAreaScore, ...] | None = None

    def _all(self) -> tuple[RespondentAreaScore, ...]:
        if self._items is None:
            self._items = tuple(_make(RespondentAreaScore, _RESPONDENT, [who, role, *row])
                                for who, role, rows in json.loads(self._text) for row in rows)
        return self._items

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, RecordedRespondentScores):
            other = other._all()
        return isinstance(other, tuple) and self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __reduce__(self):
        return (tuple, (self._all(),))

    def __repr__(self) -> str:
        return repr(self._all())


def _respondent_runs(results) -> list:
    """[[respondent, role, [[area, score, ...], ...]], ...]: each run of one respondent's
    results (score_partnership gives them area by area for each respondent in turn) with the
    name and role once, in the order given."""
    assert _RESPONDENT[:2] == ("respondent", "role")
    runs: list = []
    for r in results:
        if not runs or runs[-1][0] != r.respondent or runs[-1][1] != r.role:
            runs.append([r.respondent, r.role, []])
        runs[-1][2].append(_flat(r, _RESPONDENT[2:]))
    return runs


def _area_record(area: AreaResult) -> list:
    out = []
    for name in _AREA:
        value = getattr(area, name)
        if name in ("by_role", "apart"):
            value = [_flat(v, _ROLE_VIEW) for v in value]
        elif name == "moderation":
            value = None if value is None else _flat(value, _MODERATION)
        elif name in ("withheld", "apart_differs"):
            value = list(value)
        out.append(value)
    return out


def _area_from(record: list) -> AreaResult:
    values = dict(zip(_AREA, record, strict=True))
    for name in ("by_role", "apart"):
        values[name] = tuple(_make(RoleView, _ROLE_VIEW, v) for v in values[name])
    if values["moderation"] is not None:
        values["moderation"] = _make(Moderation, _MODERATION, values["moderation"])
    values["withheld"] = tuple(values["withheld"])
    values["apart_differs"] = tuple(values["apart_differs"])
    return _make(AreaResult, _AREA, [values[n] for n in _AREA])


def _flat(obj: Any, names: tuple[str, ...]) -> list:
    return [getattr(obj, n) for n in names]


def _make(cls: type, names: tuple[str, ...], values: list) -> Any:
    # The frozen dataclasses' own __init__ sets each field through object.__setattr__: about
    # twice the cost of filling __dict__ at once, for the same object (they have no
    # __post_init__ and no defaults to fill, as every field is recorded).
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__} needs {len(names)} fields, got {len(values)}")
    obj: Any = object.__new__(cls)
    obj.__dict__.update(zip(names, values))
    return obj
