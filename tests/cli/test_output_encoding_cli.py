"""Every command works on any output encoding: plain fall-backs for drawing characters, and
`--json` that is valid JSON (with every name intact) whatever the locale.

Each case runs the installed command in a subprocess with the real environment variable: a
Windows console redirected to a file (PYTHONIOENCODING=cp1252), a Latin-1 locale
(LANG=en_GB.ISO-8859-1, built with localedef where the machine lacks it) and the C locale with
Python's UTF-8 coercion turned off (ASCII).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WAVE = "2026-27"
NAME = "Zoë Łukaszewicz"


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("stocktake")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "stocktake"]


@pytest.fixture(scope="module")
def latin1_locale(tmp_path_factory) -> dict[str, str] | None:
    if shutil.which("localedef") is None:
        return None
    where = tmp_path_factory.mktemp("locale")
    subprocess.run(["localedef", "-i", "en_GB", "-f", "ISO-8859-1",
                    str(where / "en_GB.ISO-8859-1")], capture_output=True)
    if not (where / "en_GB.ISO-8859-1").exists():
        return None
    return {"LOCPATH": str(where), "LANG": "en_GB.ISO-8859-1"}


ENVIRONMENTS = {
    "cp1252": ({"PYTHONIOENCODING": "cp1252"}, "cp1252"),
    "latin1-locale": (None, "iso-8859-1"),
    "c-locale-ascii": ({"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}, "ascii"),
}


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Three partnerships from the demo, and a respondent whose name no 8-bit code page holds."""
    root = tmp_path_factory.mktemp("enc") / "ws"
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run(_command() + ["-w", str(root), "demo", "--partnerships", "3",
                                 "--respondents", "2", "--wave", WAVE],
                   check=True, capture_output=True, env=env, timeout=120)
    code = json.loads(subprocess.run(_command() + ["-w", str(root), "partnerships", "list",
                                                   "--json"], check=True, capture_output=True,
                                     env=env, timeout=60).stdout)[0]["code"]
    answers = root.parent / "answers.csv"
    answers.write_text("question,value,evidence\nvision.has-statement,yes,Plan seen … twice\n",
                       encoding="utf-8")
    subprocess.run(_command() + ["-w", str(root), "interview", code, "--bank", "idea-stocktake",
                                 "--role", "council", "--respondent", NAME, "--wave", WAVE,
                                 "--answers", str(answers)],
                   check=True, capture_output=True, env=env, timeout=60)
    return root, code, answers


def _environment(case: str, latin1_locale) -> tuple[dict[str, str], str]:
    extra, encoding = ENVIRONMENTS[case]
    if extra is None:
        if latin1_locale is None:
            pytest.skip("localedef cannot build en_GB.ISO-8859-1 here")
        extra = latin1_locale
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8")}
    return {**env, **extra, "NO_COLOR": "1", "COLUMNS": "80"}, encoding


def _commands(code: str, answers: Path) -> dict[str, list[str]]:
    return {
        "scores": ["scores", code, "--wave", WAVE],
        "benchmark": ["benchmark", "--wave", WAVE],
        "answers": ["answers", code, "--wave", WAVE],
        "trend": ["trend", code, "--from", "2025-26", "--to", WAVE],
        "banks-show": ["banks", "show", "idea-stocktake"],
        "banks-list": ["banks", "list"],
        "partnerships-list": ["partnerships", "list"],
        "interview-summary": ["interview", code, "--bank", "idea-stocktake", "--role", "council",
                              "--respondent", "Second", "--wave", WAVE, "--answers",
                              str(answers)],
        "help": ["scores", "--help"],
    }


@pytest.mark.parametrize("case", list(ENVIRONMENTS))
@pytest.mark.parametrize("name", ["scores", "benchmark", "answers", "trend", "banks-show",
                                  "banks-list", "partnerships-list", "interview-summary",
                                  "help"])
def test_commands_print_in_any_output_encoding(national, latin1_locale, case, name):
    root, code, answers = national
    env, encoding = _environment(case, latin1_locale)
    args = _commands(code, answers)[name]
    done = subprocess.run(_command() + ["-w", str(root), *args], capture_output=True, env=env,
                          timeout=60)
    out, err = done.stdout.decode(encoding), done.stderr.decode(encoding)  # decodes: no mojibake
    assert "UnicodeEncodeError" not in err and "Internal error" not in err
    assert done.returncode == 0, err  # the demo writes two waves: trend has both
    if name == "trend":
        assert "2025-26" in out and WAVE in out
    if name in ("scores", "benchmark"):
        assert "Overall" in out and ("#" in out or "█" in out)
    if name == "answers":
        assert "Zo" in out and "ukaszewicz" in out


@pytest.mark.parametrize("case", list(ENVIRONMENTS))
@pytest.mark.parametrize("args", [["answers", "{code}", "--wave", WAVE, "--json"],
                                  ["scores", "{code}", "--wave", WAVE, "--json"],
                                  ["benchmark", "--wave", WAVE, "--json"],
                                  ["partnerships", "list", "--json"],
                                  ["banks", "show", "idea-stocktake", "--json"]],
                         ids=lambda a: "-".join(a[:2]))
def test_json_is_valid_and_keeps_every_name_whatever_the_locale(national, latin1_locale, case,
                                                                args):
    root, code, _ = national
    env, encoding = _environment(case, latin1_locale)
    done = subprocess.run(_command() + ["-w", str(root), *[a.format(code=code) for a in args]],
                          capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    data = json.loads(done.stdout.decode(encoding))
    if args[0] == "answers":
        assert NAME in json.dumps(data, ensure_ascii=False)


def test_utf8_output_is_unchanged(national):
    root, code, _ = national
    done = subprocess.run(_command() + ["-w", str(root), "answers", code, "--wave", WAVE,
                                        "--json"], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=60)
    assert NAME in done.stdout.decode("utf-8")  # readable, not \u-escaped, on a UTF-8 stream
