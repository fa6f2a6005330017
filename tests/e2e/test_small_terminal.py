"""80 x 24: the question being asked, its number and every choice stay on screen together.

The installed `stocktake interview` runs in a pseudo-terminal of 24 rows and 80 columns; pyte (an
in-process terminal emulator) keeps the screen as a user would see it, and each check reads it.
The bank holds the tallest questions of the shipped banks (longest level texts and guidance),
copied as they are, and one made taller than any of them (six levels of three lines each).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from helpers.terminal import Terminal

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

pytestmark = pytest.mark.slow

LONG = ("The partnership has agreed this level after a review of the evidence with every "
        "partner, and it is recorded in the minutes of the board with the actions that follow")


def _tallest_questions(count: int = 4) -> list:
    from stocktake.banks.loading import find_bank

    found = []
    for bank_id in ("idea-stocktake", "joint-area-review", "tomorrows-children"):
        for q in find_bank(bank_id).questions:
            titles = list(q.levels) or [o.label for o in q.options]
            if q.type not in ("scale", "choice", "multi") or q.when is not None:
                continue
            height = sum(len(textwrap.wrap(t, 73)) for t in titles) + \
                len(textwrap.wrap(q.guidance, 80)) + len(textwrap.wrap(q.text, 80))
            found.append((height, q))
    found.sort(key=lambda pair: -pair[0])
    return [q for _, q in found[:count]]


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


@pytest.fixture(scope="module")
def tall_bank(tmp_path_factory) -> tuple[Path, list[tuple[str, str, list[str]]]]:
    questions = _tallest_questions()
    lines = ['id = "tall"', 'title = "Tall questions"', 'version = "1"',
             'description = "The tallest questions of the shipped banks."',
             '[[roles]]', 'id = "council"', 'title = "Council"',
             '[[areas]]', 'id = "a"', 'title = "Area"', 'description = "Tall ones."']
    asked = []
    for n, q in enumerate(questions):
        lines += ['[[questions]]', f'id = "a.q{n}"', 'area = "a"', f'type = "{q.type}"',
                  f"text = {_toml(q.text)}", f"guidance = {_toml(q.guidance)}"]
        if q.type == "scale":
            lines.append(f"levels = [{', '.join(_toml(t) for t in q.levels)}]")
            asked.append((f"a.q{n}", q.text, list(q.levels)))
        else:
            options = ", ".join(f"{{ id = {_toml(o.id)}, label = {_toml(o.label)}, "
                                f"score = {o.score} }}" for o in q.options)
            lines.append(f"options = [{options}]")
            asked.append((f"a.q{n}", q.text, [o.label for o in q.options]))
    levels = [f"Level {n}: {LONG}, reviewed each year ({n})." for n in range(1, 7)]
    lines += ['[[questions]]', 'id = "a.huge"', 'area = "a"', 'type = "scale"',
              f"text = {_toml('How far has the partnership come on the tallest question? ' * 2)}",
              f"guidance = {_toml(LONG + '. ' + LONG + '.')}",
              f"levels = [{', '.join(_toml(t) for t in levels)}]"]
    asked.append(("a.huge", "How far has the partnership come", levels))
    path = tmp_path_factory.mktemp("tall") / "tall.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, asked


@pytest.fixture(autouse=True)
def _tall_bank_on_the_bank_path(tall_bank, monkeypatch):
    """The interview is given the bank by file; `stocktake doctor`, run on the workspace after
    each test (tests/conftest.py), looks it up by id on the bank path, as a user's would."""
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", os.pathsep.join(
        [os.environ["STOCKTAKE_BANK_PATH"], str(tall_bank[0].parent)]))


def _first_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[:n])


def _assert_question_on_screen(screen: list[str], number: int, text: str,
                               choices: list[str]) -> None:
    shown = "\n".join(screen)
    flat = " ".join(shown.split())
    assert f"Question {number} of" in shown, shown
    assert _first_words(text) in flat, shown
    for n, choice in enumerate(choices, start=1):
        assert f"{n}) {_first_words(choice, 3)}" in flat, (choice, shown)
    for move in ("Not applicable", "Don't know", "Back", "Save and quit"):
        assert move in shown, shown


def test_every_tall_question_shows_its_number_text_and_choices_at_80_by_24(tall_bank, tmp_path):
    path, asked = tall_bank
    term = Terminal(["-w", str(tmp_path / "ws"), "interview", "E09000007", "--bank", str(path),
                     "--respondent", "Jo", "--role", "council", "--wave", "2026-27"])
    try:
        for number, (_, text, choices) in enumerate(asked, start=1):
            screen = term.wait_for(f"Question {number} of")
            screen = term.wait_for("Save and quit")
            _assert_question_on_screen(screen, number, text, choices)
            term.send("1")  # the first level
            term.send("\r")
            term.wait_for("Evidence note")
            term.send("\r")
    finally:
        term.close()


def test_question_mark_shows_the_full_guidance_then_the_question_again(tall_bank, tmp_path):
    path, asked = tall_bank
    term = Terminal(["-w", str(tmp_path / "ws"), "interview", "E09000007", "--bank", str(path),
                     "--respondent", "Jo", "--role", "council", "--wave", "2026-27"])
    try:
        screen = term.wait_for("Save and quit")
        assert any("(? for more)" in line for line in screen)
        term.send("?")
        screen = term.wait_for("Press Enter to go back")
        from stocktake.banks.loading import load_bank

        question = load_bank(path).question(asked[0][0])
        last_words = " ".join(question.guidance.split()[-5:])
        assert last_words in " ".join(" ".join(screen).split())
        term.send("\r")
        screen = term.wait_for("Question 1 of")
        screen = term.wait_for("Save and quit")
        _assert_question_on_screen(screen, 1, asked[0][1], asked[0][2])
    finally:
        term.close()


def test_a_personal_data_warning_wraps_at_word_boundaries(tall_bank, tmp_path):
    path, _ = tall_bank
    term = Terminal(["-w", str(tmp_path / "ws"), "interview", "E09000007", "--bank", str(path),
                     "--respondent", "Jo", "--role", "council", "--wave", "2026-27"])
    try:
        term.wait_for("Save and quit")
        term.send("1")
        term.send("\r")
        term.wait_for("Evidence note")
        term.send("Ask jo.bloggs@example.org in the safeguarding team about this\r")
        screen = term.wait_for("--redact", settle=False)
    finally:
        term.close()
    message = ("not the place for details of a child or family; go Back to change it, or mask "
               "it in exports with --redact.")
    words = set(message.split()) | {"Warning:", "Notes", "are"}
    start = next(i for i, line in enumerate(screen) if "Warning:" in line)
    end = next(i for i, line in enumerate(screen) if "--redact" in line)
    for line in screen[start + 1:end + 1]:
        for word in line.split():
            assert word in words, (word, screen[start:end + 1])
