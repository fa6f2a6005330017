"""The workspace: one TinyDB file per partnership, written atomically under a lock; checking and
restoring the store (`doctor`). Responses themselves are plain data in stocktake.records.

This module is the store's public face: the CLI reaches the store through the names below (and
`stocktake.store.doctor`), never through its parts (workspace, journal, locking, shard_cache,
round_records, store_files); a contract in pyproject.toml holds it to that. The names load
when first used, so importing the package costs nothing a command does not need.

    from stocktake.store import Workspace
    ws = Workspace.open(Path("~/stocktake").expanduser())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stocktake.store.journal import Begun, find, unfinished
    from stocktake.store.workspace import Removal, Workspace, default_workspace_dir

_PUBLIC = {"Workspace": "stocktake.store.workspace",
           "default_workspace_dir": "stocktake.store.workspace",
           "Removal": "stocktake.store.workspace",
           "Begun": "stocktake.store.journal",
           "find": "stocktake.store.journal",
           "unfinished": "stocktake.store.journal"}

__all__ = ["Begun", "Removal", "Workspace", "default_workspace_dir", "find", "unfinished"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
