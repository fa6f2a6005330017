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

import json
import os
import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from stocktake.atomic import atomic_write_bytes, ensure_private_dir
from stocktake.errors import StocktakeError
from stocktake.locking import workspace_lock
from stocktake.partnerships import Partnership
from stocktake.responses import MODES, Answer, Moderation, Response, ResponseKey, now_iso

if TYPE_CHECKING:
    from stocktake.round.plan import RoundPlan
    from stocktake.reports.action_plan import PlanItem
    from stocktake.round.roster import RosterEntry

FORMAT_VERSION = 1
INDEX_FILE = "workspace.json"
SHARD_DIR = "partnerships"


class DamagedStoreFile(StocktakeError):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            f"store file {path} is damaged ({reason})",
            hint=f"run `stocktake --workspace {path.parent.parent if path.parent.name == SHARD_DIR else path.parent} "
                 "doctor` to check the workspace, and `doctor --restore` to bring back the last "
                 "good backup")
        self.path = path


def read_store_file(path: Path) -> dict | None:
    """A store file's TinyDB data; None if it does not exist; DamagedStoreFile if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StocktakeError(f"cannot read store file {path} ({exc.strerror})")
    if not raw.strip():
        raise DamagedStoreFile(path, "the file is empty")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DamagedStoreFile(path, f"not valid JSON: {exc}")
    # Hand-edited files can be valid JSON and still lack what every reader relies on.
    from stocktake.doctor import store_data_problem

    problem = store_data_problem(data)
    if problem:
        raise DamagedStoreFile(path, problem)
    return data


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


class Workspace:
    def __init__(self, root: Path):
        self.root = Path(root)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path) -> "Workspace":
        """Open a workspace folder, creating it (owner-only) if it does not exist."""
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise StocktakeError(f"workspace {root} is a file, not a folder",
                                 hint="give --workspace a folder path")
        try:
            ensure_private_dir(root)
            ensure_private_dir(root / SHARD_DIR)
        except OSError as exc:
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
        return self.root / SHARD_DIR / f"{code}.json"

    def store_files(self) -> list[Path]:
        files = [self.index_path] if self.index_path.exists() else []
        return files + sorted((self.root / SHARD_DIR).glob("*.json"))

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _transaction(self, path: Path) -> Iterator[Any]:
        """Lock the file, read it once, yield a TinyDB over it, write it once if changed."""
        with workspace_lock(self.root / "locks" / f"{path.stem}.lock"):
            storage = _ShardStorage(path, read_store_file(path))
            db = _tinydb(storage)
            yield db
            if storage.dirty:
                data = storage.data or {}
                if path == self.index_path:
                    data.setdefault("meta", {"1": {"format": FORMAT_VERSION}})
                atomic_write_bytes(path, _encode(data), self.backup_dir_for(path))

    def _read(self, path: Path):
        return _tinydb(_ShardStorage(path, read_store_file(path)))

    # ------------------------------------------------------------ partnerships

    def add_partnerships(self, partnerships: Iterable[Partnership]) -> tuple[int, int]:
        """Record partnerships (new or updated) in one write; returns (added, updated)."""
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
        paths = [self.shard_path(partnership)] if partnership else \
            sorted((self.root / SHARD_DIR).glob("*.json"))
        found: list[Response] = []
        for path in paths:
            data = read_store_file(path)
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
        """The response for this key, created if new; its role cannot change once given."""
        return self.save_answers(key, [], role=role, mode=mode, adviser=adviser,
                                 bank_version=bank_version, bank_hash=bank_hash,
                                 age_band=age_band)

    def start_anonymous_response(self, partnership: str, bank: str, wave: str, prefix: str, *,
                                 role: str, mode: str = "interview", adviser: str = "",
                                 bank_version: str = "", bank_hash: str = "",
                                 age_band: str = "") -> Response:
        """A new response under the next free reference such as `YP-0007`, for a respondent
        who gives no name (children and young people).

        The reference is chosen and the response stored in one locked write, so two interviews
        started at once never share a reference.
        """
        if mode not in MODES:
            raise StocktakeError(f"unknown mode '{mode}'", hint=f"use one of {', '.join(MODES)}")
        pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
        stamp = now_iso()
        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("responses")
            taken = [int(m.group(1)) for d in table.all()
                     if d.get("bank") == bank and d.get("wave") == wave
                     and (m := pattern.match(str(d.get("respondent", ""))))]
            key = ResponseKey(partnership, bank, wave, f"{prefix}-{max(taken, default=0) + 1:04d}")
            response = Response(key, role, mode, adviser, bank_version, bank_hash, stamp, stamp,
                                age_band=age_band)
            table.insert(response.to_doc())
        return response

    def save_answer(self, key: ResponseKey, answer: Answer, **meta: Any) -> Response:
        return self.save_answers(key, [answer], **meta)

    def save_answers(self, key: ResponseKey, answers: list[Answer], *, role: str,
                     mode: str = "interview", adviser: str = "", bank_version: str = "",
                     bank_hash: str = "", instance_id: str = "", age_band: str = "",
                     notices: dict[str, str] | None = None) -> Response:
        """Add or change answers of one response in a single atomic write.

        A changed answer's earlier value goes to the append-only history first. `instance_id`
        (a collected submission's id) is recorded when the response is created. `age_band`
        (children and young people) is set once; `notices` (question id: when the safeguarding
        notice was shown) are added to those already recorded, never replaced.
        """
        if mode not in MODES:
            raise StocktakeError(f"unknown mode '{mode}'", hint=f"use one of {', '.join(MODES)}")
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
                table.insert(doc)
            elif answers or age_band or notices or doc.get("adviser") != adviser_before:
                table.update(doc, doc_ids=[doc_id])
            if history:
                db.table("history").insert_multiple(history)
        return Response.from_doc(doc)

    def history(self, key: ResponseKey) -> list[dict]:
        db = self._read(self.shard_path(key.partnership))
        return [dict(d) for d in db.table("history").all() if _matches(d, key)]

    def write_responses(self, partnership: str, responses: list[Response],
                        remove: Iterable[ResponseKey] = ()) -> None:
        """Store whole responses in one write (demo, merge): each replaces any with its key.

        Responses named in `remove` are taken out in the same write (the demo clearing its own
        earlier run); their history stays.
        """
        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("responses")
            gone = [d.doc_id for d in table.all() for key in remove if _matches(d, key)]
            if gone:
                table.remove(doc_ids=gone)
            existing = {(d["bank"], d["wave"], d["respondent"]): d.doc_id for d in table.all()}
            inserts = []
            for response in responses:
                if response.key.partnership != partnership:
                    raise ValueError("response for another partnership")
                doc = response.to_doc()
                doc_id = existing.get((response.key.bank, response.key.wave,
                                       response.key.respondent))
                if doc_id is None:
                    inserts.append(doc)
                else:
                    table.update(doc, doc_ids=[doc_id])
            if inserts:
                table.insert_multiple(inserts)

    # ------------------------------------------------------------ moderation

    def add_moderation(self, moderation: Moderation) -> Moderation:
        if not moderation.moderated_at:
            moderation = replace(moderation, moderated_at=now_iso())
        with self._transaction(self.shard_path(moderation.partnership)) as db:
            db.table("moderations").insert(moderation.to_doc())
        return moderation

    def moderations(self, partnership: str, bank: str | None = None,
                    wave: str | None = None) -> list[Moderation]:
        """Every moderation, oldest first; the latest for an area is the one that counts."""
        db = self._read(self.shard_path(partnership))
        return [Moderation.from_doc(d) for d in db.table("moderations").all()
                if (bank is None or d["bank"] == bank) and (wave is None or d["wave"] == wave)]

    # ------------------------------------------------------------ the action plan

    def add_plan_item(self, item: "PlanItem") -> "PlanItem":
        """Store a plan item; its id is its number in the partnership's file."""
        item = replace(item, created_at=item.created_at or now_iso())
        with self._transaction(self.shard_path(item.partnership)) as db:
            doc_id = db.table("plans").insert(item.to_doc())
        return replace(item, id=doc_id)

    def plan_items(self, partnership: str, bank: str | None = None,
                   wave: str | None = None) -> list["PlanItem"]:
        """Every plan item of a partnership (removed ones too: callers filter), by id."""
        from stocktake.reports.action_plan import PlanItem

        db = self._read(self.shard_path(partnership))
        return [PlanItem.from_doc(d, d.doc_id) for d in db.table("plans").all()
                if (bank is None or d["bank"] == bank) and (wave is None or d["wave"] == wave)]

    def set_plan_status(self, partnership: str, item_id: int, status: str) -> "PlanItem":
        """Mark a plan item done or removed (kept, so the plan's history stays)."""
        from stocktake.reports.action_plan import DONE, PlanItem

        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("plans")
            doc = table.get(doc_id=item_id)
            if doc is None:
                raise StocktakeError(f"{partnership} has no plan item {item_id}",
                                     hint=f"see the plan with `stocktake plan list {partnership}`")
            changes = {"status": status,
                       "done_at": now_iso() if status == DONE else doc.get("done_at", "")}
            table.update(changes, doc_ids=[item_id])
            return PlanItem.from_doc({**doc, **changes}, item_id)

    # ------------------------------------------------------------ the round (roster, plans)

    def add_roster(self, entries: Iterable["RosterEntry"]) -> int:
        """Store roster entries, one write per partnership (the roster is personal data and
        lives with that partnership's responses, so `remove` and `privacy-check` cover it)."""
        by_code: dict[str, list] = {}
        for entry in entries:
            by_code.setdefault(entry.partnership, []).append(entry)
        stamp = now_iso()
        for code, group in by_code.items():
            with self._transaction(self.shard_path(code)) as db:
                db.table("roster").insert_multiple({**e.to_doc(), "added_at": stamp}
                                                   for e in group)
        return sum(len(g) for g in by_code.values())

    def roster(self, partnership: str | None = None, bank: str | None = None,
               wave: str | None = None) -> list["RosterEntry"]:
        """Roster entries, optionally of one partnership, bank and wave, in the order added."""
        from stocktake.round.roster import RosterEntry

        paths = [self.shard_path(partnership)] if partnership else \
            sorted((self.root / SHARD_DIR).glob("*.json"))
        found = []
        for path in paths:
            data = read_store_file(path) or {}
            for _, doc in sorted(data.get("roster", {}).items(), key=lambda kv: int(kv[0])):
                if (bank is None or doc.get("bank") == bank) and \
                        (wave is None or doc.get("wave") == wave):
                    found.append(RosterEntry.from_doc(doc))
        return found

    def remove_roster_entry(self, partnership: str, respondent: str, bank: str,
                            wave: str) -> int:
        """Take a person off a round's roster; returns how many entries went (0 or 1)."""
        from stocktake.round.roster import name_key

        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("roster")
            gone = [d.doc_id for d in table.all() if d.get("bank") == bank
                    and d.get("wave") == wave
                    and name_key(d.get("respondent", "")) == name_key(respondent)]
            if gone:
                table.remove(doc_ids=gone)
        return len(gone)

    def save_round(self, plan: "RoundPlan") -> "RoundPlan":
        """Record a round's plan; a plan for the same bank and wave replaces the earlier one."""
        if not plan.planned_at:
            plan = replace(plan, planned_at=now_iso())
        with self._transaction(self.index_path) as db:
            table = db.table("rounds")
            old = [d.doc_id for d in table.all()
                   if d.get("bank") == plan.bank and d.get("wave") == plan.wave]
            if old:
                table.remove(doc_ids=old)
            table.insert(plan.to_doc())
        return plan

    def rounds(self) -> list["RoundPlan"]:
        """Every planned round, oldest plan first."""
        from stocktake.round.plan import RoundPlan

        db = self._read(self.index_path)
        return sorted((RoundPlan.from_doc(d) for d in db.table("rounds").all()),
                      key=lambda p: p.planned_at)

    def round_plan(self, bank: str, wave: str) -> "RoundPlan | None":
        for plan in self.rounds():
            if plan.bank == bank and plan.wave == wave:
                return plan
        return None


def _matches(doc: dict, key: ResponseKey) -> bool:
    return (doc.get("bank") == key.bank and doc.get("wave") == key.wave
            and doc.get("respondent") == key.respondent and doc.get("partnership") == key.partnership)


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
