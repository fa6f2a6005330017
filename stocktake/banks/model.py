"""Question banks: the model (frozen dataclasses: roles, areas, questions, options, levels)
and a Bank built from its checked data. Finding and loading banks is stocktake.banks.loading.

A bank is read once, checked whole by :mod:`stocktake.banks.validation`, and then only read.

    bank = find_bank("idea-stocktake")          # stocktake.banks.loading
    for q in bank.questions_in("vision"):
        print(q.id, q.text)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stocktake.records.responses import AGE_BANDS, AgeBand  # noqa: F401 - a respondent's age band
from stocktake.errors import StocktakeError

from stocktake.banks.format import (DEFAULT_MIN_COUNT, DEFAULT_MIN_COVERAGE, DEFAULT_MIN_ROLES,  # noqa: E402,F401
                                    DEFAULT_PARTNERSHIP_SCORE, MAX_AGE, MIN_AGE,
                                    PARTNERSHIP_SCORE_METHODS, QUESTION_TYPES, SCORED_BY_DEFAULT,
                                    read_bank_toml)


@dataclass(frozen=True)
class Band:
    label: str
    min: float
    colour: str


DEFAULT_BANDS = (
    Band("Emerging", 0, "#F4B6B6"),
    Band("Developing", 25, "#FFE08A"),
    Band("Established", 50, "#B7DEA8"),
    Band("Embedded", 75, "#6FBF73"),
)


def age_band(band_id: str) -> AgeBand:
    for band in AGE_BANDS:
        if band.id == band_id:
            return band
    known = ", ".join(b.id for b in AGE_BANDS)
    raise StocktakeError(f"unknown age band '{band_id}'", hint=f"use one of: {known}")


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    # Answers of this role are shown beside the partners', not averaged in with them.
    reported_apart: bool = False
    # Children and young people: no name is taken, a reference such as YP-0007 stands in for
    # one, an age band is asked first, and no evidence note is asked for.
    anonymous: bool = False

    @property
    def reference_prefix(self) -> str:
        """`young-people` -> `YP`: the initials of the role id, upper case."""
        parts = [p for p in re.split(r"[-_.]", self.id) if p]
        return "".join(p[0] for p in parts).upper() or "R"


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str
    # DfE LAIT measure ids whose published figures bear on the area (stocktake.evidence). Left out
    # of the bank's hash: linking evidence changes no question, so returned forms still merge.
    indicators: tuple[str, ...] = ()
    # Measures shown beside the area as context only: never banded into its self-view flag
    # (a figure about a wider or narrower group than the area asks about). Left out of the hash.
    context: tuple[str, ...] = ()
    # Ids in the bank's [sources] table: the statutes and guidance the area rests on.
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One entry of a bank's `[sources]` table: a primary source (legislation.gov.uk, gov.uk)
    that questions and areas cite by id."""

    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    score: float
    exclusive: bool = False  # a multi option ticked only on its own ("None of these")


@dataclass(frozen=True)
class Condition:
    """A skip condition as data: `question` must be `is`, be `in` a list, or be `at_least` N."""

    question: str
    is_: Any = None
    in_: tuple | None = None
    at_least: float | None = None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"question": self.question}
        if self.is_ is not None:
            out["is"] = self.is_
        if self.in_ is not None:
            out["in"] = list(self.in_)
        if self.at_least is not None:
            out["at_least"] = self.at_least
        return out


