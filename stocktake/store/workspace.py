"""The workspace: TinyDB files in one folder, sharded by partnership, written atomically under a lock.

Layout (every file a TinyDB JSON document):

    <workspace>/
      workspace.json            partnerships (code, name, region) and the format version
      partnerships/<CODE>.json  that partnership's responses (with answers), history, moderations
      backups/                  the last versions of each file, for `stocktake doctor --restore`
      locks/                    one lock per file; writers wait there

TinyDB's own JSON storage rewrites the whole file on every insert, so one file for a national
round (10^5-10^6 answers) would make each answer slower than the last. One file per partnership
keeps the cost of saving an answer the same in a national workspace as in an empty one; a whole
change (one answer, or a whole `--answers` file) is read once and written once, atomically.

    ws = Workspace.open(Path("~/stocktake").expanduser())
    ws.save_answers(key, [answer], role="council", bank=bank)
"""

from __future__ import annotations

from stocktake.store.store_files import SHARD_DIR, parse_store_bytes, read_store_file, read_store_raw

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from stocktake.files.atomic import (atomic_write_bytes, ensure_private_dir, link_error, narrow_mode,
                              refuse_links, remove_file, write_error)
from stocktake.errors import StocktakeError
from stocktake.store.locking import workspace_lock
from stocktake.store.round_records import RoundRecords
from stocktake.partnerships.model import Partnership, check_code, is_valid_code
from stocktake.records.responses import MODES, Answer, Moderation, Response, ResponseKey, now_iso
from stocktake.text.terminal_text import check_answer_texts, check_line, check_text

if TYPE_CHECKING:
    from stocktake.records.roster_and_plans import PlanItem

FORMAT_VERSION = 1
INDEX_FILE = "workspace.json"
LOCK_DIR = "locks"
REMOVED_DIR = "removed"


def _encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _ShardStorage:
    """A TinyDB storage that reads its file once and keeps changes in memory until committed."""

    def __init__(self, path: Path, data: dict | None):
        self.path = path
        self.data = data
        self.dirty = False

    def read(self) -> dict | None:
        return self.data

    def write(self, data: dict) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


def _tinydb(storage: _ShardStorage):
    from tinydb import TinyDB

    return TinyDB(storage=lambda: storage)


