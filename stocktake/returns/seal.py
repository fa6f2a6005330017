"""The integrity seal of an exported workbook: SHA-256 over a canonical form of its answer data.

The seal is taken over what the workbook *says*, not over its bytes, so opening and re-saving it
in Excel or LibreOffice keeps it valid while changing any answer breaks it. Spreadsheets change
how values are held without changing what they say: 3 comes back as 3.0, an empty string as an
empty cell, a line break as CR LF, a timestamp (if a program turned it into a date) as a serial
number. Every value is brought to one canonical text before hashing, the same way on export and
on merge, and rows are sorted so their order in the sheet does not matter.

    seal = compute_seal(header, responses, answers, moderations, bank=bank)
    ok = seal == about["seal"]      # rows are dicts keyed by field name

The plain seal proves that nothing was changed by accident; anyone can recompute it after a
deliberate edit. The keyed seal is an HMAC-SHA256 of the same document with a key only the
national team holds (`STOCKTAKE_SEAL_KEY`, or a key file given with `--key`): without the key
it cannot be recomputed, so `merge --key` refuses a deliberate edit too.

    keyed = compute_seal(header, responses, answers, moderations, bank=bank, key=key)
    verified = seal_matches(keyed, about["keyed_seal"])   # constant-time comparison
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from stocktake.banks.answer_values import format_value
from stocktake.banks.model import Bank, Question

SEAL_METHOD = "sha256-canonical-answers-1"
KEYED_SEAL_METHOD = "hmac-sha256-canonical-answers-1"
KEY_ENV = "STOCKTAKE_SEAL_KEY"
MIN_KEY_BYTES = 16

HEADER_FIELDS = ("bank", "bank_version", "bank_hash", "wave", "partnership", "exported_at")
# `age_band` (children and young people) came last, later: a workbook without that column is
# read, and its seal checked, on the fields before it.
RESPONSE_FIELDS = ("partnership", "respondent", "role", "mode", "adviser", "bank_version",
                   "bank_hash", "started_at", "updated_at", "age_band")
ANSWER_FIELDS = ("partnership", "respondent", "question", "status", "value", "evidence",
                 "answered_at")
MODERATION_FIELDS = ("partnership", "area", "score", "reason", "adviser", "moderated_at")
PLAN_FIELDS = ("partnership", "area", "target", "action", "owner", "due", "status",
               "created_at", "done_at")
TIMESTAMP_FIELDS = frozenset({"exported_at", "started_at", "updated_at", "answered_at",
                              "moderated_at", "created_at", "done_at"})

# Excel's day 0 for the 1900 date system, allowing for its phantom 29 February 1900.
EXCEL_EPOCH = datetime(1899, 12, 30)
# The characters XML 1.0 cannot hold; writers drop them, so the canonical form drops them too.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def canonical_text(raw: Any) -> str:
    """One text for a cell value, whichever way a spreadsheet program handed it back.

    Text is taken as it is but for line ends; writers drop the control characters XML cannot
    hold before they seal (see :func:`clean_text`), so a reader never meets them.
    """
    if type(raw) is str:
        if "\r" in raw:
            return raw.replace("\r\n", "\n").replace("\r", "\n")
        return raw
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return _number_text(raw)
    if isinstance(raw, (datetime, date, time)):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw.total_seconds())
    return canonical_text(str(raw))


def clean_text(value: Any) -> Any:
    """A str as a workbook cell will hold it: without the control characters XML 1.0 cannot
    hold, line ends as LF (as set_text_cell writes them); anything else unchanged."""
    if type(value) is str:
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if _ILLEGAL.search(value):
            return _ILLEGAL.sub("", value)
    return value


def canonical_timestamp(raw: Any) -> str:
    """An ISO timestamp in UTC to the second, from ISO text, a datetime or an Excel serial."""
    if type(raw) is str and len(raw) == 25 and raw[10] == "T" and raw.endswith("+00:00"):
        return raw  # already canonical: the form stocktake writes
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    moment: datetime | None = None
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            moment = EXCEL_EPOCH + timedelta(days=float(raw))
        except (OverflowError, ValueError):
            return canonical_text(raw)
    else:
        try:
            moment = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            return canonical_text(raw).strip()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    # A serial number carries the time as a fraction of a day: round, do not truncate.
    if moment.microsecond >= 500_000:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0).isoformat()


def canonical_value(question: Question | None, raw: Any) -> str:
    """An answer value as `answer_values.format_value` writes it, so 3, 3.0 and "3" agree."""
    if type(raw) is str:
        return canonical_text(raw)
    if raw is None:
        return ""
    if type(raw) is float:
        return _number_text(raw)  # what format_value gives a number, 15 digits kept
    if question is None:
        return ";".join(raw) if isinstance(raw, (list, tuple)) else canonical_text(raw)
    return canonical_text(format_value(question, raw))


FIELDS = {"header": HEADER_FIELDS, "responses": RESPONSE_FIELDS, "answers": ANSWER_FIELDS,
          "moderations": MODERATION_FIELDS, "plans": PLAN_FIELDS}


def canonical_rows(kind: str, rows: Iterable[Mapping[str, Any]],
                   bank: Bank | None = None) -> list[list[str]]:
    """Rows of one kind ("responses", "answers", ...), given as dicts by field name, as lists
    of canonical text in the order of that kind's fields."""
    fields = FIELDS[kind]
    return canonical_lists(kind, ([row.get(f) for f in fields] for row in rows), bank)


