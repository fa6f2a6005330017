"""The interview on screen: each question drawn to fit the terminal, asked, and its answer saved
before the next is drawn; the area headers, the review and the summary.

Rendering and asking only: what to ask next, what is stored and what to tell the respondent
are decided by stocktake.interview.session; questionary is reached through
stocktake.interview.prompts, loaded only when someone is about to be asked something.
"""

from __future__ import annotations

from typing import Callable, Sequence, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.panel import Panel

from stocktake.cli.common import console, err_console
from stocktake.cli.question_drawing import (render_area_header, render_full_question,
                                            render_question, short, summary_table)
from stocktake.interview import session

if TYPE_CHECKING:
    from stocktake.banks.model import Bank, Question
    from stocktake.interview.flow import InterviewFlow
    from stocktake.interview.prompts import Reply
    from stocktake.interview.session import InterviewSession
    from stocktake.records.responses import Answer

EXIT_INTERRUPTED = 130


class Target(session.Target):
    """stocktake.interview.session.Target, asking the respondent whether to try a save again
    when another command holds the workspace (the answer is kept in memory until then)."""

    def keep_trying(self, message: str) -> bool:
        err_console.print(f"[bold]Not saved yet:[/] {escape(message)}")
        return _prompts().ask_retry("Try saving this answer again?")


def run_interview(target: Target, bank: Bank, *, ask_for_evidence: bool = True,
                  resume: Callable[[], str] = str) -> bool:
    """Ask until the review's Finish or Save and quit; True if finished. Ctrl-C exits 130.
    `resume()` is the command that carries on, as it stands when it is shown."""
    from stocktake.interview.flow import BACK, JUMP, QUIT, SKIP
    from stocktake.interview.session import InterviewSession

    talk = InterviewSession(target, bank)
    flow = talk.flow
    if talk.already_answered:
        console.print(f"{talk.already_answered} of {flow.progress().total} already answered; "
                      "starting at the first unanswered question.")
    shown_area: str | None = None
    try:
        while True:
            question = talk.question
            if question is None:
                revisit = _review(talk)
                if revisit is None:
                    break
                talk.revisit(revisit)
                shown_area = None
                continue
            if question.area != shown_area:
                render_area_header(flow, question.area)
                shown_area = question.area
            room, shortened = render_question(flow, question)
            reply = _prompts().ask_question(question, flow.answers.get(question.id), room=room,
                                            offer_help=shortened)
            if reply.action == _prompts().HELP:
                render_full_question(question)
                continue
            if reply.is_answer:
                _answer(talk, question, reply, ask_for_evidence)
                due = talk.notice_after(question, reply.status, reply.value)
                if due is not None:
                    _show_notice(target, bank, due, talk.notices)
                talk.answered(question)
            elif reply.action == BACK:
                if not talk.back(question):
                    console.print("[dim]This is the first question.[/]")
            elif reply.action == SKIP:
                talk.skipped(question)
            elif reply.action == JUMP:
                target_area = _prompts().ask_area(talk.area_choices())
                if target_area is not None:
                    if talk.jump(target_area):
                        shown_area = None
                    else:
                        console.print("[dim]No questions in that area apply now.[/]")
            elif reply.action == QUIT:
                _say_saved(flow, target, resume())
                return False
    except (KeyboardInterrupt, EOFError):
        console.print()
        _say_saved(flow, target, resume())
        raise typer.Exit(EXIT_INTERRUPTED)
    console.print(summary_table(flow), soft_wrap=False)
    left = flow.unanswered()
    if left:
        console.print(f"{len(left)} question(s) still unanswered. To answer them later run:")
        console.print(escape(resume()), soft_wrap=True)
    else:
        console.print("Every question that applies is answered.")
    return True


def safeguarding_notice(target: Target, bank: Bank, question: Question,
                        notices: dict[str, str]) -> None:
    """Show the bank's notice the first time a marked answer is given in this response, and
    record when it was shown, by question; a later marked answer gets a one-line reminder."""
    due = session.notice_due(question.id, notices)
    if due is not None:
        _show_notice(target, bank, due, notices)


def _show_notice(target: Target, bank: Bank, due: session.NoticeDue,
                 notices: dict[str, str]) -> None:
    show_notice(bank, due.earlier)
    session.record_notice(target, due.question, notices)


def show_notice(bank: Bank, earlier: Sequence[str]) -> None:
    """The bank's notice in full the first time a response calls for it; after that (`earlier`:
    the questions it was shown for) a line naming them."""
    if earlier:
        console.print(f"[bold red]Safeguarding:[/] this answer also calls for the notice shown "
                      f"earlier ({escape(', '.join(sorted(earlier)))}). Follow it.")
    else:
        console.print(Panel(escape(bank.safeguarding_notice), title="Safeguarding notice",
                            title_align="left", border_style="bold red"), soft_wrap=False)


def _prompts():
    # questionary (and prompt_toolkit) load only when someone is about to be asked something.
    from stocktake.interview import prompts

    return prompts


def _answer(talk: InterviewSession, question: Question, reply: Reply,
            ask_for_evidence: bool) -> None:
    from stocktake.records.responses import Answer

    assert reply.status is not None, "an answer's Reply carries its status"
    old = talk.flow.answers.get(question.id)
    answer = Answer(question.id, reply.status, reply.value, evidence=old.evidence if old else "")
    _save(talk, answer)
    # Text answers carry their own explanation; asking for a note on top only slows people down.
    if ask_for_evidence and question.type != "text":
        note = _prompts().ask_evidence(answer.evidence)
        if note != answer.evidence:
            _save(talk, Answer(question.id, answer.status, answer.value, note))


def _save(talk: InterviewSession, answer: Answer) -> None:
    # True from save_answer: the target has just been given its key.
    if talk.save_answer(answer) and talk.target.key is not None:
        console.print(f"Reference {talk.target.key.respondent} given: no name is stored.")
    warn_personal_data(answer)


def warn_personal_data(answer: Answer) -> None:
    """Evidence notes are not the place for details of a child: say so the moment one is typed."""
    found = session.personal_data_warning(answer)
    if found:
        # soft_wrap=False: rich wraps the warning at word boundaries, not the terminal mid-word
        err_console.print(
            f"[bold yellow]Warning:[/] {answer.question}: {escape(found)}. Notes are "
            "not the place for details of a child or family; go Back to change it, or mask it in "
            "exports with --redact.", soft_wrap=False)


def _say_saved(flow: InterviewFlow, target: Target, resume: str) -> None:
    progress = flow.progress()
    if target.key is None:
        console.print("Nothing was answered, so nothing is stored and no reference was given. "
                      "To start again, run:")
    else:
        console.print(f"Saved: {progress.answered} of {progress.total} questions answered. "
                      "To carry on, run:")
    console.print(escape(resume), soft_wrap=True)


def _review(talk: InterviewSession) -> str | None:
    """List what is left open, and let the respondent pick any question to revisit."""
    flow = talk.flow
    skipped, unsure = flow.unanswered(), flow.dont_know()
    console.print()
    console.print(f"[bold]Review[/]: {len(skipped)} unanswered, {len(unsure)} don't know.")
    for label, questions in (("Unanswered", skipped), ("Don't know", unsure)):
        for q in questions:
            console.print(f"  {label}: {q.id}  {escape(short(q.text))}")
    items = [(q.id, f"{q.id} [{short(shown, 30)}] {short(q.text, 50)}")
             for q, shown in talk.review_items()]
    return _prompts().ask_review(items)
