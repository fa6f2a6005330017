"""The one place stocktake creates a folder for files it writes for people.

Exports, forms, manifests, chase lists, reports and workbooks carry names and evidence, so a
folder stocktake makes for them is owner-only (0700, whatever the umask, missing parents too),
as the README promises, unless the user asked for `--shared` (then the umask decides, as for any
folder the user makes). A folder that exists already keeps its mode: it is the user's.

    ensure_output_dir(Path("forms/round-2"))             # 0700, parents too
    ensure_output_dir(Path("exports"), shared=True)       # 0777 & ~umask

Every writer of output files (workbooks.output_files, round.fieldwork, reports.html,
reports.word) creates its folder here, so no command can make one with the umask's looser mode.
"""

from __future__ import annotations

from pathlib import Path

from stocktake.files.atomic import ensure_private_dir


def ensure_output_dir(folder: Path, shared: bool = False) -> Path:
    """Create `folder` and any missing parents, 0700 unless `shared`; returns `folder`.

    Raises OSError as `Path.mkdir` does (callers turn it into a StocktakeError naming the file
    they were writing)."""
    folder = Path(folder)
    if folder.is_dir():
        return folder
    if shared:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return ensure_private_dir(folder)
