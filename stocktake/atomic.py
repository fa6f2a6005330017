"""Atomic, durable file replacement with a rolling backup.

A reader, or a machine that loses power, sees either the old file or the new one, never half of
one: write a temporary file in the same folder, fsync it, rename it over the old name, fsync the
folder. The old version is kept as a hard link in the backup folder (free: no copy), rolling over
`BACKUPS` generations, so `stocktake doctor --restore` has something to bring back.

    atomic_write_bytes(path, data, backup_dir=ws / "backups")
"""

from __future__ import annotations

import os
from pathlib import Path

BACKUPS = 3
FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create `path` owner-only; missing parents too (mkdir's own `parents` ignores `mode`)."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        try:
            os.chmod(folder, DIR_MODE)  # the umask may have taken bits off
        except PermissionError:
            pass
    if not missing:
        try:
            os.chmod(path, DIR_MODE)
        except PermissionError:  # a shared folder we do not own: leave its mode alone
            pass
    return path


def backup_paths(path: Path, backup_dir: Path) -> list[Path]:
    return [backup_dir / f"{path.name}.{n}" for n in range(1, BACKUPS + 1)]


def atomic_write_bytes(path: Path, data: bytes, backup_dir: Path | None = None) -> None:
    try:
        _atomic_write_bytes(path, data, backup_dir)
    except OSError as exc:
        from stocktake.output_files import DiskFull, is_disk_full

        if is_disk_full(exc):  # said as what it is, naming the file, never as a bug
            raise DiskFull(path, exc) from exc
        raise


def _atomic_write_bytes(path: Path, data: bytes, backup_dir: Path | None) -> None:
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    if backup_dir is not None and path.exists():
        _roll_backups(path, backup_dir)
    os.replace(tmp, path)
    fsync_dir(folder)


def _roll_backups(path: Path, backup_dir: Path) -> None:
    ensure_private_dir(backup_dir)
    slots = backup_paths(path, backup_dir)
    for older, newer in zip(reversed(slots[1:]), reversed(slots[:-1])):
        if newer.exists():
            os.replace(newer, older)
    staged = backup_dir / f".{path.name}.{os.getpid()}.bak"
    staged.unlink(missing_ok=True)
    try:
        os.link(path, staged)
    except OSError:  # filesystems without hard links: copy instead
        staged.write_bytes(path.read_bytes())
        os.chmod(staged, FILE_MODE)
    os.replace(staged, slots[0])


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