@dataclass(frozen=True)
class Question:
    id: str
    area: str
    text: str
    type: str
    guidance: str = ""
    levels: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    weight: float = 1.0
    roles: tuple[str, ...] = ()  # empty: asked of every role
    required: bool = False
    scored: bool = True
    when: Condition | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    # Asked only of age bands wholly inside these ages (anonymous roles only); None: any age.
    min_age: int | None = None
    max_age: int | None = None
    # Answer values (option ids, level numbers, "yes"/"no") that bring up the bank's
    # safeguarding notice.
    notice: tuple = ()
    # Ids in the bank's [sources] table: the duty or guidance the question asks about.
    sources: tuple[str, ...] = ()

    def asked_of(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def asked_of_age(self, band: AgeBand | None) -> bool:
        """True when no band is known (adults), or the band lies within the question's ages."""
        if band is None:
            return True
        low = self.min_age if self.min_age is not None else MIN_AGE
        high = self.max_age if self.max_age is not None else MAX_AGE
        return low <= band.min and band.max <= high

    def calls_for_notice(self, value: Any) -> bool:
        """Whether an answered value is one the bank marks for its safeguarding notice."""
        if not self.notice or value is None:
            return False
        chosen = value if isinstance(value, list) else [value]
        return any(str(v) == str(n) for v in chosen for n in self.notice)

    def option(self, option_id: str) -> Option | None:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None

    def to_dict(self) -> dict:
        return {
            "id": self.id, "area": self.area, "text": self.text, "guidance": self.guidance,
            "type": self.type, "levels": list(self.levels),
            # `exclusive` only where set, so banks without it keep their hash
            "options": [{"id": o.id, "label": o.label, "score": o.score,
                         **({"exclusive": True} if o.exclusive else {})} for o in self.options],
            "weight": self.weight, "roles": list(self.roles),
            "when": self.when.to_dict() if self.when else None,
            "scored": self.scored, "required": self.required,
            "min": self.min, "max": self.max, "unit": self.unit,
            **({"min_age": self.min_age} if self.min_age is not None else {}),
            **({"max_age": self.max_age} if self.max_age is not None else {}),
            **({"notice": list(self.notice)} if self.notice else {}),
            # `sources` only where cited, so banks without them keep their hash
            **({"sources": list(self.sources)} if self.sources else {}),
        }


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    version: str
    description: str
    min_coverage: float
    bands: tuple[Band, ...]
    roles: tuple[Role, ...]
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]
    source: Path | None = field(default=None, compare=False)
    partnership_score: str = DEFAULT_PARTNERSHIP_SCORE  # one of PARTNERSHIP_SCORE_METHODS
    min_roles: int = DEFAULT_MIN_ROLES  # partner roles an area needs to be a partnership view
    # The fewest partnerships, people or answers a figure or comparison may rest on (issue 23).
    min_count: int = DEFAULT_MIN_COUNT
    # Shown once when an answer marked with `notice` is given: what to do and whom to tell.
    safeguarding_notice: str = ""
    # The bank's [sources] table, in file order: what its questions and areas cite.
    sources: tuple[Source, ...] = ()
    # A bank written for a past period ("2002-03"): the DfE measures it links are today's,
    # so every output showing them says they are present-day equivalents. Left out of the hash.
    period: str = ""

    @property
    def hash(self) -> str:
        return content_hash(self)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    @property
    def apart_role_ids(self) -> tuple[str, ...]:
        """Roles reported apart (bank order): never part of the partnership score."""
        return tuple(r.id for r in self.roles if r.reported_apart)

    def role_title(self, role_id: str) -> str:
        """The role's title, or the id itself for a role the bank no longer has."""
        for role in self.roles:
            if role.id == role_id:
                return role.title
        return role_id

    def question(self, question_id: str) -> Question:
        try:
            return self._question_index()[question_id]
        except KeyError:
            raise StocktakeError(f"bank {self.id} has no question '{question_id}'",
                                 hint=f"run `stocktake banks show {self.id}` to see its questions")

    def has_question(self, question_id: str) -> bool:
        return question_id in self._question_index()

    def source_for(self, source_id: str) -> Source:
        """The [sources] entry with this id; StocktakeError naming the known ids if none."""
        for src in self.sources:
            if src.id == source_id:
                return src
        known = ", ".join(s.id for s in self.sources) or "none"
        raise StocktakeError(f"bank {self.id} has no source '{source_id}'",
                             hint=f"its sources are: {known}")

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        known = ", ".join(a.id for a in self.areas)
        raise StocktakeError(f"bank {self.id} has no area '{area_id}'", hint=f"its areas are: {known}")

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        known = ", ".join(self.role_ids)
        raise StocktakeError(f"bank {self.id} has no role '{role_id}'", hint=f"its roles are: {known}")

    def questions_in(self, area_id: str) -> list[Question]:
        return [q for q in self.questions if q.area == area_id]

    def questions_for_role(self, role_id: str) -> list[Question]:
        return [q for q in self.questions if q.asked_of(role_id)]

    def is_anonymous(self, role_id: str) -> bool:
        return any(r.id == role_id and r.anonymous for r in self.roles)

    def band_for(self, score: float | None) -> Band | None:
        if score is None:
            return None
        from stocktake.arithmetic.precision import at_least

        chosen = self.bands[0]
        for band in self.bands:
            if at_least(score, band.min):  # 24.999 reads 25.00, so it is in the 25 band
                chosen = band
        return chosen

    def to_dict(self) -> dict:
        """The whole bank as data: the form `banks show --json` prints and the hash is taken over."""
        return {
            "id": self.id, "title": self.title, "version": self.version,
            "description": self.description, "hash": self.hash,
            "min_coverage": self.min_coverage,
            "partnership_score": self.partnership_score, "min_roles": self.min_roles,
            "min_count": self.min_count,
            "bands": [{"label": b.label, "min": b.min, "colour": b.colour} for b in self.bands],
            "roles": [_role_dict(r) for r in self.roles],
            "areas": [{"id": a.id, "title": a.title, "description": a.description,
                       "indicators": list(a.indicators),
                       **({"context": list(a.context)} if a.context else {}),
                       **({"sources": list(a.sources)} if a.sources else {})}
                      for a in self.areas],
            **({"sources": [{"id": s.id, "title": s.title, "url": s.url} for s in self.sources]}
               if self.sources else {}),
            **({"period": self.period} if self.period else {}),
            "questions": [q.to_dict() for q in self.questions],
            **({"safeguarding_notice": self.safeguarding_notice}
               if self.safeguarding_notice else {}),
        }

    def _question_index(self) -> dict[str, Question]:
        # Frozen dataclass: cache the index on the instance dict directly.
        index = self.__dict__.get("_qindex")
        if index is None:
            index = {q.id: q for q in self.questions}
            object.__setattr__(self, "_qindex", index)
        return index


