"""Issue 26 kind 1, as a person sees it: every listing command and error, run in a real
terminal (a pseudo-terminal of 80 x 24), prints no line over 80 columns, and wrapping loses,
cuts or splits no word: the words are those the same command prints into a pipe, where a
sentence stays on one line for scripts and grep.

Real commands in subprocesses on a real demo workspace with a planned round and a roster.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

pyte = pytest.importorskip("pyte")

WAVE = "2026-27"
_PROGRESS = re.compile(r"\s*exported \d+ of \d+ workbooks")
CODE = "{code}"  # the demo's first partnership, filled in by the fixture
DIR = "{dir}"  # a folder of the test's own, filled in by the fixture

# A long name and e-mail address, so the roster's columns must wrap.
ROSTER = ("partnership,role,respondent,email,organisation\n"
          "{code},council,Alexandra Montgomery-Featherstonehaugh,"
          "alexandra.montgomery-featherstonehaugh@camden-council.example.gov.uk,"
          "London Borough Children's Services Directorate\n"
          "{code},health,Designated nurse for safeguarding children,nurse@nhs.example.uk,"
          "North Central London Integrated Care Board\n")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**env, "NO_COLOR": "1", "TERM": "xterm"}


def _in_terminal(ws, *args, columns: int = 80, rows: int = 24) -> tuple[int, str]:
    """Run `stocktake -w ws ARGS` with stdout and stderr on a pseudo-terminal of the given
    size (stdin empty, so a question is answered by end of input); its exit code and what it
    showed on the screen, line by line."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "stocktake", "-w", str(ws), *args],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError as exc:  # EIO: the command has closed the terminal
            if exc.errno != errno.EIO:
                raise
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=120)
    # What the terminal shows, once cursor movements (a progress bar redrawn, then cleared)
    # have played out: a screen wider than the command was told, so that a line it printed
    # too long shows as too long instead of being wrapped by the emulator.
    screen = pyte.Screen(250, 4000)
    pyte.ByteStream(screen).feed(b"".join(chunks))
    lines = [row.rstrip() for row in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return code, "\n".join(lines) + "\n"


def _in_pipe(ws, *args) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env={**_env(), "COLUMNS": "80"}, timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("t80")
    ws = root / "ws"
    assert _in_pipe(ws, "demo", "--partnerships", "3", "--respondents", "2")[0] == 0
    code = json.loads(_in_pipe(ws, "partnerships", "list", "--json")[1])[0]["code"]
    for args in (("round", "plan", "--bank", "idea-stocktake", "--wave", WAVE, "--roles",
                  "council,health", "-p", code, "--deadline", "2027-01-31"),
                 ("plan", "add", code, "--bank", "idea-stocktake", "--area", "risk", "--target",
                  "Established", "--action", "Agree a joint risk register with the police, "
                  "health and schools, reviewed each quarter by the partnership board",
                  "--owner", "Head of service, children's safeguarding and quality assurance",
                  "--due", "2027-03-31")):
        exit_code, out = _in_pipe(ws, *args)
        assert exit_code == 0, out
    (root / "roster.csv").write_text(ROSTER.format(code=code), encoding="utf-8")
    exit_code, out = _in_pipe(ws, "roster", "import", str(root / "roster.csv"))
    assert exit_code == 0, out
    (root / "broken.toml").write_text('id = "x"\ntitle = "unterminated\n', encoding="utf-8")
    return ws, code, root


LISTINGS = [
    ("status", "--bank", "idea-stocktake", "--wave", WAVE),
    ("status", CODE),
    ("roster", "list"),
    ("plan", "list", CODE),
    ("partnerships", "list"),
    ("banks", "list"),
    ("privacy-check",),
    ("doctor",),
    ("benchmark",),
    ("scores", CODE),
    ("answers", CODE),
    ("neighbours", CODE),
    ("banks", "show", "idea-stocktake"),
    ("banks", "show", "partnership-2026"),
    ("trend", CODE, "--from", "2025-26", "--to", WAVE),
    ("evidence", CODE, "--bank", "idea-stocktake"),
    ("export", CODE, "--out", f"{DIR}/exports"),
    ("codebook", "idea-stocktake", "--out", f"{DIR}/codebook.xlsx"),
    ("forms", "create", CODE, "-b", "idea-stocktake", "-r", "health", "-o", f"{DIR}/form.xlsx"),
]

# Errors whose message, details or hint run past 80 columns.
ERRORS = [
    ("plan", "list", "E09999999"),
    ("roster", "remove", CODE, "--respondent", "Somebody who was never asked to answer"),
    ("banks", "validate", f"{DIR}/broken.toml"),
    ("status", "--xlsx", f"{DIR}/status.txt"),
    ("-w", f"{DIR}/a-workspace-folder-that-was-never-made", "partnerships", "list"),
    ("remove", CODE, "--role", "council"),  # lists what it would remove, then asks: no
]


def _fill(args, code, root):
    return [a.replace(CODE, code).replace(DIR, str(root)) for a in args]


def _check_fits(workspace, args, *, ok: bool) -> None:
    ws, code, root = workspace
    args = _fill(args, code, root)
    exit_code, shown = _in_terminal(ws, *args)
    piped_code, piped = _in_pipe(ws, *args)
    assert (exit_code == 0) is ok and piped_code == exit_code, shown
    lines = shown.splitlines()
    assert len(lines) > 1, shown  # it printed something: an empty output fits anything
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, "\n".join(too_wide)
    # Wrapping moved words to new lines, nothing else: the same words in the same order (but
    # for the line of progress a command prints now and then where no terminal shows a bar).
    piped = "\n".join(line for line in piped.splitlines() if not _PROGRESS.match(line))
    assert shown.split() == piped.split()


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_listing_fits_an_80_column_terminal_with_every_word_whole(workspace, args):
    _check_fits(workspace, args, ok=True)


@pytest.mark.parametrize("args", ERRORS, ids=lambda a: " ".join(a))
def test_error_fits_an_80_column_terminal_with_every_word_whole(workspace, args):
    _check_fits(workspace, args, ok=False)


def test_a_word_longer_than_the_terminal_stays_whole_on_its_own_line(workspace):
    """A path wider than the terminal is neither folded nor cut, so it can be copied."""
    ws, code, root = workspace
    deep = root / ("a-folder-name-long-enough-that-no-terminal-line-of-eighty-columns-holds-"
                   "it-whole") / "ws"
    exit_code, shown = _in_terminal(deep, "partnerships", "list")
    assert exit_code == 1
    # Whole, at the start of a line of its own (the sentence around it wrapped before it).
    assert any(line.startswith(str(deep)) for line in shown.splitlines()), shown
    others = [line for line in shown.splitlines() if str(deep) not in line]
    assert others and all(len(line) <= 80 for line in others)


def test_sentences_wrap_to_a_narrower_terminal_too(workspace):
    ws, code, root = workspace
    exit_code, shown = _in_terminal(ws, "status", "--bank", "idea-stocktake", "--wave", WAVE,
                                    columns=60)
    assert exit_code == 0
    assert all(len(line) <= 60 for line in shown.splitlines()), shown
    assert "respondents received." in " ".join(shown.split())


def test_into_a_pipe_a_sentence_stays_on_one_line(workspace):
    """What soft wrapping protected: a message read by a script or grep is one line."""
    ws, code, root = workspace
    missing = root / "no-such-workspace-folder-here"
    exit_code, out = _in_pipe(missing, "partnerships", "list")
    assert exit_code == 1
    assert f"Error: there is no workspace at {missing} (from -w)" in out.splitlines()