class Workspace(RoundRecords):
    """One workspace folder: its partnerships, responses, answers, moderations and history
    here; the round's roster and plan and the action plan's items in RoundRecords."""

    def __init__(self, root: Path):
        self.root = Path(root)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path) -> "Workspace":
        """Open a workspace folder, creating it (owner-only) if it does not exist.

        An existing workspace that cannot be written (a read-only mount, `chmod -R a-w`) opens
        as it is, for reading: its modes are never widened, and a write says it is read-only.
        """
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise StocktakeError(f"workspace {root} is a file, not a folder",
                                 hint="give --workspace a folder path")
        existed = root.is_dir()
        try:
            ensure_private_dir(root)  # creates what is missing; leaves existing modes alone
            if not (root / SHARD_DIR).is_symlink():
                ensure_private_dir(root / SHARD_DIR)
        except OSError as exc:
            if not existed:
                raise StocktakeError(f"cannot create workspace {root} ({exc.strerror})",
                                     hint="choose a folder you can write to with --workspace")
        return cls(root)

    @property
    def index_path(self) -> Path:
        return self.root / INDEX_FILE

    @property
    def backup_dir(self) -> Path:
        return self.root / "backups"

    def backup_dir_for(self, path: Path) -> Path:
        """Shards keep their backups in a folder of their own, so no partnership code can share
        backup names with the index."""
        return self.backup_dir / SHARD_DIR if path.parent.name == SHARD_DIR else self.backup_dir

    def shard_path(self, code: str) -> Path:
        """`partnerships/<code>.json`; StocktakeError for a code that is not a usable code, so
        no value read from a file can make a path outside the workspace."""
        return self.root / SHARD_DIR / f"{check_code(code)}.json"

    def lock_path(self, path: Path) -> Path:
        return self.root / LOCK_DIR / f"{path.stem}.lock"

    def shard_files(self) -> list[Path]:
        """The partnerships' files: `partnerships/<CODE>.json` for valid codes only (anything
        else there is no store file; `stocktake doctor` names it)."""
        folder = self.root / SHARD_DIR
        if folder.is_symlink():
            raise link_error(folder)
        return sorted(p for p in folder.glob("*.json") if is_valid_code(p.stem))

    def store_files(self) -> list[Path]:
        files = [self.index_path] if self.index_path.exists() else []
        return files + self.shard_files()

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _transaction(self, path: Path) -> Iterator[Any]:
        """Lock the file, read it once, yield a TinyDB over it, write it once if changed.

        A partnership's file is never created for a partnership the index does not list: it
        is listed first (`_list_partnership`), so an interruption between the two writes leaves
        a listed partnership with no records, never records `stocktake doctor` calls unlisted.
        Locks nest only this way round, a partnership's file then the index.
        """
        with workspace_lock(self.lock_path(path)):
            storage = _ShardStorage(path, read_store_file(path, self.root))
            created = storage.data is None
            db = _tinydb(storage)
            yield db
            if storage.dirty:
                data = storage.data or {}
                if path == self.index_path:
                    data.setdefault("meta", {"1": {"format": FORMAT_VERSION}})
                elif created and any(data.values()):
                    self._list_partnership(path.stem)
                self.write_file(path, _encode(data))

    def _list_partnership(self, code: str) -> None:
        """Add `code` to the index unless it is there: named from the shipped authority list,
        else by its code (as `doctor --restore` lists a partnership's file it finds)."""
        from stocktake.partnerships.reference import authority

        with self._transaction(self.index_path) as db:
            table = db.table("partnerships")
            if any(doc.get("code") == code for doc in table.all()):
                return
            known = authority(code)
            partnership = Partnership(code, known.name, known.region, known.type) if known \
                else Partnership(code, code)
            table.insert({**partnership.to_doc(), "added_at": now_iso()})

    def write_file(self, path: Path, data: bytes, backup: bool = True) -> None:
        """Write a store file atomically (the old version to its backups), refusing links and
        saying plainly when the workspace is read-only or the disk is full. The caller holds
        the file's lock."""
        backup_dir = self.backup_dir_for(path) if backup else None
        refuse_links(path, self.root)
        if backup_dir is not None:
            refuse_links(backup_dir, self.root)
        try:
            ensure_private_dir(path.parent)
            narrow_mode(self.root)  # a folder given with -w loses group and other bits on write
            atomic_write_bytes(path, data, backup_dir)
        except OSError as exc:
            raise write_error(exc, path) from None

    def _read(self, path: Path):
        return _tinydb(_ShardStorage(path, read_store_file(path, self.root)))

    def read_bytes(self, path: Path) -> bytes | None:
        """A store file's bytes, unparsed (`read_store_raw`): None if it does not exist."""
        return read_store_raw(path, self.root)

    def parse(self, path: Path, raw: bytes) -> dict:
        """The TinyDB data in `raw`, the bytes of store file `path` (`parse_store_bytes`)."""
        return parse_store_bytes(path, raw)

    # ------------------------------------------------------------ partnerships

    def add_partnerships(self, partnerships: Iterable[Partnership]) -> tuple[int, int]:
        """Record partnerships (new or updated) in one write; returns (added, updated).

        Every code is checked first (`check_code`): the index never lists a code that could not
        name a file, and a bad one stores none of them."""
        partnerships = list(partnerships)
        for p in partnerships:  # every route in (CLI, CSV, forms, merge) passes here
            check_code(p.code)
            check_line(p.code, "the partnership code")
            check_line(p.name, f"the name of partnership {p.code}")
            check_line(p.region, f"the region of partnership {p.code}")
        added = updated = 0
        with self._transaction(self.index_path) as db:
            table = db.table("partnerships")
            existing = {doc["code"]: doc.doc_id for doc in table.all()}
            for p in partnerships:
                if p.code in existing:
                    table.update(p.to_doc(), doc_ids=[existing[p.code]])
                    updated += 1
                else:
                    existing[p.code] = table.insert({**p.to_doc(), "added_at": now_iso()})
                    added += 1
        return added, updated

    def partnerships(self) -> list[Partnership]:
        db = self._read(self.index_path)
        return sorted((Partnership.from_doc(d) for d in db.table("partnerships").all()),
                      key=lambda p: p.code)

    def find_partnership(self, code: str) -> Partnership | None:
        for p in self.partnerships():
            if p.code == code:
                return p
        return None

    def partnership(self, code: str) -> Partnership:
        found = self.find_partnership(code)
        if found is None:
            raise StocktakeError(f"partnership {code} is not in the workspace {self.root}",
                                 hint=f"add it with `stocktake partnerships add {code}`")
        return found

    # ------------------------------------------------------------ responses

    def response(self, key: ResponseKey) -> Response | None:
        for doc in self._read(self.shard_path(key.partnership)).table("responses").all():
            if _matches(doc, key):
                return Response.from_doc(doc)
        return None

    def responses(self, partnership: str | None = None, bank: str | None = None,
                  wave: str | None = None) -> list[Response]:
        """Responses, optionally of one partnership, bank and wave; all shards when none named."""
        paths = self.shard_files() if partnership is None else [self.shard_path(partnership)]
        found: list[Response] = []
        for path in paths:
            data = read_store_file(path, self.root)
            if not data:
                continue
            for doc in data.get("responses", {}).values():
                if (bank is None or doc.get("bank") == bank) and \
                        (wave is None or doc.get("wave") == wave):
                    found.append(Response.from_doc(doc))
        return found

    def start_response(self, key: ResponseKey, *, role: str, mode: str = "interview",
                       adviser: str = "", bank_version: str = "", bank_hash: str = "",
                       age_band: str = "") -> Response:
        """The response for this key; its role cannot change once given.

        A new response is not stored until its first answer is (`save_answers`): an interview
        abandoned before any answer leaves no empty respondent behind to be counted.
        """
        return self.save_answers(key, [], role=role, mode=mode, adviser=adviser,
                                 bank_version=bank_version, bank_hash=bank_hash,
                                 age_band=age_band)

    def start_anonymous_response(self, partnership: str, bank: str, wave: str, prefix: str, *,
                                 role: str, mode: str = "interview", adviser: str = "",
                                 bank_version: str = "", bank_hash: str = "",
                                 age_band: str = "", reference: str = "") -> Response:
        """A new, empty response under the next free reference such as `YP-0007`, for a form
        that must carry its reference before anything is answered (`forms create`); under
        `reference` when given and free (one a journal recorded before an interrupted run).

        The reference is chosen and the response stored in one locked write, so two forms made
        at once never share a reference. An interview reserves nothing: it uses
        :meth:`save_answers_under_new_reference` at its first answer.
        """
        if mode not in MODES:
            raise StocktakeError(f"unknown mode '{mode}'", hint=f"use one of {', '.join(MODES)}")
        stamp = now_iso()
        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("responses")
            wanted = ResponseKey(partnership, bank, wave, reference) if reference else None
            if wanted is not None and re.match(rf"^{re.escape(prefix)}-\d+$", reference) \
                    and not any(_matches(d, wanted) for d in table.all()):
                key = wanted
            else:
                key = ResponseKey(partnership, bank, wave,
                                  _next_reference(table, bank, wave, prefix))
            response = Response(key, role, mode, adviser, bank_version, bank_hash, stamp, stamp,
                                age_band=age_band)
            table.insert(response.to_doc())
        return response

    def next_reference(self, partnership: str, bank: str, wave: str, prefix: str) -> str:
        """The reference the next anonymous response would get now (read only: another
        process may take it first; `start_anonymous_response(reference=...)` then picks the
        next free one)."""
        return _next_reference(self._read(self.shard_path(partnership)).table("responses"),
                               bank, wave, prefix)

    def save_answers_under_new_reference(self, partnership: str, bank: str, wave: str,
                                         prefix: str, answers: list[Answer], *, role: str,
                                         mode: str = "interview", adviser: str = "",
                                         bank_version: str = "", bank_hash: str = "",
                                         age_band: str = "",
                                         notices: dict[str, str] | None = None) -> Response:
        """The first answers of a respondent who gives no name (children and young people),
        stored under the next free reference such as `YP-0007`; returns the new response.

        The reference is chosen in the same locked write that stores the answers, so two
        interviews started at once (two terminals) get different references, and one abandoned
        before its first answer has stored nothing and holds no reference. Raises
        StocktakeError for no answers (an empty response is never stored) or text the store
        cannot keep (as `save_answers`).
        """
        if mode not in MODES:
            raise StocktakeError(f"unknown mode '{mode}'", hint=f"use one of {', '.join(MODES)}")
        if not answers:
            raise StocktakeError("no answers to store under a new reference")
        check_answer_texts(f"{prefix}-0000", adviser, answers)
        stamp = now_iso()
        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("responses")
            key = ResponseKey(partnership, bank, wave, _next_reference(table, bank, wave, prefix))
            response = Response(key, role, mode, adviser, bank_version, bank_hash, stamp, stamp,
                                answers={a.question: a.stamped(stamp) for a in answers},
                                age_band=age_band, notices=dict(notices or {}))
            table.insert(response.to_doc())
        return response

    def save_answer(self, key: ResponseKey, answer: Answer, **meta: Any) -> Response:
        return self.save_answers(key, [answer], **meta)

    def save_answers(self, key: ResponseKey, answers: list[Answer], *, role: str,
                     mode: str = "interview", adviser: str = "", bank_version: str = "",
                     bank_hash: str = "", instance_id: str = "", age_band: str = "",
                     notices: dict[str, str] | None = None, complete: bool = False) -> Response:
        """Add or change answers of one response in a single atomic write.

        A changed answer's earlier value goes to the append-only history first. `instance_id`
        (a collected submission's id) is recorded when the response is created. `age_band`
        (children and young people) is set once; `notices` (question id: when the safeguarding
        notice was shown) are added to those already recorded, never replaced. With
        `complete` (a resubmitted form or submission: the whole response again), answers not
        given again are taken out, to history like changed ones; a new `instance_id` replaces
        the old, which is kept among the earlier ones.
        """
        if mode not in MODES:
            raise StocktakeError(f"unknown mode '{mode}'", hint=f"use one of {', '.join(MODES)}")
        check_answer_texts(key.respondent, adviser, answers)
        stamp = now_iso()
        with self._transaction(self.shard_path(key.partnership)) as db:
            table = db.table("responses")
            doc_id, doc = None, None
            for candidate in table.all():
                if _matches(candidate, key):
                    doc_id, doc = candidate.doc_id, dict(candidate)
                    break
            adviser_before = (doc or {}).get("adviser", "")
            if doc is None:
                doc = Response(key, role, mode, adviser, bank_version, bank_hash, stamp,
                               stamp, instance_id=instance_id).to_doc()
            elif doc["role"] != role:
                raise StocktakeError(
                    f"{key.respondent} already answered {key.bank} {key.wave} for "
                    f"{key.partnership} as '{doc['role']}', not '{role}'",
                    hint=f"use --role {doc['role']}, or another --respondent name")
            stored = dict(doc.get("answers") or {})
            history = []
            if instance_id and doc.get("instance_id") and doc["instance_id"] != instance_id:
                doc["earlier_instances"] = [*doc.get("earlier_instances", []),
                                            doc["instance_id"]]
                doc["instance_id"] = instance_id
            if complete and doc_id is not None:
                given = {a.question for a in answers}
                for qid in [q for q in stored if q not in given]:
                    history.append({**key.as_dict(), "question": qid, "previous": stored.pop(qid),
                                    "replaced_at": stamp, "removed": True})
            for answer in answers:
                answer = answer.stamped(stamp)
                old = stored.get(answer.question)
                if old is not None and _changed(old, answer):
                    history.append({**key.as_dict(), "question": answer.question,
                                    "previous": old, "replaced_at": stamp})
                stored[answer.question] = answer.to_doc()
            if adviser and not doc.get("adviser"):
                doc["adviser"] = adviser
            if age_band and not doc.get("age_band"):
                doc["age_band"] = age_band
            if notices:
                doc["notices"] = {**notices, **(doc.get("notices") or {})}
            doc["answers"] = stored
            if answers or doc_id is None:
                doc["updated_at"] = stamp
            if doc_id is None:
                if answers:  # an empty response is never stored
                    table.insert(doc)
            elif answers or age_band or notices or history or complete or \
                    doc.get("adviser") != adviser_before:
                table.update(doc, doc_ids=[doc_id])
            if history:
                db.table("history").insert_multiple(history)
        return Response.from_doc(doc)

    def rename_respondent(self, key: ResponseKey, respondent: str) -> ResponseKey:
        """Move a response (and its history) to another respondent name, in one write: a
        submission edited at the source to correct the name. The old name is kept on the
        response (`earlier_respondents`), so an erasure of the person finds every name they
        had. StocktakeError if the new name already has a response of that bank and wave."""
        check_line(respondent, "the respondent's name")
        new_key = replace(key, respondent=respondent)
        with self._transaction(self.shard_path(key.partnership)) as db:
            table = db.table("responses")
            docs = {("old" if _matches(d, key) else "new"): d for d in table.all()
                    if _matches(d, key) or _matches(d, new_key)}
            if "new" in docs:
                raise StocktakeError(f"{respondent} already answered {key.bank} {key.wave} for "
                                     f"{key.partnership}",
                                     hint="reject one of the two submissions in the tool")
            if "old" not in docs:
                raise StocktakeError(f"no response of {key.respondent} in {key.partnership}")
            doc = docs["old"]
            table.update({"respondent": respondent, "earlier_respondents": [
                *doc.get("earlier_respondents", []), key.respondent]}, doc_ids=[doc.doc_id])
            history = db.table("history")
            moved = [d.doc_id for d in history.all() if _matches(d, key)]
            if moved:
                history.update({"respondent": respondent}, doc_ids=moved)
        return new_key

    def history(self, key: ResponseKey) -> list[dict]:
        db = self._read(self.shard_path(key.partnership))
        return [dict(d) for d in db.table("history").all() if _matches(d, key)]

    def write_responses(self, partnership: str, responses: list[Response],
                        remove: Iterable[ResponseKey] = (), *, merging: bool = False,
                        keep_history: bool = True) -> None:
        """Store whole responses in one write (demo, merge): each replaces any with its key.

        Responses named in `remove` are taken out in the same write (the demo clearing its own
        earlier run); their history stays.

        `merging` (a returned workbook's responses, `merge --into-workspace`): checked in the
        same locked write against what is held, so nothing held is lost. StocktakeError, and
        nothing written, when the workspace holds answers of the same partnership, bank and
        wave from respondents the workbook does not carry (an export names respondents by role,
        "council 1", so merging it where they are held under their names would count each
        twice), or when a held answer the workbook changes or leaves out was answered later
        than the workbook's (it would be replaced by an older one). Otherwise each answer
        replaced or left out goes to the history, as an edit does, unless not `keep_history`
        (a workbook merged with --redact: the history would keep what was masked).
        """
        for response in responses:
            check_answer_texts(response.key.respondent, response.adviser,
                               response.answers.values())
        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("responses")
            gone = [d.doc_id for d in table.all() for key in remove if _matches(d, key)]
            if gone:
                table.remove(doc_ids=gone)
            held = {(d["bank"], d["wave"], d["respondent"]): d for d in table.all()}
            history = _merge_history(partnership, responses, held) if merging else []
            if not keep_history:
                history = []  # checked all the same; only the record of what was masked goes
            inserts = []
            for response in responses:
                if response.key.partnership != partnership:
                    raise ValueError("response for another partnership")
                doc = response.to_doc()
                before = held.get((response.key.bank, response.key.wave,
                                   response.key.respondent))
                if before is None:
                    inserts.append(doc)
                else:
                    table.update(doc, doc_ids=[before.doc_id])
            if inserts:
                table.insert_multiple(inserts)
            if history:
                db.table("history").insert_multiple(history)

    def answer_changes(self, key: ResponseKey, answers: Iterable[Answer]) -> "AnswerChanges":
        """How `answers` differ from what is stored for `key` (before saving them): what a
        re-import of a form tells its user. Replaced answers keep their earlier value in the
        history when saved."""
        return changes_from(self.response(key), answers)

    # ------------------------------------------------------------ removing

    def matching_responses(self, partnership: str, *, respondent: str | None = None,
                           role: str | None = None, bank: str | None = None,
                           wave: str | None = None) -> list[Response]:
        """The partnership's responses matching every filter given (all when none is)."""
        return [r for r in self.responses(partnership)
                if (respondent is None or r.key.respondent == respondent)
                and (role is None or r.role == role)
                and (bank is None or r.key.bank == bank)
                and (wave is None or r.key.wave == wave)]

    def remove(self, partnership: str, keys: Iterable[ResponseKey] | None = None, *,
               keep: bool = True) -> "Removal":
        """Take responses out of the store: those in `keys`, or the whole partnership when None
        (its file, its moderations, its round roster and its line in the index).

        With the responses go the history of their answers and the respondents' roster entries
        for that bank and wave (the name matched as the roster matches it). The removed records
        are first written to `backups/removed/` unless `keep` is False, which is how an erasure
        request is honoured (then drop them from the rolling backups too:
        `erasure.erase_from_copies`). Raises StocktakeError when nothing matches.
        """
        path = self.shard_path(partnership)
        whole = keys is None
        wanted = None if keys is None else set(keys)
        kept_at = None
        with self._transaction(path) as db:
            responses, history, roster = (db.table("responses"), db.table("history"),
                                          db.table("roster"))

            def chosen(doc) -> bool:
                return wanted is None or ResponseKey(doc["partnership"], doc["bank"], doc["wave"],
                                                     doc["respondent"]) in wanted

            gone = [dict(d) for d in responses.all() if chosen(d)]
            if not gone and not whole:
                raise StocktakeError(f"no such response in {partnership}")
            on_roster = _roster_chooser(wanted)
            gone_history = [dict(d) for d in history.all() if chosen(d)]
            gone_roster = [dict(d) for d in roster.all() if on_roster(d)]
            gone_moderations = [dict(d) for d in db.table("moderations").all()] if whole else []
            kept = {"responses": gone, "history": gone_history, "moderations": gone_moderations,
                    "roster": gone_roster}
            if whole:  # every table of the file, whatever later features add (plans, ...)
                kept = {name: [dict(d) for d in db.table(name).all()] for name in db.tables()}
            if keep and any(kept.values()):
                kept_at = self._keep_removed(partnership, kept)
            if whole:
                db.drop_tables()
            else:
                responses.remove(doc_ids=[d.doc_id for d in responses.all() if chosen(d)])
                history.remove(doc_ids=[d.doc_id for d in history.all() if chosen(d)])
                if gone_roster:
                    roster.remove(doc_ids=[d.doc_id for d in roster.all() if on_roster(d)])
        if whole:
            with workspace_lock(self.lock_path(path)):
                refuse_links(path, self.root)
                try:
                    remove_file(path)  # the emptied version went to the backups just now
                except OSError as exc:
                    raise write_error(exc, path) from None
            with self._transaction(self.index_path) as db:
                table = db.table("partnerships")
                table.remove(doc_ids=[d.doc_id for d in table.all()
                                      if d.get("code") == partnership])
        return Removal(partnership, [Response.from_doc(d) for d in gone], len(gone_history),
                       len(gone_moderations), whole, kept_at, len(gone_roster))

    def _keep_removed(self, partnership: str, tables: dict[str, list[dict]]) -> Path:
        from stocktake.records.responses import now_iso as stamp_now

        folder = self.backup_dir / REMOVED_DIR
        refuse_links(folder, self.root)
        stamp = stamp_now().replace(":", "").replace("+0000", "Z")
        path = folder / f"{partnership}.json.removed-{stamp}"
        data = {name: {str(n): doc for n, doc in enumerate(docs, start=1)}
                for name, docs in tables.items() if docs}
        try:
            ensure_private_dir(folder)
            n = 1
            while path.exists():
                n += 1
                path = folder / f"{partnership}.json.removed-{stamp}-{n}"
            atomic_write_bytes(path, _encode(data))
        except OSError as exc:
            raise write_error(exc, path) from None
        return path

    # ------------------------------------------------------------ moderation

    def add_moderation(self, moderation: Moderation) -> Moderation:
        if not moderation.moderated_at:
            moderation = replace(moderation, moderated_at=now_iso())
        check_line(moderation.adviser or "", "the adviser's name")
        check_text(moderation.reason or "", "the reason for the moderation")
        with self._transaction(self.shard_path(moderation.partnership)) as db:
            db.table("moderations").insert(moderation.to_doc())
        return moderation

    def moderations(self, partnership: str, bank: str | None = None,
                    wave: str | None = None) -> list[Moderation]:
        """Every moderation, oldest first; the latest for an area is the one that counts."""
        db = self._read(self.shard_path(partnership))
        return [Moderation.from_doc(d) for d in db.table("moderations").all()
                if (bank is None or d["bank"] == bank) and (wave is None or d["wave"] == wave)]

    def snapshot(self, partnership: str, bank: str | None = None,
                 wave: str | None = None) -> "PartnershipSnapshot":
        """Everything the partnership's file holds, read once: its responses, moderations and
        plan items as they stood at one moment (an export made from separate reads could mix
        a moderation with answers from before a concurrent save). With `bank` or `wave`, only
        the records of that bank and wave are decoded (a one-wave export of a file holding
        two decoded both: half its time)."""
        from stocktake.records.roster_and_plans import PlanItem

        def wanted(doc: dict) -> bool:
            return (bank is None or doc.get("bank") == bank) and \
                (wave is None or doc.get("wave") == wave)

        db = self._read(self.shard_path(partnership))
        return PartnershipSnapshot(
            partnership,
            tuple(Response.from_doc(d) for d in db.table("responses").all() if wanted(d)),
            tuple(Moderation.from_doc(d) for d in db.table("moderations").all() if wanted(d)),
            tuple(PlanItem.from_doc(d, d.doc_id) for d in db.table("plans").all()
                  if wanted(d)))

    # ------------------------------------------------------------ the action plan


