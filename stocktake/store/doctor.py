"""Checking a workspace whole, and bringing back the last good backup of a damaged store file.

Two kinds of trouble are told apart. A *damaged* file is one stocktake cannot read safely (not
JSON, not a TinyDB document, a response without its respondent): every command refuses it, and
`--restore` replaces it with the newest backup that reads cleanly. A *problem* is content that
reads but does not fit its bank (an answer to a question the bank no longer has, a level out of
range): it is reported for a person to judge, and no backup is restored for it.

    diagnosis = diagnose(ws)          # what `stocktake doctor` checks; exit 1 unless healthy
    for report in diagnosis.reports:
        if report.damaged:
            restored = restore_file(ws, report.path)
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import is_valid_code

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
    except RecursionError:
        # `[` x 100,000: no store file nests like that; a damaged or hostile file.
        return None, "nested too deeply to be a store file"
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


MISSING_INDEX = "missing, though backups of it are kept (`doctor --restore` brings it back)"


def check_workspace(ws) -> list[FileReport]:
    """A report for every store file, index first; reading only, changing nothing.

    Beyond each file's own health: a missing `workspace.json` whose backups remain is damage
    (restorable); a shard the index does not list (a missing index with no backups lists none),
    and a `.json` file in `partnerships/` whose name is not a partnership code, are problems.
    Symbolic links are reported by `find_links`, and their files are not read.
    """
    banks: dict[str, Any] = {}
    links = set(find_links(ws))
    shard_dir = ws.root / "partnerships"
    shards = [] if shard_dir in links or not shard_dir.is_dir() else \
        [p for p in ws.shard_files() if p not in links]
    reports: list[FileReport] = []
    index_data = None
    if ws.index_path in links:
        pass
    elif ws.index_path.exists():
        report = check_store_file(ws, ws.index_path, banks)
        reports.append(report)
        if report.damaged is None:
            index_data = _read_quietly(ws.index_path)
    elif any(b.exists() for b in _index_backups(ws)):
        reports.append(FileReport(ws.index_path, damaged=MISSING_INDEX))
    else:
        index_data = {}  # never written: each partnership's file is then unlisted
    listed = {doc.get("code") for doc in (index_data or {}).get("partnerships", {}).values()}
    for path in shards:
        report = check_store_file(ws, path, banks)
        if index_data is not None and path.stem not in listed:
            report.problems.insert(0, f"partnership {path.stem} is not listed in workspace.json "
                                      "(`doctor --restore` lists it)")
        reports.append(report)
    if shard_dir not in links and shard_dir.is_dir():
        for path in sorted(shard_dir.glob("*.json")):
            if path not in links and not is_valid_code(path.stem):
                reports.append(FileReport(path, problems=[
                    f"'{path.stem}' is not a partnership code, so this is no store file and "
                    "no command reads it; move it out of the workspace"]))
    return reports


@dataclass
class Diagnosis:
    """Everything `stocktake doctor` finds in a workspace (reading only)."""

    root: Path
    reports: list[FileReport]  # one per store file, index first
    links: list[Path]  # symbolic links inside the workspace
    unsafe_lock_files: list[tuple[Path, str]]  # (lock or owner file, why it is refused)
    leftovers: list[Path]  # temporary files of killed writes: harmless, not counted
    unfinished: list = field(default_factory=list)  # store.journal.Begun: interrupted commands
    # store.shard_cache.CacheProblem: cache files damaged or wrong; `--restore` deletes them
    cache: list = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when doctor (without --restore) exits 0."""
        return all(r.ok for r in self.reports) and not self.links and \
            not self.unsafe_lock_files and not self.unfinished and not self.cache

    def findings(self) -> list[str]:
        """One plain line per thing that makes the workspace unhealthy, paths relative to it."""
        lines = []
        for report in self.reports:
            name = _relative(report.path, self.root)
            if report.damaged:
                lines.append(f"DAMAGED {name}: {report.damaged}")
            lines += [f"PROBLEM {name}: {problem}" for problem in report.problems]
        lines += [f"LINK {_relative(p, self.root)}" for p in self.links]
        lines += [f"UNSAFE LOCK FILE {_relative(p, self.root)}: {why}"
                  for p, why in self.unsafe_lock_files]
        lines += [f"UNFINISHED {unfinished_line(b, self.root)}" for b in self.unfinished]
        lines += [f"CACHE {_relative(c.path, self.root)}: {c.why}" for c in self.cache]
        return lines

    def to_json(self, repair: "Repair | None" = None) -> dict[str, Any]:
        """`stocktake doctor --json`: what was found, and what `repair` (--restore) did;
        paths relative to the workspace. "ok" is False when anything makes the workspace
        unhealthy or a damaged file could not be restored."""
        root = self.root
        failed = repair.not_restored if repair else []
        return {"workspace": str(root), "ok": self.healthy and not failed,
                "files": [r.to_dict(root) for r in self.reports],
                "links": [{"path": _relative(p, root), "target": link_target(p)}
                          for p in self.links],
                "unsafe_lock_files": [{"path": _relative(p, root), "why": why}
                                      for p, why in self.unsafe_lock_files],
                "restored": [r.to_dict(root) for r in repair.restored] if repair else [],
                "listed": repair.listed if repair else [],
                "not_restored": [{"message": e.message, "details": e.details} for e in failed],
                "leftover_temporary_files": [_relative(p, root) for p in self.leftovers],
                "cache": [{"path": _relative(c.path, root), "why": c.why} for c in self.cache],
                "cache_deleted": [_relative(p, root) for p in repair.cache_deleted]
                if repair else [],
                "unfinished": [{"what": b.what, "began_at": b.began_at,
                                "finish_with": finishing_command(b, root)
                                if b.command else None, "record": _relative(b.path, root)}
                               for b in self.unfinished]}


