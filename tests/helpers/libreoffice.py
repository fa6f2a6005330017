"""LibreOffice as the print and spreadsheet tests drive it: files printed to PDF headless, and
scripts run in LibreOffice's own Python (Debian's python3-uno) that type into Calc or read what
its dropdowns offer (libreoffice_typist.py, libreoffice_dropdowns.py, beside this file)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SYSTEM_PYTHON = "/usr/bin/python3"  # the Python python3-uno installs the bridge for
TYPIST = Path(__file__).with_name("libreoffice_typist.py")
READER = Path(__file__).with_name("libreoffice_dropdowns.py")


def uno_available() -> bool:
    """Whether LibreOffice and its Python bridge are installed, so the Calc scripts can run."""
    if SOFFICE is None or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def draws_calibri_as_excel() -> bool:
    """Whether LibreOffice here draws the workbooks' Calibri with Carlito, its metric twin, and
    so sizes their columns and wraps their text as Excel does (fontconfig's choice)."""
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True)
    return found.returncode == 0 and "carlito" in found.stdout.lower()


def to_pdf(profile: Path, out: Path, *files: Path, timeout: float = 600) -> list[Path]:
    """Convert `files` to PDF in `out` with a LibreOffice profile of their own (`profile`);
    returns the PDFs' paths, in order. The pages measured are those Excel prints only with
    Carlito installed (.ci/run installs it): without it, this fails saying so."""
    assert draws_calibri_as_excel(), (
        "LibreOffice here would draw Calibri with a wider stand-in, so the printed pages are "
        "not Excel's: install Carlito (Debian: apt-get install fonts-crosextra-carlito)")
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return [out / f"{f.stem}.pdf" for f in files]
