"""The shard cache: figures worked out from each partnership's file, kept until that file changes.

A national command (`scores CODE` placing one partnership in the nation's quartiles,
`benchmark`, `status`, `report`) needs something of every partnership's file: its scores for a
bank and wave, or a summary of who has answered. Working that out again from every answer on
each call is most of what such a command costs, so it is kept here, in `cache/` inside the
workspace, one file per kind of figure and key:

    cache/<kind>-<first 24 hex digits of SHA-256 of the key>.json

The key names everything besides the file that the figure is made from (for scores: the bank's
content hash, which covers its id and version, the wave, and a fingerprint of the scoring code),
and is stored whole inside the file and compared on every read. Each partnership's entry holds
the SHA-256 of the exact bytes of its file that the figure was made from, so an entry is used
only for the very content it was made from: any change to the file (a saved answer, a restored
backup, an edit by hand), and any change of bank edition, wave or code, makes it a miss, worked
out afresh. Correct by construction, not by timestamps: no size, mtime or inode is trusted.

The file is one line of SHA-256 over the rest (a seal: a cache file changed or cut short by
anything but this module is never used), then JSON. It is written atomically
(`store.atomic` through `Workspace.write_file`, no backups) under its own lock
(`store.locking`); a writer merges its entries into what is there when it takes the lock, so
two commands filling it at once lose nothing but time. A cache that cannot be read, or cannot be
written (a read-only workspace, a busy lock), is passed by: the figures are then worked out as
if there were none. `stocktake doctor` checks every cache file (`check_cache`), and
`doctor --restore` deletes any it finds wrong (`delete_cache`); deleting it is always safe.

    records = derived_per_shard(ws, "scores", key, ws.shard_files(), derive)
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from stocktake.errors import StocktakeError

CACHE_DIR = "cache"
FORMAT = 1
# A cache write waits at most this long for another writer: a busy cache is passed by, since
# the figures are already in hand and only the next command's time is at stake.
LOCK_WAIT = 2.0
# Files kept per kind: enough for every bank and wave a workspace is asked about in a while
# (a trend reads two waves), few enough that the folder stays small.
KEEP_PER_KIND = 8
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def cache_path(ws, kind: str, key: str) -> Path:
    """`<workspace>/cache/<kind>-<hash of key>.json`; `kind` is a word of the caller's."""
    if not kind.isalnum():
        raise ValueError(f"cache kind must be a word, got {kind!r}")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return ws.root / CACHE_DIR / f"{kind}-{digest}.json"


def content_digest(raw: bytes) -> str:
    """The SHA-256 (hex) of a store file's bytes: what an entry is keyed by."""
    return hashlib.sha256(raw).hexdigest()


def derived_per_shard(ws, kind: str, key: str, paths: Sequence[Path],
                      derive: Callable[[Path, dict], Any], *,
                      derive_raw: Callable[[list[tuple[Path, bytes]]], list[Any]] | None = None
                      ) -> list[Any]:
    """`derive(path, data)` of each partnership's file in `paths`, in order, from the cache
    where its entry was made from the file's present bytes, else worked out and kept.

    `derive` gets the file's TinyDB data (`{}` for a file that does not exist) and returns
    plain JSON data (dicts, lists, str, float, int, bool, None): what is stored is exactly what
    is returned, here and on every later hit, so callers decode hits and misses alike. `key`
    must name every input of `derive` besides the file (bank hash, wave, code fingerprint).
    `derive_raw`, when given, works out all the misses at once from their bytes (on several
    cores), giving what `derive` would for each, in order, and checking the bytes as the store
    does. A damaged store file raises DamagedStoreFile, as reading it does anywhere; links are
    refused (StocktakeError)."""
    # Through the workspace's methods: the store's reading checks, without an import of
    # store.workspace, which reaches this module through the doctor.
    path = cache_path(ws, kind, key)
    held = _entries(path, kind, key)
    found: list[Any] = [None] * len(paths)
    misses: list[tuple[int, Path, bytes, str]] = []
    for index, shard in enumerate(paths):
        raw = ws.read_bytes(shard)
        if raw is None:
            found[index] = derive(shard, {})
            continue
        digest = content_digest(raw)
        entry = held.get(shard.name)
        if entry is not None and entry.get("digest") == digest and "record" in entry:
            found[index] = entry["record"]
        else:
            misses.append((index, shard, raw, digest))
    if not misses:
        return found
    if derive_raw is not None and len(misses) > 1:
        made = derive_raw([(shard, raw) for _, shard, raw, _ in misses])
    else:
        made = [derive(shard, ws.parse(shard, raw)) for _, shard, raw, _ in misses]
    fresh: dict[str, dict] = {}
    for (index, shard, _, digest), record in zip(misses, made, strict=True):
        try:
            record = _plain(record)
        except ValueError:  # NaN or infinity (a hand-edited file): given, never kept
            found[index] = record
            continue
        fresh[shard.name] = {"digest": digest, "record": record}
        found[index] = record
    if fresh:
        _keep(ws, path, kind, key, fresh)
    return found


