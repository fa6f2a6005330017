"""The interview at 80 x 24 through a bank with skip logic (issue 26, kind 6).

The installed `stocktake interview` runs in a pseudo-terminal of 24 x 80 read through pyte (as
tests/e2e/test_small_terminal.py does): "Question n of m" never grows as answers reveal or hide
questions, a multi-select keeps its number and the first line of its question on screen with
its hint on one line, and the line left after a multi names the options chosen by label.
The multi is the idea-stocktake bank's tallest (consultation.groups), copied as it is.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from helpers.terminal import COLUMNS, ROWS, Terminal

pytest.importorskip("pexpect")
pytest.importorskip("pyte")

pytestmark = pytest.mark.slow

DOWN, SPACE, ENTER = "\x1b[B", " ", "\r"


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _question(lines: list[str], q, qid: str, when: str = "") -> None:
    lines += ["[[questions]]", f"id = {_toml(qid)}", 'area = "a"', f'type = "{q.type}"',
              f"text = {_toml(q.text)}", f"guidance = {_toml(q.guidance)}"]
    if q.options:
        lines.append("options = [" + ", ".join(
            f"{{ id = {_toml(o.id)}, label = {_toml(o.label)}, score = {o.score}"
            + (", exclusive = true" if o.exclusive else "") + " }" for o in q.options) + "]")
    if when:
        lines.append(when)


@pytest.fixture(scope="module")
def skip_bank(tmp_path_factory):
    from stocktake.banks.loading import find_bank

    shipped = find_bank("idea-stocktake")
    frequency = shipped.question("consultation.frequency")
    groups = shipped.question("consultation.groups")
    assert groups.type == "multi" and groups.when.question == frequency.id
    lines = ['id = "skips"', 'title = "Skip logic"', 'version = "1"',
             'description = "Questions that hide and show others."',
             "[[roles]]", 'id = "council"', 'title = "Council"',
             "[[areas]]", 'id = "a"', 'title = "Area"', 'description = "Participation."',
             "[[questions]]", 'id = "a.plan"', 'area = "a"', 'type = "yesno"',
             'text = "Is there a written participation strategy?"',
             "[[questions]]", 'id = "a.plan-date"', 'area = "a"', 'type = "text"',
             'text = "When was it last revised?"',
             'when = { question = "a.plan", is = "yes" }']
    _question(lines, frequency, "a.frequency")
    _question(lines, groups, "a.groups",
              f'when = {{ question = "a.frequency", in = {json.dumps(list(groups.when.in_))} }}')
    lines += ["[[questions]]", 'id = "a.under-fives"', 'area = "a"', 'type = "yesno"',
              'text = "Were the views of under-fives written up?"',
              f'when = {{ question = "a.groups", is = {_toml(groups.options[0].id)} }}',
              "[[questions]]", 'id = "a.last"', 'area = "a"', 'type = "yesno"',
              'text = "Is the strategy published?"']
    path = tmp_path_factory.mktemp("skips") / "skips.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, frequency, groups


@pytest.fixture(autouse=True)
def _skip_bank_on_the_bank_path(skip_bank, monkeypatch):
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", os.pathsep.join(
        [os.environ["STOCKTAKE_BANK_PATH"], str(skip_bank[0].parent)]))


def _counts(screen: list[str]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for line in screen
            for a, b in re.findall(r"Question (\d+) of (\d+)", line)]


def test_totals_never_grow_and_a_multi_stays_readable_at_80_by_24(skip_bank, tmp_path):
    path, frequency, groups = skip_bank
    met = next(i for i, o in enumerate(frequency.options) if o.id in groups.when.in_)
    term = Terminal(["-w", str(tmp_path / "ws"), "interview", "E09000007", "--bank", str(path),
                     "--respondent", "Jo", "--role", "council", "--wave", "2026-27"])
    seen: list[tuple[int, int]] = []
    try:
        seen += _counts(term.wait_for("Save and quit"))
        term.send("n")  # no strategy: a.plan-date is settled hidden
        term.send(ENTER)
        term.wait_for("Evidence note")
        term.send(ENTER)
        seen += _counts(term.wait_for("Question 2 of"))
        term.wait_for("Save and quit")
        term.send(str(met + 1))  # a frequency that asks which groups
        term.send(ENTER)
        term.wait_for("Evidence note")
        term.send(ENTER)
        screen = term.wait_for("Question 3 of")
        screen = term.wait_for("Save and quit")
        seen += _counts(screen)
        # The multi: its number, the first line of its question and its hint, all on screen.
        text = "\n".join(screen)
        first_line = " ".join(groups.text.split()[:8])
        assert first_line in " ".join(text.split()), text
        assert "Question 3 of" in screen[_row_of(screen, "Question 3 of")]
        hint = _row_of(screen, "Your answer")
        assert "(Space to tick, Enter to confirm)" in screen[hint], text
        assert all(len(line.rstrip()) <= COLUMNS for line in screen)
        assert len(screen) == ROWS
        # Tick the third and fourth options (not the first, so a.under-fives is hidden).
        term.send(DOWN * 2 + SPACE + DOWN + SPACE)
        term.send(ENTER)
        screen = term.wait_for("Evidence note")
        echo = " ".join(" ".join(screen).split())
        chosen = f"{groups.options[2].label}; {groups.options[3].label}"
        assert chosen in echo, "\n".join(screen)
        assert "selections" not in echo
        term.send(ENTER)
        seen += _counts(term.wait_for("Question 4 of"))
    finally:
        term.close()
    totals = [total for _, total in seen]
    assert totals == sorted(totals, reverse=True), seen
    assert seen[0] == (1, 6) and seen[-1] == (4, 4), seen


def _row_of(screen: list[str], text: str) -> int:
    return next(i for i, line in enumerate(screen) if text in line)
