"""Workbooks and Word files printed to PDF by LibreOffice, as the print tests read them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(profile: Path, out: Path, *files: Path, timeout: float = 600) -> list[Path]:
    """Convert `files` to PDF in `out` with a LibreOffice profile of their own (`profile`);
    returns the PDFs' paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return [out / f"{f.stem}.pdf" for f in files]
