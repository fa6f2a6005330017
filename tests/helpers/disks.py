"""A disk that fills: what the full-disk tests leave free on a real small tmpfs (the
`small_disk` fixture of tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path


def leave_free(mount: Path, free: int) -> Path:
    """Fill the file system at `mount` but for about `free` bytes; the filler file's path."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - free))
    return filler