@dataclass(frozen=True)
class PartnershipSnapshot:
    """One partnership's file as read at one moment (Workspace.snapshot); each list filtered
    by bank and wave as the Workspace methods of the same names filter it."""

    partnership: str
    all_responses: tuple[Response, ...]
    all_moderations: tuple[Moderation, ...]
    all_plan_items: tuple["PlanItem", ...]

    def responses(self, bank: str | None = None, wave: str | None = None) -> list[Response]:
        return [r for r in self.all_responses if (bank is None or r.key.bank == bank)
                and (wave is None or r.key.wave == wave)]

    def moderations(self, bank: str | None = None, wave: str | None = None) -> list[Moderation]:
        """Oldest first; the latest for an area is the one that counts."""
        return [m for m in self.all_moderations if (bank is None or m.bank == bank)
                and (wave is None or m.wave == wave)]

    def plan_items(self, bank: str | None = None, wave: str | None = None) -> list["PlanItem"]:
        return [i for i in self.all_plan_items if (bank is None or i.bank == bank)
                and (wave is None or i.wave == wave)]


@dataclass(frozen=True)
class AnswerChanges:
    """How a set of answers differs from those stored for one response."""

    existed: bool  # the response was stored before, with answers
    added: int  # questions it had no answer to
    changed: int  # answers replaced by a different one (the old kept in history)
    unchanged: int

    def describe(self) -> str:
        if not self.existed:
            return f"new respondent, {self.added} answer(s)"
        return (f"already stored: {self.changed} answer(s) changed (earlier values kept in its "
                f"history), {self.added} added, {self.unchanged} unchanged")


