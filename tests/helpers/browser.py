"""Helpers for the end-to-end report tests, plain functions without pytest so they also serve
a person looking at a report: real headless Chromium driven by selenium with Debian's
chromedriver (start, print to PDF, axe-core), the demo workspace the reports are written from
(built through the CLI), and reading a PDF's words back as lines.

    driver = start_chromium()
    driver.get(Path("report.html").resolve().as_uri())
    print_pdf(driver, Path("report.pdf"))
    serious = [v for v in axe_violations(driver) if v["impact"] in ("serious", "critical")]
    driver.quit()

Nothing is downloaded: the driver and browser are the installed ones (selenium's own manager,
which fetches browsers, is never asked), and axe-core is the copy axe-selenium-python ships.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Debian's packages `chromium` and `chromium-driver`; other names for other systems.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
A4_INCHES = (8.27, 11.69)  # width, height: what Page.printToPDF takes
CLI_TIMEOUT = 180
# A plan long enough that its table must run onto a second A4 page: one action per area per
# quarter, as an adviser's plan for a weak partnership might be.
PLAN_QUARTERS = ("2027-03-31", "2027-06-30", "2027-09-30")


def chromium_path() -> str | None:
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def chromedriver_path() -> str | None:
    return shutil.which("chromedriver")


def missing() -> str | None:
    """Why the browser cannot be started here, or None when it can: the skip reason."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    try:
        import axe_selenium_python  # noqa: F401
    except ImportError:
        return "axe-selenium-python is not installed (pip install '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    if chromedriver_path() is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
    return None


def start_chromium(width: int = 1280, height: int = 900):
    """A headless Chromium (selenium WebDriver) with a window of width x height CSS pixels.

    Raises RuntimeError naming what is missing; the caller quits the driver.
    """
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=en-GB",
                "--force-device-scale-factor=1", "--hide-scrollbars",
                # No background traffic from the browser itself: the tests check the page
                # fetches nothing, and CI may have no network.
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--no-default-browser-check"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver_path()),
                              options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)  # axe runs as an async script
    return driver


def print_pdf(driver, path: Path) -> Path:
    """Print the open page to PDF as Chromium's print dialog would, on A4 (the page's own
    @page size wins where it sets one), backgrounds included; returns path."""
    result = driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1],
        "preferCSSPageSize": True, "printBackground": True,
        "displayHeaderFooter": False,
    })
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(result["data"]))
    return path


def axe_violations(driver, script: str | os.PathLike | None = None) -> list[dict]:
    """axe-core's violations on the open page: a list of axe result dicts (id, impact,
    description, help, nodes[].target, ...). script: another axe.min.js to inject instead of
    the one axe-selenium-python ships."""
    from axe_selenium_python import Axe

    axe = Axe(driver) if script is None else Axe(driver, script_url=str(script))
    axe.inject()
    return axe.run()["violations"]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and element, for an assertion message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at "
                     f"{', '.join(map(str, n['target']))}"
                     for v in violations for n in v["nodes"])


# ------------------------------------------------- the reports under test, and reading PDFs


def stocktake(ws: Path, *args: str) -> str:
    """Run the installed CLI as a person would; its output. RuntimeError naming the command
    when it fails."""
    return _finish(*_start(ws, *args))


def _start(ws: Path, *args: str):
    env = {**os.environ, "STOCKTAKE_WORKSPACE": str(ws), "NO_COLOR": "1", "COLUMNS": "120"}
    process = subprocess.Popen([sys.executable, "-m", "stocktake", "-w", str(ws), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=ws.parent)
    return process, args


def _finish(process, args) -> str:
    try:
        out, err = process.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RuntimeError(f"stocktake {' '.join(args)} did not finish in {CLI_TIMEOUT} s")
    if process.returncode != 0:
        raise RuntimeError(f"stocktake {' '.join(args)} exited {process.returncode}: "
                           f"{out}{err}")
    return out


_BUILT: dict = {}


def build_reports(root: Path) -> dict:
    """A demo workspace with a moderation and a long action plan, and both reports written as
    HTML and Word, through the CLI. Built once per test process (the first caller's root) and
    shared: the tests only read what it wrote.

    Returns {"code", "name", "partnership": html path, "national": html path,
    "docx": {"partnership": path, "national": path}}.
    """
    if not _BUILT:
        _BUILT.update(_build(Path(root)))
    return _BUILT


def _build(root: Path) -> dict:
    from stocktake.store.workspace import Workspace

    ws = root / "ws"
    stocktake(ws, "demo", "--partnerships", "6", "--respondents", "4")
    first = Workspace.open(ws).partnerships()[0]
    stocktake(ws, "plan", "add", first.code, "--bank", "idea-stocktake", "--area", "risk",
              # Every plan action starts "Step": the tests find the plan's rows by it.
              "--target", "Embedded", "--action", "Step 0 by 2027-03-31: agree a joint risk "
              "register with health and police, reviewed by the board each quarter", "--owner",
              "Head of safeguarding", "--due", "2027-03-31")
    stocktake(ws, "moderate", first.code, "--bank", "idea-stocktake", "--area", "vision",
              "--score", "55", "--reason", "Vision not yet known to front-line staff",
              "--adviser", "A. Adviser")
    _long_plan(ws, first.code)
    out = {"code": first.code, "name": first.name, "docx": {}}
    runs = []
    for report, args in (("partnership", (first.code,)), ("national", ("--national",))):
        html, docx = root / f"{report}.html", root / f"{report}.docx"
        runs.append(_start(ws, "report", *args, "--out", str(html), "--docx", str(docx)))
        out[report], out["docx"][report] = html, docx
    for run in runs:  # the two reports are written side by side: they only read the store
        _finish(*run)
    return out


def _long_plan(ws: Path, code: str) -> None:
    # Through the core, not 33 CLI runs: `plan add` itself is run above and tested in
    # tests/reports/test_reports.py; here only the table's length matters.
    from stocktake.banks.loading import find_bank
    from stocktake.reports.action_plan import new_plan_item
    from stocktake.store.workspace import Workspace

    bank = find_bank("idea-stocktake")
    store = Workspace.open(ws)
    wave = store.plan_items(code)[0].wave  # the wave `plan add` chose: the demo's
    for due in PLAN_QUARTERS:
        for n, area in enumerate(bank.areas):
            store.add_plan_item(new_plan_item(
                bank, code, wave, area=area.id, target=bank.bands[-1].label,
                action=f"Step {n + 1} by {due}: agree with every partner how "
                       f"{area.title.lower()} will be reviewed, and report progress to the board",
                owner="Partnership manager", due=due))


def text_lines(words) -> list[tuple[float, list[str]]]:
    """Words grouped into lines, top to bottom: (top, words left to right)."""
    lines: list[tuple[float, list]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]) <= 3:
            lines[-1][1].append(word)
        else:
            lines.append((word["top"], [word]))
    return [(top, [w["text"] for w in sorted(ws, key=lambda w: w["x0"])]) for top, ws in lines]