def code_fingerprint(modules: Sequence[str]) -> str:
    """SHA-256 over the source files of `modules` (imported if they are not yet), for a key:
    figures worked out by other code (an upgrade, a fix) are then never reused."""
    import importlib
    import sys

    digest = hashlib.sha256()
    for name in modules:
        module = sys.modules.get(name) or importlib.import_module(name)
        source = getattr(module, "__file__", None)
        digest.update(name.encode("utf-8") + b"\0")
        if source:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- the file


def _entries(path: Path, kind: str, key: str) -> dict[str, dict]:
    """The entries of the cache file at `path` if it is sound and for this kind and key; {}
    otherwise (missing, damaged, another key: all mean "work it out")."""
    body, _ = read_cache_file(path)
    if body is None or body.get("kind") != kind or body.get("key") != key:
        return {}
    return body["shards"]


def read_cache_file(path: Path) -> tuple[dict | None, str | None]:
    """(body, None) for a sound cache file, (None, None) when there is none, (None, why) when it
    is damaged: not a regular file, a link, its seal broken, or its JSON not of this format."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            return None, None
        return None, ("a symbolic link" if exc.errno == errno.ELOOP
                      else f"cannot be read ({exc.strerror})")
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, "not a regular file"
            raw = handle.read()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    seal, _, text = raw.partition(b"\n")
    if seal.decode("ascii", "replace") != hashlib.sha256(text).hexdigest():
        return None, "its seal does not match its content (cut short or changed by hand)"
    try:
        body = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "not valid JSON"
    if not (isinstance(body, dict) and body.get("format") == FORMAT
            and isinstance(body.get("kind"), str) and isinstance(body.get("key"), str)
            and isinstance(body.get("shards"), dict)
            and all(isinstance(e, dict) and isinstance(e.get("digest"), str) and "record" in e
                    for e in body["shards"].values())):
        return None, f"not a cache file of format {FORMAT}"
    return body, None


def _keep(ws, path: Path, kind: str, key: str, fresh: dict[str, dict]) -> None:
    """Merge `fresh` entries into the cache file under its lock, dropping entries of files that
    are gone. Any failure to write leaves the cache as it was (it is only a cache)."""
    from stocktake.store.locking import workspace_lock

    if not _meant_writable(ws):
        return
    try:
        with workspace_lock(ws.lock_path(path), timeout=LOCK_WAIT):
            entries = _entries(path, kind, key)
            entries.update(fresh)
            shard_dir = ws.root / "partnerships"
            entries = {name: entry for name, entry in sorted(entries.items())
                       if (shard_dir / name).exists()}
            ws.write_file(path, encode_cache(kind, key, entries), backup=False)
        _prune(ws, kind, path)
    except (StocktakeError, OSError):
        pass  # read-only, full, busy or linked: the figures in hand are right all the same


def _meant_writable(ws) -> bool:
    """False for a workspace made read-only on purpose (`chmod -R a-w`: its folder, or its
    cache folder, without the owner's write bit): a read command adds nothing to it, even as
    root, who could."""
    for folder in (ws.root, ws.root / CACHE_DIR):
        try:
            if not os.lstat(folder).st_mode & stat.S_IWUSR:
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


def _prune(ws, kind: str, keep: Path) -> None:
    """Delete the least recently written files of `kind` past KEEP_PER_KIND (keys of banks
    edited since, waves long past, older code): never used again, or cheaply rebuilt."""
    from stocktake.files.atomic import remove_file
    from stocktake.store.locking import workspace_lock

    mine = [p for p in cache_files(ws) if p.name.startswith(f"{kind}-") and p != keep
            and not p.is_symlink()]
    mine.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in mine[KEEP_PER_KIND - 1:]:
        with workspace_lock(ws.lock_path(old), timeout=LOCK_WAIT):
            remove_file(old)


def encode_cache(kind: str, key: str, entries: dict[str, dict]) -> bytes:
    """A cache file's bytes: the seal line, then the JSON body."""
    text = json.dumps({"format": FORMAT, "kind": kind, "key": key, "shards": entries},
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    body = text.encode("utf-8")
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def _plain(record: Any) -> Any:
    """The record as a JSON round trip gives it back (tuples as lists), so a miss returns
    exactly what a later hit will."""
    return json.loads(json.dumps(record, ensure_ascii=False, allow_nan=False))


# ---------------------------------------------------------------- doctor


def cache_files(ws) -> list[Path]:
    """Every file in the workspace's cache folder (links included, for doctor to name)."""
    folder = ws.root / CACHE_DIR
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


@dataclass(frozen=True)
class CacheProblem:
    path: Path
    why: str


# verify(kind, key, data, record): why `record` is not what the partnership's file `data` gives
# for this kind and key, or None when it is (or when the key is not one in use any more).
Verifier = Callable[[str, str, dict, Any], "str | None"]


def check_cache(ws, verify: Verifier | None = None) -> list[CacheProblem]:
    """What is wrong with the cache, reading only: each file damaged (see `read_cache_file`) or
    kept under a name its key does not give; with `verify`, also each file holding an entry,
    made from a partnership's present file, whose figure differs from what `verify` works out
    afresh. Entries made from older versions of a file are never used, so never checked."""
    problems = []
    for path in cache_files(ws):
        if path.is_symlink():
            continue  # doctor's find_links names it
        body, why = read_cache_file(path)
        if body is None:
            problems.append(CacheProblem(path, why or "missing"))
            continue
        kind, key = body["kind"], body["key"]
        if not kind.isalnum() or cache_path(ws, kind, key) != path:
            problems.append(CacheProblem(path, "its name does not match its key"))
            continue
        if verify is None:
            continue
        for name, entry in body["shards"].items():
            shard = ws.root / "partnerships" / name
            try:
                raw = ws.read_bytes(shard)
                if raw is None or content_digest(raw) != entry["digest"]:
                    continue
                data = ws.parse(shard, raw)
            except (StocktakeError, OSError):
                continue  # a damaged or linked file is doctor's finding of its own
            why = verify(kind, key, data, entry["record"])
            if why:
                problems.append(CacheProblem(path, f"{name}: {why}"))
                break
    return problems


def delete_cache(ws, paths: Iterable[Path] | None = None) -> list[Path]:
    """Delete the cache files `paths` (all of them when None), each under its lock; returns
    those deleted. Always safe: every figure in them is worked out again when next asked for."""
    from stocktake.files.atomic import remove_file
    from stocktake.store.locking import workspace_lock

    removed = []
    for path in (cache_files(ws) if paths is None else list(paths)):
        with workspace_lock(ws.lock_path(path)):
            if remove_file(path):
                removed.append(path)
    return removed