def link_target(link: Path) -> str:
    """Where a symbolic link points, as it says it ("?" when it cannot be read)."""
    try:
        return os.readlink(link)
    except OSError:
        return "?"


def finishing_command(begun, root: Path) -> str:
    """The command that finishes an interrupted one, ready to paste."""
    import shlex

    return shlex.join(["stocktake", "--workspace", os.path.abspath(root), *begun.command])


def unfinished_line(begun, root: Path) -> str:
    """"a roster import of /x.csv, begun 2026-...: interrupted; run `stocktake ...` to finish
    it" (an unreadable record: what to do with it)."""
    if begun.kind == "unreadable" or not begun.command:
        return (f"{begun.what}: move it out of {_relative(begun.path.parent, root)}/ and run the "
                "interrupted command again")
    return (f"{begun.what}, begun {begun.began_at}, was interrupted; run "
            f"`{finishing_command(begun, root)}` to finish it")


def diagnose(ws, verify_cache=None) -> Diagnosis:
    """What `stocktake doctor` reports for `ws`, without changing anything: each store file's
    report (`check_workspace`), links, unsafe lock files, leftover temporary files, and the
    shard cache's files that are damaged or, with `verify_cache` (a
    `store.shard_cache.Verifier`: the store cannot work out scores itself), hold a figure
    that differs from the one the partnership's present file gives."""
    from stocktake.store.journal import unfinished
    from stocktake.store.shard_cache import check_cache

    return Diagnosis(ws.root, check_workspace(ws), find_links(ws), find_unsafe_lock_files(ws),
                     leftover_files(ws), unfinished(ws), check_cache(ws, verify_cache))


def unlisted_shards(ws) -> list[str]:
    """Codes of partnerships' files that `workspace.json` does not list (it readable)."""
    data = _read_quietly(ws.index_path) if ws.index_path.exists() else {}
    if data is None:
        return []
    listed = {doc.get("code") for doc in data.get("partnerships", {}).values()}
    links = set(find_links(ws))
    return [p.stem for p in ws.shard_files() if p.stem not in listed and p not in links] \
        if (ws.root / "partnerships").is_dir() and ws.root / "partnerships" not in links else []