def _role_dict(role: Role) -> dict:
    # The new keys only where set, so that banks without them keep their hash.
    out: dict[str, Any] = {"id": role.id, "title": role.title}
    if role.reported_apart:
        out["reported_apart"] = True
    if role.anonymous:
        out["anonymous"] = True
    return out


def content_hash(bank: Bank) -> str:
    """SHA-256 over the bank's canonical JSON (sorted keys, no whitespace, hash itself left out)."""
    cached = bank.__dict__.get("_hash")
    if cached:
        return cached
    data = {
        "id": bank.id, "title": bank.title, "version": bank.version,
        "description": bank.description, "min_coverage": bank.min_coverage,
        "bands": [[b.label, b.min, b.colour] for b in bank.bands],
        "roles": [[r.id, r.title] + ([_role_dict(r)] if r.reported_apart or r.anonymous
                                      else []) for r in bank.roles],
        "areas": [[a.id, a.title, a.description] + ([list(a.sources)] if a.sources else [])
                  for a in bank.areas],
        "questions": [q.to_dict() for q in bank.questions],
    }
    # The scoring keys enter the hash only when a bank sets them, so the hash of a bank that
    # does not (and of every workbook exported with it) is what it was before they existed.
    if bank.partnership_score != DEFAULT_PARTNERSHIP_SCORE:
        data["partnership_score"] = bank.partnership_score
    if bank.min_roles != DEFAULT_MIN_ROLES:
        data["min_roles"] = bank.min_roles
    # min_count is left out: it rules what is published, not what is asked or scored, so a
    # --min-count (or a bank edited to publish less) still merges the forms it sent out.
    if bank.safeguarding_notice:
        data["safeguarding_notice"] = bank.safeguarding_notice
    # Sources enter only when a bank has them, so older banks keep the hash they had.
    if bank.sources:
        data["sources"] = [[s.id, s.title, s.url] for s in bank.sources]
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    object.__setattr__(bank, "_hash", digest)
    return digest


# ---------------------------------------------------------------- loading


def bank_from_data(data: dict, source: Path | None = None) -> Bank:
    """Build a Bank from parsed TOML that has already passed validation."""
    bands = tuple(sorted((Band(str(b["label"]), float(b["min"]), str(b.get("colour", "#FFFFFF")))
                          for b in data.get("bands", [])), key=lambda b: b.min)) or DEFAULT_BANDS
    questions = []
    for q in data["questions"]:
        qtype = q["type"]
        when = None
        if "when" in q:
            w = q["when"]
            when = Condition(question=w["question"], is_=w.get("is"),
                             in_=tuple(w["in"]) if "in" in w else None,
                             at_least=float(w["at_least"]) if "at_least" in w else None)
        questions.append(Question(
            id=q["id"], area=q["area"], text=q["text"].strip(), type=qtype,
            guidance=str(q.get("guidance", "")).strip(),
            levels=tuple(str(x).strip() for x in q.get("levels", [])),
            options=tuple(Option(str(o["id"]), str(o["label"]), float(o.get("score", 0)),
                                 bool(o.get("exclusive", False)))
                          for o in q.get("options", [])),
            weight=float(q.get("weight", 1)),
            roles=tuple(q.get("roles", [])),
            required=bool(q.get("required", False)),
            scored=bool(q.get("scored", SCORED_BY_DEFAULT[qtype])),
            when=when,
            min=float(q["min"]) if "min" in q else None,
            max=float(q["max"]) if "max" in q else None,
            unit=str(q.get("unit", "")),
            min_age=int(q["min_age"]) if "min_age" in q else None,
            max_age=int(q["max_age"]) if "max_age" in q else None,
            notice=tuple(q.get("notice", ())),
            sources=tuple(q.get("sources", ())),
        ))
    return Bank(
        id=data["id"], title=data["title"], version=str(data["version"]),
        description=str(data.get("description", "")).strip(),
        min_coverage=float(data.get("min_coverage", DEFAULT_MIN_COVERAGE)),
        bands=bands,
        roles=tuple(Role(r["id"], r["title"],
                         bool(r.get("reported_apart", False))
                         or r["id"] in data.get("reported_apart", ()),
                         bool(r.get("anonymous", False))) for r in data["roles"]),
        areas=tuple(Area(a["id"], a["title"], str(a.get("description", "")).strip(),
                         tuple(a.get("indicators", [])), tuple(a.get("context", [])),
                         tuple(a.get("sources", [])))
                    for a in data["areas"]),
        questions=tuple(questions),
        source=source,
        safeguarding_notice=str(data.get("safeguarding_notice", "")).strip(),
        partnership_score=str(data.get("partnership_score", DEFAULT_PARTNERSHIP_SCORE)),
        min_roles=int(data.get("min_roles", DEFAULT_MIN_ROLES)),
        min_count=int(data.get("min_count", DEFAULT_MIN_COUNT)),
        sources=tuple(Source(str(sid), str(s["title"]).strip(), str(s["url"]).strip())
                      for sid, s in data.get("sources", {}).items()),
        period=str(data.get("period", "")),
    )
