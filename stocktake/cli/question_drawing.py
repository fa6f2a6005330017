"""How one question, its area and the end-of-interview summary are drawn in the terminal.

Rendering only. The interview fits an 80 x 24 terminal: the question's number, its text and
every choice stay on screen together, the guidance giving way first (see render_question).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from stocktake.cli.common import console
from stocktake.interview import session

if TYPE_CHECKING:
    from stocktake.banks.model import Question
    from stocktake.interview.flow import InterviewFlow


def render_area_header(flow: InterviewFlow, area_id: str) -> None:
    """The area's panel: its place among the role's areas, description and answers so far."""
    where = flow.area_position(area_id)
    answered = sum(1 for q in flow.applicable() if q.area == area_id and flow.is_answered(q))
    # Counted as "Question n of m" counts: what applies or still may, so it does not grow.
    count = sum(1 for q in flow.reachable() if q.area == area_id)
    console.print()
    console.print(Panel(escape(where.area.description),
                        title=f"Area {where.index} of {where.count} · {escape(where.area.title)}",
                        title_align="left",
                        subtitle=f"{answered} of {count} answered", subtitle_align="right"),
                  soft_wrap=False)


def render_question(flow: InterviewFlow, question: Question) -> tuple[int | None, bool]:
    """Print the question's number, text and guidance above its prompt.

    Returns (room, shortened): the lines left for the prompt on a terminal too short for
    everything (None when all fits), and whether the guidance was cut to one line. On a small
    terminal (80 x 24) the number, the question and its choices must stay on screen together,
    so the guidance gives way first (the `?` choice shows it whole), then the choices' texts.
    """
    import textwrap

    p = flow.progress(question)
    required = " · required" if question.required else ""
    header = f"Question {p.position} of {p.total} · {p.answered} answered · {question.id}{required}"
    width, rows = console.width, console.height
    guidance = " ".join(question.guidance.split())

    def lines(text: str) -> int:
        return len(textwrap.wrap(text, width)) if text else 0

    above = lines(header) + lines(question.text)
    from stocktake.interview import prompts

    needed = prompts.prompt_lines(question, width=width)
    fits = 1 + above + lines(guidance) + needed <= rows
    if fits:
        console.print()
    console.print(f"[dim]{escape(header)}[/]", soft_wrap=False)
    # Wrapped by rich at word boundaries (soft_wrap=False), so no word is split at the edge.
    console.print(f"[bold]{escape(question.text)}[/]", soft_wrap=False)
    if fits:
        if guidance:
            console.print(f"[italic]{escape(guidance)}[/]", soft_wrap=False)
        return None, False
    shortened = False
    if guidance:
        one_line = textwrap.shorten(guidance, width - 1, placeholder=" ... (? for more)")
        shortened = one_line != guidance
        console.print(f"[italic]{escape(one_line)}[/]", soft_wrap=False)
        above += 1
    return max(4, rows - above), shortened


def render_full_question(question: Question) -> None:
    """The `?` choice: the whole guidance and every choice's text, then back to the question."""
    from stocktake.banks.answer_values import describe_value
    from stocktake.records.responses import ANSWERED

    console.print()
    console.print(f"[bold]{escape(question.text)}[/]", soft_wrap=False)
    if question.guidance:
        console.print(f"[italic]{escape(question.guidance)}[/]", soft_wrap=False)
    if question.type == "scale":
        for level in range(1, len(question.levels) + 1):
            console.print(escape(describe_value(question, ANSWERED, level)), soft_wrap=False)
    for option in question.options:
        console.print(f"- {escape(option.label)}", soft_wrap=False)
    from stocktake.interview import prompts

    prompts.press_enter("Press Enter to go back to the question")


def short(text: str, width: int = 70) -> str:
    """`text` on one line, cut to `width` with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_table(flow: InterviewFlow) -> Table:
    """What was answered in each area, and this respondent's own area score and level."""
    table = Table(title="Summary", title_justify="left")
    table.add_column("area")
    for name in ("questions", "answered", "n/a", "don't know", "unanswered", "score"):
        table.add_column(name, justify="right")
    table.add_column("level")
    for row in session.summary_rows(flow):
        table.add_row(escape(row.title), str(row.applicable), str(row.answered),
                      str(row.not_applicable), str(row.dont_know), str(row.unanswered),
                      row.score_text, row.level)
    return table