def find_links(ws) -> list[Path]:
    """Every symbolic link inside the workspace (not followed); each is damage stocktake refuses
    to read or write through. The workspace folder itself may be a link."""
    found = []
    for folder, dirs, files in os.walk(ws.root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def find_unsafe_lock_files(ws) -> list[tuple[Path, str]]:
    """Lock and owner files stocktake would refuse to write: not a regular file, or with another
    name (a hard link, through which a write would change a file elsewhere)."""
    folder = ws.root / "locks"
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue  # find_links reports it
        if not stat.S_ISREG(info.st_mode):
            found.append((path, "not a regular file"))
        elif info.st_nlink > 1:
            found.append((path, "has another name (a hard link) elsewhere"))
    return found


def _index_backups(ws) -> list[Path]:
    from stocktake.files.atomic import backup_paths

    return backup_paths(ws.index_path, ws.backup_dir_for(ws.index_path))


def _read_quietly(path: Path) -> dict | None:
    raw = _read_no_follow(path)
    return None if raw is None else read_store_bytes(raw)[0]


def _read_no_follow(path: Path) -> bytes | None:
    """The bytes of `path`, None if it is missing; OSError (ELOOP for a link) otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not hang doctor
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read()


def check_store_file(ws, path: Path, banks: dict[str, Any] | None = None) -> FileReport:
    report = FileReport(path)
    try:
        raw = _read_no_follow(path)
    except OSError as exc:
        report.damaged = f"cannot be read ({exc.strerror})"
        return report
    if raw is None:
        report.damaged = "missing"
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
    from stocktake.banks.answer_values import BadValue, format_value, parse_answer
    from stocktake.records.responses import ANSWERED, STATUSES

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
        from stocktake.banks.loading import find_bank

        try:
            banks[bank_id] = find_bank(bank_id)
        except StocktakeError as exc:
            banks[bank_id] = f"its bank cannot be used ({exc.message})"
    return banks[bank_id]


def leftover_files(ws) -> list[Path]:
    """Temporary files left by writes that were killed; harmless, never read."""
    found = list(ws.root.glob(".*.tmp")) + list((ws.root / "partnerships").glob(".*.tmp")) \
        + list((ws.root / "journal").glob(".*.tmp")) + list((ws.root / "cache").glob(".*.tmp"))
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
    damaged_copy: Path | None  # None when the file was missing

    def to_dict(self, root: Path) -> dict:
        return {"file": _relative(self.path, root), "backup": _relative(self.backup, root),
                "backup_written_at": self.backup_written_at,
                "backup_age_seconds": round(self.age_seconds),
                "damaged_copy": _relative(self.damaged_copy, root) if self.damaged_copy
                else None}


def restore_file(ws, path: Path) -> Restored:
    """Replace a damaged (or missing) store file by its newest backup that reads cleanly.

    The damaged file is kept beside it as `<name>.damaged-<UTC time>`; the restored version is
    written atomically under the file's lock, and not rolled into the backups (so the good older
    backups stay). Raises StocktakeError if the file is not damaged or no backup reads cleanly.
    """
    from stocktake.files.atomic import backup_paths
    from stocktake.store.locking import workspace_lock

    shard = is_shard(ws, path)
    with workspace_lock(ws.lock_path(path)):
        try:
            current = _read_no_follow(path)
        except OSError as exc:
            raise StocktakeError(f"cannot read store file {path} ({exc.strerror})",
                                 hint="a symbolic link there is not restored: remove it first"
                                 if path.is_symlink() else None)
        if current is not None and read_store_bytes(current)[1] is None:
            raise StocktakeError(f"store file {path} is not damaged; nothing restored")
        tried = []
        for backup in backup_paths(path, ws.backup_dir_for(path)):
            try:
                raw = _read_no_follow(backup)
            except OSError as exc:
                tried.append(f"{_relative(backup, ws.root)}: cannot be read ({exc.strerror})")
                continue
            if raw is None:
                continue
            data, why = read_store_bytes(raw)
            if data is not None:  # read_store_bytes gives data exactly when why is None
                why = _kind_problem(data, shard)
            if why:
                tried.append(f"{_relative(backup, ws.root)}: {why}")
                continue
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            damaged_copy = None
            if current is not None:
                damaged_copy = path.with_name(f"{path.name}.damaged-{stamp}")
                ws.write_file(damaged_copy, current, backup=False)
            written = backup.stat().st_mtime
            ws.write_file(path, raw, backup=False)
            return Restored(path, backup,
                            datetime.fromtimestamp(written, timezone.utc)
                            .replace(microsecond=0).isoformat(),
                            max(0.0, time.time() - written), damaged_copy)
    raise StocktakeError(
        f"no good backup of {path}: " + ("every backup is damaged too" if tried
                                         else "there are no backups of it"),
        hint="the damaged file is left as it is; repair it by hand, or remove it to start that "
             "file afresh", details=tried)


def list_unlisted(ws) -> list[str]:
    """Add every partnership whose file the index does not list to `workspace.json` (named from
    the shipped authority list, else by its code); returns the codes added. A missing index is
    created this way when no backup of it is left."""
    from stocktake.partnerships.model import Partnership, partnership_for

    codes = unlisted_shards(ws)
    found = []
    for code in codes:
        try:
            found.append(partnership_for(code))
        except StocktakeError:
            found.append(Partnership(code, code))
    if found:
        ws.add_partnerships(found)
    return codes


@dataclass
class Repair:
    restored: list[Restored] = field(default_factory=list)
    not_restored: list[StocktakeError] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # codes added to the index
    leftovers_removed: list[Path] = field(default_factory=list)
    cache_deleted: list[Path] = field(default_factory=list)


def repair_workspace(ws, reports: list[FileReport], cache_problems=()) -> Repair:
    """`doctor --restore`: restore each damaged file, list unlisted partnerships in the index,
    remove old leftovers, delete the cache files in `cache_problems` (they are rebuilt when
    next needed). Links and misfitting answers are left for a person."""
    from stocktake.store.shard_cache import delete_cache

    repair = Repair()
    repair.cache_deleted = delete_cache(ws, [c.path for c in cache_problems
                                             if not c.path.is_symlink()])
    index_missing = False
    for report in reports:
        if not report.damaged:
            continue
        try:
            repair.restored.append(restore_file(ws, report.path))
        except StocktakeError as exc:
            if report.path == ws.index_path and report.damaged == MISSING_INDEX:
                index_missing = True  # rebuilt from the shards below
            else:
                repair.not_restored.append(exc)
    index_ok = not ws.index_path.exists() or _read_quietly(ws.index_path) is not None
    if index_ok or index_missing:
        repair.listed = list_unlisted(ws)
    repair.leftovers_removed = remove_old_leftovers(ws)
    return repair


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