@dataclass(frozen=True)
class Removal:
    partnership: str
    responses: list[Response]
    history: int  # history records removed with them
    moderations: int
    whole: bool  # the whole partnership
    kept_at: Path | None  # where the removed records are kept; None when not kept
    roster: int = 0  # roster entries removed with them


def _roster_chooser(keys: set[ResponseKey] | None):
    """Whether a roster entry belongs to one of `keys` (all when None): same bank and wave, the
    name matched as the roster matches names (case and spacing do not count)."""
    if keys is None:
        return lambda doc: True
    from stocktake.records.roster_and_plans import name_key

    wanted = {(k.bank, k.wave, name_key(k.respondent)) for k in keys}
    return lambda doc: (doc.get("bank"), doc.get("wave"),
                        name_key(str(doc.get("respondent", "")))) in wanted


def _next_reference(table, bank: str, wave: str, prefix: str) -> str:
    """`PREFIX-NNNN`, one past the highest reference of that prefix in the bank and wave (the
    caller holds the shard's lock, so no other process can take it before the insert)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    taken = [int(m.group(1)) for d in table.all()
             if d.get("bank") == bank and d.get("wave") == wave
             and (m := pattern.match(str(d.get("respondent", ""))))]
    return f"{prefix}-{max(taken, default=0) + 1:04d}"


def _matches(doc: dict, key: ResponseKey) -> bool:
    return (doc.get("bank") == key.bank and doc.get("wave") == key.wave
            and doc.get("respondent") == key.respondent and doc.get("partnership") == key.partnership)


def _merge_history(partnership: str, responses: list[Response], held: dict) -> list[dict]:
    """The history rows of a merge that replaces `held` docs (by (bank, wave, respondent)) with
    `responses`; StocktakeError where the merge would lose something (Workspace.write_responses).
    """
    incoming = {(r.key.bank, r.key.wave, r.key.respondent) for r in responses}
    sets = {key[:2] for key in incoming}
    others = sorted(key[2] for key in held if key[:2] in sets and key not in incoming)
    if others:
        bank, wave = sorted(sets)[0]
        shown = ", ".join(others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4
                                         else "")
        raise StocktakeError(
            f"{partnership}: this workspace holds {bank} {wave} answers from "
            f"{len(others)} respondent(s) the workbook does not carry ({shown}); merged, its "
            "respondents would be counted beside them, the same people twice (an export names "
            "respondents by role, such as 'council 1')",
            hint=f"merge it into a workspace that does not hold {partnership}'s answers, or take "
                 f"those out first (`stocktake remove {partnership} --bank {bank} --wave "
                 f"{wave}`: kept in backups/removed/)")
    stamp = now_iso()
    rows = []
    for response in responses:
        key = response.key
        before = held.get((key.bank, key.wave, key.respondent))
        if before is None:
            continue
        newest = max((a.answered_at for a in response.answers.values()), default="")
        for qid, old in (before.get("answers") or {}).items():
            new = response.answers.get(qid)
            if new is not None and not _changed(old, new):
                continue
            when = new.answered_at if new is not None else newest
            if (old.get("answered_at") or "") > (when or ""):
                raise StocktakeError(
                    f"{partnership}: {key.respondent}'s answer to {qid} here was given at "
                    f"{old.get('answered_at')}, later than the workbook's "
                    + (f"({new.answered_at})" if new is not None else
                       f"(which leaves it out; its newest answer is {newest or 'undated'})")
                    + "; merged, the newer answer would be replaced by an older one",
                    hint=f"export {partnership} from this workspace and merge that where the "
                         "workbook came from, or take the workspace's answers out first "
                         f"(`stocktake remove {partnership} --respondent {key.respondent}`)")
            rows.append({**key.as_dict(), "question": qid, "previous": old,
                         "replaced_at": stamp, **({} if new is not None else {"removed": True})})
    return rows


def _changed(old: dict, new: Answer) -> bool:
    return (old.get("status"), old.get("value"), old.get("evidence") or "") != \
        (new.status, new.value, new.evidence or "")


def default_workspace_dir() -> Path:
    """`STOCKTAKE_WORKSPACE`, else the user's data folder (e.g. ~/.local/share/stocktake)."""
    env = os.environ.get("STOCKTAKE_WORKSPACE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("stocktake", appauthor=False))


def changes_from(stored: Response | None, answers: Iterable[Answer]) -> "AnswerChanges":
    """How `answers` differ from `stored` (the response held, None if none): Workspace.
    answer_changes for a caller that has read the response already."""
    before = stored.answers if stored else {}
    added = changed = same = 0
    for answer in answers:
        old = before.get(answer.question)
        if old is None:
            added += 1
        elif _changed(old.to_doc(), answer):
            changed += 1
        else:
            same += 1
    # A response with no answers is a reference held for a form, not a respondent yet.
    return AnswerChanges(bool(stored and stored.answers), added, changed, same)