def canonical_lists(kind: str, rows: Iterable[Sequence[Any]],
                    bank: Bank | None = None) -> list[list[str]]:
    """Rows of one kind given as lists in field order, as lists of canonical text; an answer's
    `value` goes through its question's formatting. The merge's hot loop: kept lean."""
    fields = FIELDS[kind]
    stamps = [i for i, f in enumerate(fields) if f in TIMESTAMP_FIELDS]
    value_at = fields.index("value") if "value" in fields else -1
    question_at = fields.index("question") if "question" in fields else -1
    questions: dict[str, Question | None] = {}
    out = []
    for row in rows:
        canonical = [v if type(v) is str and "\r" not in v else
                     "" if v is None else canonical_text(v) for v in row]
        for i in stamps:
            canonical[i] = canonical_timestamp(row[i])
        if value_at >= 0:
            raw = row[value_at]
            if type(raw) is list or type(raw) is tuple:
                qid = canonical[question_at]
                if qid not in questions:
                    questions[qid] = bank.question(qid) if bank is not None and \
                        bank.has_question(qid) else None
                canonical[value_at] = canonical_value(questions[qid], raw)
        out.append(canonical)
    return out


def canonical_answer_lists(rows: Iterable[Sequence[Any]],
                           bank: Bank | None = None) -> list[list[str]]:
    """canonical_lists("answers", rows, bank), unrolled for the seven answer fields.

    The merge canonicalises every answer of 150-odd workbooks; spelled out, the common case (a
    string without CR, or a number) costs a type check per field instead of a call.
    """
    text, stamp = canonical_text, canonical_timestamp
    questions: dict[str, Question | None] = {}
    out: list[list[str]] = []
    append = out.append
    for partnership, respondent, question, status, value, evidence, answered_at in rows:
        if type(partnership) is not str or "\r" in partnership:
            partnership = text(partnership)
        if type(respondent) is not str or "\r" in respondent:
            respondent = text(respondent)
        if type(question) is not str or "\r" in question:
            question = text(question)
        if type(status) is not str or "\r" in status:
            status = text(status)
        if type(value) is float:
            value = _number_text(value)
        elif type(value) is list or type(value) is tuple:
            if question not in questions:
                questions[question] = bank.question(question) if bank is not None and \
                    bank.has_question(question) else None
            value = canonical_value(questions[question], value)
        elif type(value) is not str or "\r" in value:
            value = text(value)
        if type(evidence) is not str or "\r" in evidence:
            evidence = text(evidence)
        if type(answered_at) is not str or len(answered_at) != 25 or \
                answered_at[10] != "T" or not answered_at.endswith("+00:00"):
            answered_at = stamp(answered_at)
        append([partnership, respondent, question, status, value, evidence, answered_at])
    return out


FIELD_SEPARATOR, ROW_SEPARATOR = "\x1f", "\x1e"


def seal_of(header: list[str], responses: list[list[str]], answers: list[list[str]],
            moderations: list[list[str]], plans: Sequence[list[str]] = (),
            key: bytes | None = None) -> str:
    """The hex SHA-256 of the canonical document built from canonical rows.

    The document is the method, the header, then each kind's rows sorted (answers by
    partnership, respondent, question: their first fields), fields joined by the ASCII unit
    separator and rows by the record separator. Neither can occur in a cell (XML 1.0 cannot
    hold them; writers drop them with :func:`clean_text`), so the joining is unambiguous. The
    seal detects answers edited after export; it is not a signature: whoever edits a file can
    recompute it. With `key`, the HMAC-SHA256 of the same document under that key: the keyed
    seal, which only a holder of the key can make.
    """
    digest = hmac.new(key, digestmod=hashlib.sha256) if key is not None else hashlib.sha256()
    blocks = [[[SEAL_METHOD], header], sorted(responses), sorted(answers), sorted(moderations)]
    # The action plan's rows, when there are any: a workbook without a plan seals as before.
    if plans:
        blocks.append(sorted(plans))
    for block in blocks:
        text = ROW_SEPARATOR.join([FIELD_SEPARATOR.join(row) for row in block])
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1d")  # group separator between the kinds of rows
    return digest.hexdigest()


def compute_seal(header: Mapping[str, Any], responses: Iterable[Mapping[str, Any]],
                 answers: Iterable[Mapping[str, Any]],
                 moderations: Iterable[Mapping[str, Any]] = (), bank: Bank | None = None,
                 key: bytes | None = None, plans: Iterable[Mapping[str, Any]] = ()) -> str:
    """The seal of rows given as dicts keyed by field name (keyed with `key`)."""
    return seal_of(canonical_rows("header", [header])[0], canonical_rows("responses", responses),
                   canonical_rows("answers", answers, bank),
                   canonical_rows("moderations", moderations), canonical_rows("plans", plans),
                   key=key)


