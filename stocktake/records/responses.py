"""What a respondent gave: a response (who, for which bank and wave) and its answers.

Plain data shared by the store, scoring and workbooks; nothing here reads or writes files.

    key = ResponseKey("E09000007", "idea-stocktake", "2026-27", "Director of children's services")
    answer = Answer("vision.shared-vision", ANSWERED, 3, evidence="CYPP 2026 p4")
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

ANSWERED, NOT_APPLICABLE, DONT_KNOW = "answered", "na", "dk"
STATUSES = (ANSWERED, NOT_APPLICABLE, DONT_KNOW)
MODES = ("interview", "self-assessment", "form", "submission")


def now_iso() -> str:
    """UTC to the second: what `answered_at` and friends hold."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def current_wave(today: date | None = None) -> str:
    """The English financial year, April to March, as `2026-27`: the default wave."""
    today = today or date.today()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class AgeBand:
    """An age band a child or young person picks first: `min` to `max` years, inclusive."""

    id: str
    label: str
    min: int
    max: int


# Asked first of every anonymous role; questions are limited to bands by `min_age`/`max_age`.
AGE_BANDS = (
    AgeBand("under-11", "Under 11", 0, 10),
    AgeBand("11-15", "11 to 15", 11, 15),
    AgeBand("16-18", "16 to 18", 16, 18),
    AgeBand("19-25", "19 to 25 (care leavers)", 19, 25),
)
_AGE_BANDS_BY_ID = {band.id: band for band in AGE_BANDS}


@dataclass(frozen=True)
class ResponseKey:
    partnership: str
    bank: str
    wave: str
    respondent: str

    def as_dict(self) -> dict:
        return {"partnership": self.partnership, "bank": self.bank, "wave": self.wave,
                "respondent": self.respondent}


@dataclass(frozen=True)
class Answer:
    question: str
    status: str  # answered | na | dk
    value: Any = None  # int level, option id, list of option ids, "yes"/"no", number, text
    evidence: str = ""
    answered_at: str = ""

    def to_doc(self) -> dict:
        return {"status": self.status, "value": self.value, "evidence": self.evidence,
                "answered_at": self.answered_at}

    @classmethod
    def from_doc(cls, question: str, doc: dict) -> "Answer":
        return cls(question, doc["status"], doc.get("value"), doc.get("evidence", "") or "",
                   doc.get("answered_at", "") or "")

    def stamped(self, when: str | None = None) -> "Answer":
        return self if self.answered_at else replace(self, answered_at=when or now_iso())


@dataclass(frozen=True)
class Response:
    key: ResponseKey
    role: str
    mode: str = "interview"
    adviser: str = ""
    bank_version: str = ""
    bank_hash: str = ""
    started_at: str = ""
    updated_at: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    # The collection tool's id of the submission (ODK instanceID, KoboToolbox _uuid) for mode
    # "submission": a second import of the same submission finds it and adds nothing.
    instance_id: str = ""
    # Children and young people: the age band they gave (an AGE_BANDS id), and when the bank's
    # safeguarding notice was shown, by the question whose answer called for it. Nothing
    # the child said beyond the answer itself is kept.
    age_band: str = ""
    notices: dict[str, str] = field(default_factory=dict)
    # Earlier submissions of the same respondent, replaced by a later one: kept so that a
    # cumulative download (which holds them all) never brings an old one back.
    earlier_instance_ids: tuple[str, ...] = ()

    def to_doc(self) -> dict:
        doc = {**self.key.as_dict(), "role": self.role, "mode": self.mode,
               "adviser": self.adviser, "bank_version": self.bank_version,
               "bank_hash": self.bank_hash, "started_at": self.started_at,
               "updated_at": self.updated_at,
               "answers": {qid: a.to_doc() for qid, a in self.answers.items()}}
        if self.instance_id:
            doc["instance_id"] = self.instance_id
        if self.age_band:
            doc["age_band"] = self.age_band
        if self.notices:
            doc["notices"] = dict(self.notices)
        if self.earlier_instance_ids:
            doc["earlier_instances"] = list(self.earlier_instance_ids)
        return doc

    @property
    def age(self):
        """The AgeBand given, or None (adults, or a band no longer known)."""
        return _AGE_BANDS_BY_ID.get(self.age_band) if self.age_band else None

    @classmethod
    def from_doc(cls, doc: dict) -> "Response":
        key = ResponseKey(doc["partnership"], doc["bank"], doc["wave"], doc["respondent"])
        answers = {qid: Answer.from_doc(qid, a) for qid, a in (doc.get("answers") or {}).items()}
        return cls(key, doc["role"], doc.get("mode", "interview"), doc.get("adviser", "") or "",
                   doc.get("bank_version", ""), doc.get("bank_hash", ""),
                   doc.get("started_at", ""), doc.get("updated_at", ""), answers,
                   doc.get("instance_id", "") or "", doc.get("age_band", "") or "",
                   dict(doc.get("notices") or {}),
                   tuple(doc.get("earlier_instances") or ()))


@dataclass(frozen=True)
class Moderation:
    """An adviser's judgement of one area, kept beside the self-assessment, never over it."""

    partnership: str
    bank: str
    wave: str
    area: str
    score: float
    reason: str
    adviser: str
    moderated_at: str = ""

    def to_doc(self) -> dict:
        return {"partnership": self.partnership, "bank": self.bank, "wave": self.wave,
                "area": self.area, "score": self.score, "reason": self.reason,
                "adviser": self.adviser, "moderated_at": self.moderated_at}

    @classmethod
    def from_doc(cls, doc: dict) -> "Moderation":
        return cls(doc["partnership"], doc["bank"], doc["wave"], doc["area"], float(doc["score"]),
                   doc.get("reason", ""), doc.get("adviser", ""), doc.get("moderated_at", ""))
