"""Checking a workspace whole, and bringing back the last good backup of a damaged store file.

Two kinds of trouble are told apart. A *damaged* file is one stocktake cannot read safely (not
JSON, not a TinyDB document, a response without its respondent): every command refuses it, and
`--restore` replaces it with the newest backup that reads cleanly. A *problem* is content that
reads but does not fit its bank (an answer to a question the bank no longer has, a level out of
range): it is reported for a person to judge, and no backup is restored for it.

    reports = check_workspace(ws)
    for report in reports:
        if report.damaged:
            restored = restore_file(ws, report.path)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stocktake.errors import StocktakeError

SHARD_TABLES = {"responses", "history", "moderations", "roster", "plans"}
INDEX_TABLES = {"partnerships", "meta", "rounds"}
RESPONSE_FIELDS = ("partnership", "bank", "wave", "respondent", "role")
MODERATION_FIELDS = ("partnership", "bank", "wave", "area")
ROSTER_FIELDS = ("partnership", "role", "respondent", "bank", "wave")
PLAN_FIELDS = ("partnership", "bank", "wave", "area", "target", "action", "status")
LEFTOVER_AGE = 3600.0  # a write takes milliseconds; a temporary file an hour old is orphaned


# ---------------------------------------------------------------- structure


def store_data_problem(data: Any) -> str | None:
    """The first reason parsed JSON cannot serve as a store file, or None if it can.

    Checks exactly what the store relies on when it reads (so no command meets a KeyError on a
    hand-edited file), and is cheap enough to run on every read. Tables are checked by their
    name, so this needs no knowledge of which file it is.
    """
    if not isinstance(data, dict):
        return "not a TinyDB document"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table '{name}' is not a TinyDB table"
        for doc_id, doc in table.items():
            if not doc_id.isdigit():
                return f"table '{name}' has a document id '{doc_id}' that is not a number"
            if not isinstance(doc, dict):
                return f"{name} document {doc_id} is not an object"
    for doc_id, doc in data.get("responses", {}).items():
        problem = _response_problem(doc)
        if problem:
            return f"response {doc_id} {problem}"
    for doc_id, doc in data.get("moderations", {}).items():
        missing = _missing_text(doc, MODERATION_FIELDS)
        if missing:
            return f"moderation {doc_id} has no '{missing}'"
        if not _is_number(doc.get("score")):
            return f"moderation {doc_id} has no numeric 'score'"
    for doc_id, doc in data.get("partnerships", {}).items():
        if _missing_text(doc, ("code",)):
            return f"partnership {doc_id} has no 'code'"
    for doc_id, doc in data.get("roster", {}).items():
        missing = _missing_text(doc, ROSTER_FIELDS)
        if missing:
            return f"roster entry {doc_id} has no '{missing}'"
    for doc_id, doc in data.get("plans", {}).items():
        missing = _missing_text(doc, PLAN_FIELDS)
        if missing:
            return f"plan item {doc_id} has no '{missing}'"
    for doc_id, doc in data.get("rounds", {}).items():
        missing = _missing_text(doc, ("bank", "wave"))
        if missing:
            return f"round {doc_id} has no '{missing}'"
    return None


def _kind_problem(data: dict, shard: bool) -> str | None:
    """Whether a file's tables are those of its kind: a backup of the index must not be taken
    for a partnership's file or the other way round."""
    unexpected = set(data) - (SHARD_TABLES if shard else INDEX_TABLES)
    if unexpected:
        kind = "a partnership's file" if shard else "the workspace index"
        return f"table '{sorted(unexpected)[0]}' does not belong in {kind}"
    return None


def _response_problem(doc: dict) -> str | None:
    missing = _missing_text(doc, RESPONSE_FIELDS)
    if missing:
        return f"has no '{missing}'"
    answers = doc.get("answers")
    if answers is None:
        return None
    if not isinstance(answers, dict):
        return "has 'answers' that are not an object"
    for qid, answer in answers.items():
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), str):
            return f"has an answer to {qid} without a 'status'"
        if not isinstance(answer.get("evidence") or "", str):
            return f"has evidence for {qid} that is not text"
    return None


def _missing_text(doc: dict, fields: tuple[str, ...]) -> str | None:
    for name in fields:
        value = doc.get(name)
        if not isinstance(value, str) or (name in ("code", "respondent") and not value):
            return name
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_store_bytes(raw: bytes) -> tuple[dict | None, str | None]:
    """(data, None) for a readable store file's bytes, else (None, why it is damaged)."""
    if not raw.strip():
        return None, "the file is empty"
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not valid JSON: {exc}"
    problem = store_data_problem(data)
    return (None, problem) if problem else (data, None)


def is_shard(ws, path: Path) -> bool:
    return path != ws.index_path


# ---------------------------------------------------------------- checking


@dataclass
class FileReport:
    path: Path
    damaged: str | None = None  # why no command can read it; --restore fixes this
    problems: list[str] = field(default_factory=list)  # content that does not fit its bank
    documents: int = 0

    @property
    def ok(self) -> bool:
        return self.damaged is None and not self.problems

    def to_dict(self, root: Path) -> dict:
        status = "damaged" if self.damaged else "problems" if self.problems else "ok"
        return {"file": _relative(self.path, root), "status": status, "damaged": self.damaged,
                "problems": self.problems, "documents": self.documents}


def check_workspace(ws) -> list[FileReport]:
    """A report for every store file, index first; reading only, changing nothing."""
    banks: dict[str, Any] = {}
    return [check_store_file(ws, path, banks) for path in ws.store_files()]


