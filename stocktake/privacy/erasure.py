"""Gone means gone: personal data in every stored copy, not only in the current answers.

An answer's earlier values stay in its shard's history, and each store file's last three
versions stay in `backups/`; a file `doctor --restore` replaced stays beside it as
`<name>.damaged-<time>`, and a killed write may leave a temporary file. Personal data removed
from an answer lives on in all of those. `find_in_stored_copies` lists it there (saying which
file and record), and `purge` masks it in every one of them, writing each changed file in place
without rolling it into the backups (which would only keep the unmasked version once more).

    findings = find_in_stored_copies(ws)           # history, backups, damaged copies, leftovers
    changes = purge(ws)                            # [(file, strings masked)], every copy
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from stocktake.privacy.personal_data import FlaggedText, find_personal_data, redact_text

if TYPE_CHECKING:
    from stocktake.records.responses import ResponseKey

SHARD_DIR = "partnerships"
# Tables holding personal data by design: the round's roster keeps each person's name and
# contact e-mail so they can be chased. Not findings, never masked; `stocktake remove` takes a
# person's entries out (and with --purge out of every copy).
DESIGNED_PERSONAL = frozenset({"roster"})
# Fields the store itself fills with ids, stamps and hashes: never personal data, never masked
# (a hex bank hash can hold ten digits that pass the NHS check; masking it would break the
# response's link to its bank edition).
MACHINE_FIELDS = frozenset({
    "partnership", "code", "bank", "wave", "role", "mode", "status", "question", "area",
    "bank_version", "bank_hash", "format", "type", "region", "answered_at", "started_at",
    "updated_at", "replaced_at", "moderated_at", "added_at", "score"})
REMOVED_DIR = "removed"  # inside backups/: what `stocktake remove` took out


@dataclass(frozen=True)
class Purged:
    file: str  # relative to the workspace
    masked: int  # strings in which something was masked
    kinds: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"file": self.file, "masked": self.masked, "kinds": list(self.kinds)}


def stored_copies(ws, partnership: str | None = None) -> list[Path]:
    """Every file holding store data other than the live files: backups, records kept by
    `stocktake remove`, copies kept by `doctor --restore`, temporary files left by killed
    writes; only those of one partnership's file if named. Links are left out (doctor reports
    them; nothing is read through them)."""
    shard_folders = (ws.root / SHARD_DIR, ws.backup_dir / SHARD_DIR, ws.backup_dir / REMOVED_DIR)
    folders = shard_folders if partnership is not None else (ws.root, ws.backup_dir,
                                                              *shard_folders)
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or not path.is_file() or _is_live(ws, path):
                continue
            name = path.name.lstrip(".")
            if ".json" not in name:
                continue
            if partnership is not None and not name.startswith(f"{partnership}.json"):
                continue
            found.append(path)
    return found


def _is_live(ws, path: Path) -> bool:
    return path == ws.index_path or (path.parent == ws.root / SHARD_DIR
                                     and path.suffix == ".json")


def find_in_history(ws, partnership: str | None = None, bank: str | None = None,
                    wave: str | None = None) -> list[FlaggedText]:
    """Earlier values and evidence of changed answers (the shards' history) holding personal
    data; `field` says "evidence (history)" or "answer (history)"."""
    flagged = []
    paths = ws.shard_files() if partnership is None else [ws.shard_path(partnership)]
    from stocktake.store.store_files import read_store_file

    for path in paths:
        data = read_store_file(path, ws.root) or {}
        for doc in data.get("history", {}).values():
            if (bank and doc.get("bank") != bank) or (wave and doc.get("wave") != wave):
                continue
            previous = doc.get("previous") or {}
            for key, label in (("value", "answer (history)"), ("evidence", "evidence (history)")):
                flag = _flag(previous.get(key), doc, doc.get("question", ""), label, "history")
                if flag:
                    flagged.append(flag)
    return flagged


def find_in_stored_copies(ws, partnership: str | None = None, bank: str | None = None,
                          wave: str | None = None) -> list[FlaggedText]:
    """Personal data in backups, damaged copies and leftovers, each finding naming its file.

    Every string in the file is looked at (names, answers, evidence, history, reasons), so a
    file of any version or table shape is covered; one that is not JSON is read as text.
    """
    flagged = []
    for path in stored_copies(ws, partnership):
        place = _relative(path, ws.root)
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            text = raw.decode("utf-8", "replace")
            flag = _flag(text, {}, "", "raw text", place)
            if flag:
                flagged.append(flag)
            continue
        for doc, where, text in _strings(data):
            if (bank and doc.get("bank") not in (None, bank)) or \
                    (wave and doc.get("wave") not in (None, wave)):
                continue
            flag = _flag(text, doc, where[0], where[1], place)
            if flag:
                flagged.append(flag)
    return flagged


def purge(ws, partnership: str | None = None) -> list[Purged]:
    """Mask personal data in every stored string of the live files and all their copies.

    Each changed file is rewritten atomically under its lock, without rolling the old version
    into the backups. Returns one Purged per file changed. Files of other partnerships are
    untouched when `partnership` is given (the index then too).
    """
    from stocktake.store.locking import workspace_lock

    live = ws.shard_files() if partnership is None else [ws.shard_path(partnership)]
    if partnership is None and ws.index_path.exists():
        live = [ws.index_path, *live]
    changed: list[Purged] = []
    for path in [*live, *stored_copies(ws, partnership)]:
        if not path.exists():
            continue
        with workspace_lock(ws.lock_path(_store_name(path))):
            raw = path.read_bytes()
            new, count, kinds = _masked_bytes(raw)
            if count:
                ws.write_file(path, new, backup=False)
                changed.append(Purged(_relative(path, ws.root), count, kinds))
    return changed


def _store_name(path: Path) -> Path:
    """The store file a copy belongs to (`E09000007.json.2` -> `E09000007.json`), for its lock."""
    name = path.name.lstrip(".")
    return path.with_name(name[:name.index(".json") + len(".json")])


def _masked_bytes(raw: bytes) -> tuple[bytes, int, tuple[str, ...]]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        text = raw.decode("utf-8", "replace")
        findings = find_personal_data(text)
        if not findings:
            return raw, 0, ()
        return (redact_text(text).encode("utf-8"), 1,
                tuple(dict.fromkeys(f.kind for f in findings)))
    kinds: dict[str, None] = {}
    count = 0

    def mask(value: Any) -> Any:
        nonlocal count
        if isinstance(value, str):
            findings = find_personal_data(value)
            if findings:
                count += 1
                kinds.update((f.kind, None) for f in findings)
                return redact_text(value)
            return value
        if isinstance(value, dict):  # keys are ids, not text
            return {k: v if k in MACHINE_FIELDS else mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    if isinstance(data, dict):
        data = {name: table if name in DESIGNED_PERSONAL else mask(table)
                for name, table in data.items()}
    else:
        data = mask(data)
    if not count:
        return raw, 0, ()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), count, \
        tuple(kinds)


def _strings(data: Any) -> Iterator[tuple[dict, tuple[str, str], str]]:
    """(the record holding it, (question, field), text) for every string value in a store file;
    the record is the TinyDB document, so its partnership and respondent can be named. Field is
    the path inside the record: "evidence", "previous.evidence", "reason", "respondent"."""
    tables = [t for name, t in data.items() if name not in DESIGNED_PERSONAL] \
        if isinstance(data, dict) else [data]
    for table in tables:
        docs = table.values() if isinstance(table, dict) else [table]
        for doc in docs:
            record = doc if isinstance(doc, dict) else {}
            yield from _walk(doc, record, str(record.get("question", "")), "")


def _walk(value: Any, doc: dict, question: str,
          field: str) -> Iterator[tuple[dict, tuple[str, str], str]]:
    if isinstance(value, str):
        yield doc, (question, field), value
    elif isinstance(value, dict):
        answers = value is doc.get("answers")
        for key, item in value.items():
            if answers:  # keyed by question id
                yield from _walk(item, doc, str(key), "")
            elif key not in MACHINE_FIELDS:
                yield from _walk(item, doc, question, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, doc, question, field)


def _flag(text: Any, doc: dict, question: str, field: str, place: str) -> FlaggedText | None:
    if not isinstance(text, str) or not text:
        return None
    findings = find_personal_data(text)
    if not findings:
        return None
    get = doc.get if isinstance(doc, dict) else (lambda key, default=None: default)
    return FlaggedText(str(get("partnership", get("code", "")) or ""), str(get("bank", "") or ""),
                       str(get("wave", "") or ""), str(get("respondent", get("adviser", "")) or ""),
                       question or str(get("question", get("area", "")) or ""), field,
                       tuple(dict.fromkeys(f.kind for f in findings)), redact_text(text),
                       place)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return os.fspath(path)


@dataclass(frozen=True)
class Erased:
    file: str  # relative to the workspace
    records: int  # responses and history records dropped from it
    deleted: bool  # the whole file was deleted

    def to_dict(self) -> dict:
        return {"file": self.file, "records": self.records, "deleted": self.deleted}


def erase_from_copies(ws, partnership: str, keys=None) -> list[Erased]:
    """After `Workspace.remove(..., keep=False)`: drop the removed respondents' records from
    every backup and kept copy of the partnership's file, or delete those files when the whole
    partnership went (`keys` None). A copy that is not JSON cannot be cut selectively and is
    deleted whole. Returns what changed, file by file."""
    from stocktake.files.atomic import remove_file, write_error
    from stocktake.store.locking import workspace_lock
    from stocktake.store.workspace import _roster_chooser

    wanted = None if keys is None else {(k.bank, k.wave, k.respondent) for k in keys}
    on_roster = _roster_chooser(None if keys is None else set(keys))
    erased: list[Erased] = []
    for path in stored_copies(ws, partnership):
        with workspace_lock(ws.lock_path(_store_name(path))):
            try:
                data = None if wanted is None else json.loads(path.read_bytes())
            except (ValueError, UnicodeDecodeError, RecursionError):
                data = None
            try:
                if wanted is None or not isinstance(data, dict):  # wanted None: data is None
                    remove_file(path)
                    erased.append(Erased(_relative(path, ws.root), 0, True))
                    continue
                dropped = 0
                for name in ("responses", "history", "roster"):
                    table = data.get(name)
                    if not isinstance(table, dict):
                        continue
                    for doc_id in [i for i, d in table.items() if isinstance(d, dict) and (
                            on_roster(d) if name == "roster" else
                            (d.get("bank"), d.get("wave"), d.get("respondent")) in wanted)]:
                        del table[doc_id]
                        dropped += 1
                if dropped:
                    ws.write_file(path, json.dumps(data, ensure_ascii=False,
                                                   separators=(",", ":")).encode("utf-8"),
                                  backup=False)
                    erased.append(Erased(_relative(path, ws.root), dropped, False))
            except OSError as exc:
                raise write_error(exc, path) from None
    return erased


# ---------------------------------------------------------------- an erasure that finishes

ERASURE = "erasure"
# Texts shorter than this are not looked for outside the person's own records ("yes", "3",
# initials): they would match other people's records, and the records themselves go by key.
_MIN_VALUE = 4
_ID = re.compile(r"^[a-z0-9_.:-]+$")


def person_values(ws, partnership: str, keys=None) -> set[str]:
    """Every value the respondents `keys` (all of the partnership when None) ever had, from the
    live file and every copy of it: their names (every name a record of theirs carried, an
    earlier one replaced by an edit included), roster e-mail addresses, and every text they gave
    (answers and evidence, current and earlier)."""
    from stocktake.store.workspace import _roster_chooser

    wanted = None if keys is None else {(k.bank, k.wave, k.respondent) for k in keys}
    on_roster = _roster_chooser(None if keys is None else set(keys))
    sources = _stored_documents(ws, partnership)
    values: set[str] = set()
    for data in sources:
        for name in ("responses", "history", "roster"):
            table = data.get(name)
            if not isinstance(table, dict):
                continue
            for doc in table.values():
                if not isinstance(doc, dict):
                    continue
                if name == "roster":
                    if on_roster(doc):
                        values.update(str(doc.get(f) or "") for f in ("respondent", "email"))
                    continue
                if wanted is not None and \
                        (doc.get("bank"), doc.get("wave"), doc.get("respondent")) not in wanted:
                    continue
                values.add(str(doc.get("respondent") or ""))
                values.update(str(n) for n in doc.get("earlier_respondents") or ())
                for _, (_, where), text in _walk_all(doc):
                    if where.split(".")[-1] in ("value", "evidence", ""):
                        values.add(text)
    # Ids (option ids, yes/no) are the bank's, not the person's: other records hold them too.
    return {v for v in values if len(v.strip()) >= _MIN_VALUE and not _ID.match(v)}


def _stored_documents(ws, partnership: str) -> list[dict]:
    """The partnership's live file and every stored copy of it (backups, removed copies), each
    as its JSON document; a copy that cannot be read is passed over, and a damaged live file too
    (its copies still say who the person was)."""
    from stocktake.store.store_files import read_store_file

    sources: list[dict] = []
    try:
        sources.append(read_store_file(ws.shard_path(partnership), ws.root) or {})
    except Exception:
        pass
    for path in stored_copies(ws, partnership):
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError, RecursionError, OSError):
            continue
        if isinstance(data, dict):
            sources.append(data)
    return sources


def with_earlier_names(ws, partnership: str, keys: Iterable[ResponseKey]) -> list[ResponseKey]:
    """`keys` and the same responses under every name they had before (a submission edited at
    the source to correct the name keeps the old one in `earlier_respondents`), as found in the
    live file and every copy of it: the backups hold the response under its old name."""
    from dataclasses import replace as with_field

    sources = _stored_documents(ws, partnership)
    found = set(keys)
    while True:
        more: set[ResponseKey] = set()
        for data in sources:
            table = data.get("responses")
            for doc in (table.values() if isinstance(table, dict) else ()):
                if not isinstance(doc, dict):
                    continue
                for key in found:
                    if (doc.get("bank"), doc.get("wave"), doc.get("respondent")) == \
                            (key.bank, key.wave, key.respondent):
                        more.update(with_field(key, respondent=str(name))
                                    for name in doc.get("earlier_respondents") or ())
        if more <= found:
            return sorted(found, key=_key_tuple)
        found |= more


def _walk_all(doc: dict):
    """(doc, (question, field), text) for every string of a record, answers included."""
    yield from _walk(doc, doc, str(doc.get("question", "")), "")


def erase(ws, partnership: str, keys, *, command: tuple[str, ...], filters: dict):
    """An erasure (`remove --purge`) that finishes even when interrupted: the respondents `keys`
    (the whole partnership when None) out of the live file, then out of every backup and kept
    copy, then every other file of the workspace holding a value they ever had is cut or
    deleted. A journal record (store.journal) is written first, holding the keys and values, and
    deleted last: `doctor` and `privacy-check` report it while it is there, and the same command
    run again finishes the work (it finds the record when no response matches any more).

    `filters` are the options that chose the respondents (the record's key). Returns
    (Removal or None when the live file held nothing of them any more, [Erased])."""
    from stocktake.records.responses import ResponseKey
    from stocktake.store import journal

    record_key = {"partnership": partnership,
                  "filters": {k: v for k, v in sorted(filters.items()) if v is not None}}
    earlier = journal.find(ws, ERASURE, record_key)
    if earlier is not None and keys is not None:
        keys = sorted({*keys, *(ResponseKey(*k) for k in earlier.data.get("keys") or [])},
                      key=_key_tuple)
    if keys is not None:
        keys = with_earlier_names(ws, partnership, keys)
    values = person_values(ws, partnership, keys)
    if earlier is not None:
        values |= set(earlier.data.get("values", []))
    data = {"keys": None if keys is None else [list(_key_tuple(k)) for k in keys],
            "values": sorted(values)}
    begun = journal.begin(ws, ERASURE, record_key, command=command,
                          what=f"an erasure (remove --purge) in {partnership}", data=data)
    removal = None
    live = ws.shard_path(partnership)
    if keys is None:
        if live.exists() or ws.find_partnership(partnership) is not None:
            removal = ws.remove(partnership, None, keep=False)
    elif any(ws.response(k) for k in keys) or _on_live_roster(ws, partnership, keys):
        removal = ws.remove(partnership, keys, keep=False)
    erased = erase_from_copies(ws, partnership, keys)
    erased += sweep_values(ws, values)
    journal.finish(ws, begun)
    return removal, erased


def _key_tuple(key) -> tuple[str, str, str, str]:
    return (key.partnership, key.bank, key.wave, key.respondent)


def _on_live_roster(ws, partnership: str, keys) -> bool:
    from stocktake.store.store_files import read_store_file
    from stocktake.store.workspace import _roster_chooser

    on_roster = _roster_chooser(set(keys))
    data = read_store_file(ws.shard_path(partnership), ws.root) or {}
    return any(on_roster(d) for d in (data.get("roster") or {}).values())


def sweep_values(ws, values: set[str]) -> list[Erased]:
    """Every file of the workspace except the live store files and the journal: records holding
    any of `values` are dropped from JSON files (each rewritten without backup), other files
    holding one are deleted. Values the live files still hold (someone else's record says the
    same) are not looked for."""
    from stocktake.files.atomic import remove_file, write_error
    from stocktake.store.journal import JOURNAL_DIR

    live_files = [p for p in ws.store_files() if p.exists()]
    live_bytes = b"".join(p.read_bytes() for p in live_files)
    wanted = [v for v in values if not _held_in(v, live_bytes)]
    if not wanted:
        return []
    erased: list[Erased] = []
    skip = {p.resolve() for p in live_files}
    for path in sorted(ws.root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.resolve() in skip or \
                path.relative_to(ws.root).parts[0] == JOURNAL_DIR:
            continue
        raw = path.read_bytes()
        if not any(_held_in(v, raw) for v in wanted):
            continue
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        try:
            if isinstance(data, dict):
                dropped = 0
                for table in data.values():
                    if not isinstance(table, dict):
                        continue
                    for doc_id in [i for i, d in table.items()
                                   if any(_held_in(v, json.dumps(d, ensure_ascii=False).encode())
                                          or _held_in(v, json.dumps(d).encode())
                                          for v in wanted)]:
                        del table[doc_id]
                        dropped += 1
                new = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
                if not any(_held_in(v, new) for v in wanted):
                    from stocktake.store.locking import workspace_lock

                    with workspace_lock(ws.lock_path(_store_name(path))
                                        if ".json" in path.name else ws.lock_path(path)):
                        ws.write_file(path, new, backup=False)
                    erased.append(Erased(_relative(path, ws.root), dropped, False))
                    continue
            remove_file(path)
            erased.append(Erased(_relative(path, ws.root), 0, True))
        except OSError as exc:
            raise write_error(exc, path) from None
    return erased


def _held_in(value: str, raw: bytes) -> bool:
    """Whether `raw` holds `value` as typed or as JSON writes it (escaped, or \\u-escaped)."""
    forms = {value.encode("utf-8"), json.dumps(value)[1:-1].encode(),
             json.dumps(value, ensure_ascii=False)[1:-1].encode("utf-8")}
    return any(form in raw for form in forms)