def form_seal(identity: Sequence[str], rows: Iterable[tuple[int, str]], key: bytes) -> str:
    """The keyed seal of a response form: HMAC-SHA256 over what the form is for (format, bank
    id, version and hash, wave, partnership, role: `identity`) and where each question sits
    (`rows` of (row, question id)). Answers are not covered (filling them in is the point);
    the seal proves the national team issued this form for this partnership and role."""
    digest = hmac.new(key, digestmod=hashlib.sha256)
    digest.update(FIELD_SEPARATOR.join(identity).encode("utf-8", "surrogatepass"))
    for row, qid in rows:
        digest.update(f"{ROW_SEPARATOR}{row}{FIELD_SEPARATOR}{qid}".encode("utf-8",
                                                                        "surrogatepass"))
    return digest.hexdigest()


# A form's keyed seal, second method: it covers who the answers are for (the respondent's name
# or reference, the partnership's name and region) as well as the bank, wave, partnership and
# role, and each of those identities has a tag of its own so a refusal can name what changed.
# Forms sealed before it carry no `keyed_seal_method`; see stocktake.workbooks.forms.
FORM_SEAL_METHOD = "hmac-sha256-form-2"
FORM_IDENTITY_FIELDS = ("format", "bank", "bank_version", "bank_hash", "wave", "partnership",
                        "partnership_name", "region", "role", "respondent")
_TAG_HEX = 16


def form_seal_v2(identity: Mapping[str, str], rows: Iterable[tuple[int, str]],
                 key: bytes) -> str:
    """The keyed seal of a response form by FORM_SEAL_METHOD: HMAC-SHA256 over the method,
    each field of FORM_IDENTITY_FIELDS by name (`identity` maps field -> text; a missing one
    counts as "") and where each question sits (`rows` of (row, question id))."""
    named = [FORM_SEAL_METHOD] + [f"{name}={identity.get(name, '')}"
                                  for name in FORM_IDENTITY_FIELDS]
    return form_seal(named, rows, key)


def form_field_tags(identity: Mapping[str, str], key: bytes) -> str:
    """One short keyed tag per identity field ("partnership:1f2e...;role:..."), kept beside the
    seal so that a form whose seal fails can say which identity was changed."""
    return ";".join(f"{name}:{_field_tag(name, identity.get(name, ''), key)}"
                    for name in FORM_IDENTITY_FIELDS)


def changed_form_fields(identity: Mapping[str, str], tags: str, key: bytes) -> list[str]:
    """The identity fields whose value is not the one `tags` (form_field_tags's text) was made
    for, in FORM_IDENTITY_FIELDS order; a field with no tag counts as changed."""
    found = {}
    for part in (tags or "").split(";"):
        name, _, tag = part.partition(":")
        found[name.strip()] = tag.strip()
    return [name for name in FORM_IDENTITY_FIELDS
            if not seal_matches(_field_tag(name, identity.get(name, ""), key),
                                found.get(name, ""))]


def _field_tag(name: str, value: str, key: bytes) -> str:
    text = f"{FORM_SEAL_METHOD}{FIELD_SEPARATOR}{name}{FIELD_SEPARATOR}{value}"
    return hmac.new(key, text.encode("utf-8", "surrogatepass"),
                    digestmod=hashlib.sha256).hexdigest()[:_TAG_HEX]


def seal_matches(expected: str, found: str) -> bool:
    """Whether a seal read from a file is the one worked out, in constant time (no timing
    oracle for someone forging a keyed seal byte by byte)."""
    return hmac.compare_digest(expected.encode("ascii", "replace"),
                               found.encode("ascii", "replace"))


def seal_key(key_file: Path | None = None) -> bytes | None:
    """The national team's seal key: the contents of `key_file` if given (trailing line ends
    dropped), else `$STOCKTAKE_SEAL_KEY`, else None. StocktakeError when the file cannot be
    read or the key is shorter than 16 bytes (a short key can be guessed)."""
    from stocktake.errors import StocktakeError

    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise StocktakeError(f"{key_file}: cannot read the seal key ({exc.strerror or exc})",
                                 hint="give --key the file holding the national team's key")
        where = str(key_file)
    else:
        text = os.environ.get(KEY_ENV)
        if text is None or text == "":
            return None
        key = text.encode("utf-8", "surrogateescape")
        where = KEY_ENV
    if len(key) < MIN_KEY_BYTES:
        raise StocktakeError(f"{where}: the seal key is {len(key)} bytes; it needs at least "
                             f"{MIN_KEY_BYTES}",
                             hint="make one with: python3 -c \"import secrets; "
                                  "print(secrets.token_hex(32))\" > seal.key")
    return key


def _number_text(number: float) -> str:
    if number.is_integer() and -1e15 < number < 1e15:
        return str(int(number))
    if number != number or number in (float("inf"), float("-inf")):
        return str(number)
    # 15 significant digits: what a spreadsheet promises to keep through a save.
    return f"{number:.15g}"