def check_store_file(ws, path: Path, banks: dict[str, Any] | None = None) -> FileReport:
    report = FileReport(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.damaged = f"cannot be read ({exc.strerror})"
        return report
    data, report.damaged = read_store_bytes(raw)
    if data is None:
        return report
    report.documents = sum(len(table) for table in data.values())
    unexpected = _kind_problem(data, is_shard(ws, path))
    if unexpected:
        report.problems.append(unexpected)
    if is_shard(ws, path):
        banks = {} if banks is None else banks
        for doc_id, doc in data.get("responses", {}).items():
            report.problems.extend(_response_fit(path.stem, doc_id, doc, banks))
    return report


def _response_fit(code: str, doc_id: str, doc: dict, banks: dict[str, Any]) -> list[str]:
    """How one stored response fails to fit its partnership file and its bank."""
    from stocktake.answer_values import BadValue, format_value, parse_answer
    from stocktake.responses import ANSWERED, STATUSES

    who = f"response {doc_id} ({doc['respondent']}, {doc['bank']} {doc['wave']})"
    problems = []
    if doc["partnership"] != code:
        problems.append(f"{who} belongs to partnership {doc['partnership']}, not {code}")
    bank = _bank(doc["bank"], banks)
    if isinstance(bank, str):
        return problems + [f"{who}: {bank}"]
    if doc["role"] not in bank.role_ids:
        problems.append(f"{who}: role '{doc['role']}' is not a role of bank {bank.id}")
    for qid, answer in (doc.get("answers") or {}).items():
        if not bank.has_question(qid):
            problems.append(f"{who}: answers question '{qid}', which bank {bank.id} "
                            f"{bank.version} does not have")
            continue
        status, value = answer["status"], answer.get("value")
        if status not in STATUSES:
            problems.append(f"{who}: {qid} has status '{status}' (expected one of "
                            f"{', '.join(STATUSES)})")
        elif status == ANSWERED:
            question = bank.question(qid)
            try:
                if value is None or isinstance(value, (dict, bool)):
                    raise BadValue(f"got {value!r}")
                parse_answer(question, format_value(question, value))
            except BadValue as exc:
                problems.append(f"{who}: {qid} holds a value its question cannot take ({exc})")
    return problems


def _bank(bank_id: str, banks: dict[str, Any]):
    """The bank, or a string saying why it cannot be found; looked up once per run."""
    if bank_id not in banks:
        from stocktake.banks import find_bank

        try:
            banks[bank_id] = find_bank(bank_id)
        except StocktakeError as exc:
            banks[bank_id] = f"its bank cannot be used ({exc.message})"
    return banks[bank_id]


def leftover_files(ws) -> list[Path]:
    """Temporary files left by writes that were killed; harmless, never read."""
    found = list(ws.root.glob(".*.tmp")) + list((ws.root / "partnerships").glob(".*.tmp"))
    if ws.backup_dir.is_dir():
        found += list(ws.backup_dir.rglob(".*.bak"))
    return sorted(found)


def remove_old_leftovers(ws, older_than: float = LEFTOVER_AGE) -> list[Path]:
    """Delete leftovers old enough that no running write can still own them."""
    removed = []
    cutoff = time.time() - older_than
    for path in leftover_files(ws):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


# ---------------------------------------------------------------- restoring


@dataclass(frozen=True)
class Restored:
    path: Path
    backup: Path
    backup_written_at: str  # ISO time the backed-up version was written
    age_seconds: float
    damaged_copy: Path

    def to_dict(self, root: Path) -> dict:
        return {"file": _relative(self.path, root), "backup": _relative(self.backup, root),
                "backup_written_at": self.backup_written_at,
                "backup_age_seconds": round(self.age_seconds),
                "damaged_copy": _relative(self.damaged_copy, root)}


def restore_file(ws, path: Path) -> Restored:
    """Replace a damaged store file by its newest backup that reads cleanly.

    The damaged file is kept beside it as `<name>.damaged-<UTC time>`; the restored version is
    written atomically under the file's lock, and not rolled into the backups (so the good older
    backups stay). Raises StocktakeError if the file is not damaged or no backup reads cleanly.
    """
    from stocktake.atomic import atomic_write_bytes, backup_paths
    from stocktake.locking import workspace_lock

    shard = is_shard(ws, path)
    with workspace_lock(ws.root / "locks" / f"{path.stem}.lock"):
        try:
            current = path.read_bytes()
        except OSError as exc:
            raise StocktakeError(f"cannot read store file {path} ({exc.strerror})")
        if read_store_bytes(current)[1] is None:
            raise StocktakeError(f"store file {path} is not damaged; nothing restored")
        tried = []
        for backup in backup_paths(path, ws.backup_dir_for(path)):
            try:
                raw = backup.read_bytes()
            except OSError:
                continue
            data, why = read_store_bytes(raw)
            why = why or _kind_problem(data, shard)
            if why:
                tried.append(f"{_relative(backup, ws.root)}: {why}")
                continue
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            damaged_copy = path.with_name(f"{path.name}.damaged-{stamp}")
            atomic_write_bytes(damaged_copy, current)
            written = backup.stat().st_mtime
            atomic_write_bytes(path, raw)
            return Restored(path, backup,
                            datetime.fromtimestamp(written, timezone.utc)
                            .replace(microsecond=0).isoformat(),
                            max(0.0, time.time() - written), damaged_copy)
    raise StocktakeError(
        f"no good backup of {path}: " + ("every backup is damaged too" if tried
                                         else "there are no backups of it"),
        hint="the damaged file is left as it is; repair it by hand, or remove it to start that "
             "file afresh", details=tried)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
