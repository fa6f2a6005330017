"""Likely personal data in free text: evidence notes are not the place for details of a child.

Finds NHS numbers (ten digits passing the modulus 11 check), e-mail addresses, UK phone numbers
and dates of birth written near "DOB", "date of birth" or "born". It errs towards a warning a
person can dismiss, never towards silence; ordinary figures ("2026-27", "153 authorities", "45%")
are left alone.

    findings = find_personal_data("Child's NHS no 943 476 5919, mum on 07700 900123")
    describe(findings)     -> "likely personal data: an NHS number, a phone number"
    redact_text(text)      -> "Child's NHS no [redacted NHS number], mum on [redacted phone number]"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

NHS_NUMBER, EMAIL, PHONE, DATE_OF_BIRTH = "NHS number", "e-mail address", "phone number", \
    "date of birth"
KINDS = (NHS_NUMBER, EMAIL, PHONE, DATE_OF_BIRTH)
_ONE = {NHS_NUMBER: "an NHS number", EMAIL: "an e-mail address", PHONE: "a phone number",
        DATE_OF_BIRTH: "a date of birth"}
_MANY = {NHS_NUMBER: "NHS numbers", EMAIL: "e-mail addresses", PHONE: "phone numbers",
         DATE_OF_BIRTH: "dates of birth"}

_NHS = re.compile(r"(?<![\d.,])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d]|[.,]\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z])")
# +44 or 0, then 9 or 10 more digits, spaced or hyphenated as people write them: 020 7946 0000,
# (0121) 496 0000, 07700 900123, +44 (0)7700 900123, +447700900123.
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)(?:\d[ )-]{0,2}){8,9}\d(?!\d)")
_DOB_WORD = re.compile(r"\b(?:d\.\s?o\.\s?b\b\.?|dob\b|date\s+of\s+birth\b|born\b)", re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"          # 01/02/2015, 1.2.15
    r"|\d{4}-\d{2}-\d{2}"                                      # 2015-02-01
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+\d{4}"   # 1st of March 2015
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # March 1, 2015
    r"|" + _MONTH + r"\s+\d{4})\b",                           # March 2015
    re.IGNORECASE)
DOB_REACH = 20
_WORTH_A_LOOK = re.compile(r"[\d@]")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS modulus 11 check: weights 10..2 on the first nine digits; 10 is never valid."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_personal_data(text: str) -> list[Finding]:
    """Every likely personal detail in `text`, in order, none overlapping another."""
    if not text or not _WORTH_A_LOOK.search(text):
        return []  # every kind needs a digit or an "@": most evidence notes stop here
    candidates = [*_nhs_numbers(text), *_matches(_EMAIL, EMAIL, text),
                  *_matches(_PHONE, PHONE, text), *_dates_of_birth(text)]
    # Where two overlap, the earlier and then the longer wins (an e-mail address made of digits
    # is one e-mail address, not an NHS number inside one).
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start), KINDS.index(f.kind)))
    chosen: list[Finding] = []
    for finding in candidates:
        if chosen and finding.start < chosen[-1].end:
            continue
        chosen.append(finding)
    return chosen


def redact_text(text: str) -> str:
    """`text` with each finding replaced by `[redacted <kind>]`, until nothing is left to mask.

    Text glued to a finding (`...5919+447700900123`) can only be seen once its neighbour is
    masked, so masking repeats; each pass removes digits or an "@", so it ends.
    """
    while text:
        findings = find_personal_data(text)
        if not findings:
            break
        out, last = [], 0
        for finding in findings:
            out.append(text[last:finding.start])
            out.append(f"[redacted {finding.kind}]")
            last = finding.end
        out.append(text[last:])
        text = "".join(out)
    return text


def describe(findings: Iterable[Finding]) -> str:
    """One line for a warning, e.g. "likely personal data: an NHS number, 2 e-mail addresses"."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    if not counts:
        return ""
    parts = [_ONE[kind] if counts[kind] == 1 else f"{counts[kind]} {_MANY[kind]}"
             for kind in KINDS if kind in counts]
    return "likely personal data: " + ", ".join(parts)


def _matches(pattern: re.Pattern[str], kind: str, text: str) -> Iterator[Finding]:
    for match in pattern.finditer(text):
        yield Finding(kind, match.group(0), match.start(), match.end())


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for match in _NHS.finditer(text):
        if nhs_number_is_valid(match.group(1) + match.group(3) + match.group(4)):
            yield Finding(NHS_NUMBER, match.group(0), match.start(), match.end())


def _dates_of_birth(text: str) -> Iterator[Finding]:
    """Dates starting within DOB_REACH characters after a DOB word, or ending that close before."""
    words = list(_DOB_WORD.finditer(text))
    if not words:
        return
    for date in _DATE.finditer(text):
        for word in words:
            after = 0 <= date.start() - word.end() <= DOB_REACH
            before = 0 <= word.start() - date.end() <= DOB_REACH
            if after or before:
                yield Finding(DATE_OF_BIRTH, date.group(0), date.start(), date.end())
                break


@dataclass(frozen=True)
class FlaggedText:
    """A stored piece of free text that holds likely personal data, with that data masked."""

    partnership: str
    bank: str
    wave: str
    respondent: str
    question: str  # question id, or the area for a moderation reason
    field: str  # "evidence", "answer" or "moderation reason"
    kinds: tuple[str, ...]
    masked: str
    place: str = "answers"  # "answers", "history", or the file of a backup or copy

    def to_dict(self) -> dict:
        return {"partnership": self.partnership, "bank": self.bank, "wave": self.wave,
                "respondent": self.respondent, "question": self.question, "field": self.field,
                "kinds": list(self.kinds), "masked": self.masked, "place": self.place}


def scan_workspace(workspace, partnership: str | None = None, bank: str | None = None,
                   wave: str | None = None) -> list[FlaggedText]:
    """Evidence notes, text answers and moderation reasons in the workspace holding personal data.

    Any answer value that is a string is scanned, whatever its question type: option ids and
    yes/no never look like personal data, and this needs no bank to be found.
    """
    flagged: list[FlaggedText] = []

    def check(text: object, where: tuple[str, str, str, str, str], field: str) -> None:
        if not isinstance(text, str) or not text:
            return
        findings = find_personal_data(text)
        if findings:
            kinds = tuple(dict.fromkeys(f.kind for f in findings))
            flagged.append(FlaggedText(*where, field, kinds, redact_text(text)))

    responses = workspace.responses(partnership, bank=bank, wave=wave)
    for response in sorted(responses, key=lambda r: (r.key.partnership, r.key.bank, r.key.wave,
                                                     r.key.respondent)):
        key = response.key
        # Names are free text too: an e-mail address typed as a respondent or adviser name.
        check(key.respondent, (key.partnership, key.bank, key.wave, key.respondent, ""),
              "respondent name")
        check(response.adviser, (key.partnership, key.bank, key.wave, key.respondent, ""),
              "adviser name")
        for qid, answer in response.answers.items():
            where = (key.partnership, key.bank, key.wave, key.respondent, qid)
            check(answer.value, where, "answer")
            check(answer.evidence, where, "evidence")
    codes = [partnership] if partnership else [path.stem for path in workspace.shard_files()]
    for code in codes:
        for moderation in workspace.moderations(code, bank=bank, wave=wave):
            check(moderation.reason, (code, moderation.bank, moderation.wave,
                                      moderation.adviser, moderation.area), "moderation reason")
    return flagged
