"""What a command that writes more than one file has begun, so an interrupted one is finished.

Each store file is written atomically, but a command such as `remove --purge` (the partnership's
file, then every backup), `roster import` (one file per partnership) or `submissions import`
writes several. Before its first write such a command records what it is doing in
`journal/<kind>-<id>.json`; after its last it deletes the record. A record still there means the
command was interrupted (killed, the machine stopped): `stocktake doctor` reports it and names
the command that finishes it (the same command again: each is written so that running it again
completes what was begun), and the command itself, run again, picks up the record.

    begun = begin(ws, "roster-import", {"bank": "mini", "wave": "2026-27", "file": "/x.csv"},
                  command=("roster", "import", "/x.csv"), what="a roster import of /x.csv")
    ...  # the writes
    finish(ws, begun)

The record never goes to the backups (nothing would ever delete it there). An erasure's record
holds what it must still find (the person's names and texts) and is deleted, like the rest, when
the erasure is done.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stocktake.records.responses import now_iso

JOURNAL_DIR = "journal"
_KIND = re.compile(r"^[a-z][a-z-]{0,40}$")


@dataclass(frozen=True)
class Begun:
    """One command begun and not (yet) finished.

    `command`: the words after `stocktake` that finish it (workspace option left out), e.g.
    ("remove", "E09000007", "--respondent", "Jo Bloggs", "--purge", "--yes"); `what`: a line
    naming it without personal data; `data`: what the command needs to finish."""

    path: Path
    kind: str
    key: dict
    command: tuple[str, ...]
    what: str
    began_at: str
    data: dict = field(default_factory=dict)

    def to_doc(self) -> dict:
        return {"kind": self.kind, "key": self.key, "command": list(self.command),
                "what": self.what, "began_at": self.began_at, "data": self.data}


def journal_dir(ws) -> Path:
    return ws.root / JOURNAL_DIR


def _path(ws, kind: str, key: dict) -> Path:
    if not _KIND.match(kind):
        raise ValueError(f"journal kind {kind!r}")
    digest = hashlib.sha256(json.dumps([kind, key], sort_keys=True,
                                       ensure_ascii=True).encode()).hexdigest()[:20]
    return journal_dir(ws) / f"{kind}-{digest}.json"


def find(ws, kind: str, key: dict) -> Begun | None:
    """The unfinished record of this kind and key, if any."""
    path = _path(ws, kind, key)
    return _read(path) if path.exists() else None


def begin(ws, kind: str, key: dict, *, command: tuple[str, ...] | list[str], what: str,
          data: dict | None = None) -> Begun:
    """Record that a command of `kind` on `key` (what identifies this piece of work: the same
    key is the same work) has begun; returns the record. One already there (an interrupted
    run) is kept, its began_at too, with `data` replacing its data when given."""
    from stocktake.store.locking import workspace_lock

    path = _path(ws, kind, key)
    earlier = _read(path) if path.exists() else None
    begun = Begun(path, kind, key, tuple(command), what,
                  earlier.began_at if earlier else now_iso(),
                  dict(data if data is not None else (earlier.data if earlier else {})))
    if earlier is not None and earlier.to_doc() == begun.to_doc():
        return earlier
    with workspace_lock(ws.lock_path(path)):
        ws.write_file(path, json.dumps(begun.to_doc(), ensure_ascii=False,
                                       separators=(",", ":")).encode("utf-8"), backup=False)
    return begun


def finish(ws, begun: Begun) -> None:
    """The command is done: its record goes (a no-op when it went already)."""
    from stocktake.files.atomic import remove_file, write_error
    from stocktake.store.locking import workspace_lock

    with workspace_lock(ws.lock_path(begun.path)):
        try:
            remove_file(begun.path)
        except OSError as exc:
            raise write_error(exc, begun.path) from None


def unfinished(ws, kind: str | None = None) -> list[Begun]:
    """Every record of a command begun and not finished, oldest first (of one kind if given).
    A record that cannot be read is returned with kind "unreadable" (so doctor names it)."""
    folder = journal_dir(ws)
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.is_symlink() or not path.is_file():
            continue
        begun = _read(path)
        if kind is None or begun.kind == kind:
            found.append(begun)
    return sorted(found, key=lambda b: b.began_at)


def _read(path: Path) -> Begun:
    try:
        doc: Any = json.loads(path.read_bytes())
        return Begun(path, str(doc["kind"]), dict(doc.get("key") or {}),
                     tuple(str(w) for w in doc.get("command") or ()), str(doc.get("what", "")),
                     str(doc.get("began_at", "")), dict(doc.get("data") or {}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return Begun(path, "unreadable", {}, (), f"an unreadable journal record {path.name}",
                     "")
