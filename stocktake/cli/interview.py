"""`stocktake interview`, `answers` and `moderate`: answering a bank, reading it back, moderating.

The interview asks one question at a time (stocktake.interview.prompts), moves with stocktake.interview.flow's
flow, and saves each answer before the next prompt appears, so Ctrl-C or a closed laptop loses
nothing that was answered.

    stocktake interview E09000007 --bank idea-stocktake --respondent "Jo Bloggs" --role council
    stocktake answers E09000007 --json
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from stocktake.cli.common import (check_wave, console, err_console, open_workspace,  # noqa: F401
                                  print_json, resolve_bank, state, stored_line, stored_text)
from stocktake.cli.app import app
from stocktake.errors import StocktakeError, UsageError

if TYPE_CHECKING:
    from stocktake.banks.model import Bank, Question
    from stocktake.interview.flow import InterviewFlow
    from stocktake.partnerships.model import Partnership
    from stocktake.interview.prompts import Reply
    from stocktake.records.responses import Answer, ResponseKey
    from stocktake.store.workspace import Workspace

EXIT_INTERRUPTED = 130


# ---------------------------------------------------------------- shared checks


def ensure_partnership(ws: Workspace, code: str) -> Partnership:
    """The workspace's partnership for CODE, added from the shipped list if it is not there yet."""
    partnership = _listed_partnership(ws, code)
    if ws.find_partnership(partnership.code) is not None:
        return partnership
    ws.add_partnerships([partnership])
    region = f", {partnership.region}" if partnership.region else ""
    console.print(f"Added {partnership.code} {escape(partnership.name)}{region} to the workspace.")
    return partnership


def _non_empty(value: str | None, option: str) -> str:
    from stocktake.text.text_rules import checked_text

    text = (value or "").strip()
    if not text:
        raise UsageError(f"{option} cannot be empty", hint=f"give {option} a value")
    try:
        return checked_text(text, option)
    except StocktakeError as exc:
        raise UsageError(exc.message, hint=f"give {option} without it")


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


# ---------------------------------------------------------------- interview


@app.command("interview")
def interview(
    code: str = typer.Argument(..., metavar="CODE",
                               help="Partnership: GSS code, e.g. E09000007 for Camden.",
                               callback=stored_line),
    bank_ref: str = typer.Option(..., "--bank", metavar="BANK",
                                 help="Bank id (see `stocktake banks list`) or .toml path."),
    respondent: Optional[str] = typer.Option(
        None, "--respondent", metavar="NAME",
        help="Who is answering; one response per name and wave. Not for anonymous roles "
             "(children and young people), who get a reference instead.",
        callback=stored_line),
    reference: Optional[str] = typer.Option(
        None, "--reference", metavar="REF",
        help="Carry on an anonymous respondent's interview by its reference, e.g. YP-0007.",
        callback=stored_line),
    age_band_id: Optional[str] = typer.Option(
        None, "--age-band", metavar="BAND",
        help="Anonymous roles: the age band (under-11, 11-15, 16-18, 19-25); asked first "
             "when not given.", callback=stored_line),
    role: str = typer.Option(..., "--role", metavar="ROLE",
                             help="The respondent's role, one of the bank's roles.",
                             callback=stored_line),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current.",
                                       callback=stored_line),
    adviser: str = typer.Option("", "--adviser", metavar="NAME",
                                help="The improvement adviser conducting the interview.",
                                callback=stored_line),
    self_assessment: bool = typer.Option(False, "--self-assessment",
                                         help="Record as a self-assessment, not an interview."),
    answers_file: Optional[Path] = typer.Option(
        None, "--answers", metavar="FILE",
        help="Store answers from a CSV (question,value,evidence) or JSON file; no prompts."),
    no_evidence: bool = typer.Option(False, "--no-evidence",
                                     help="Do not ask for an evidence note after each answer."),
) -> None:
    """Interview one respondent, question by question, saving each answer as it is given.

    Run the same command again to resume at the first unanswered question; Ctrl-C keeps answers.

    Keys: arrows or the key shown, then Enter. Back, Skip, Jump and Save sit below the answers.

    Children and young people (an anonymous role) give no name: leave out --respondent and a
    reference such as YP-0007 is given; their age band is asked first.

    Example: stocktake interview E09000007 --bank idea-stocktake --respondent "Jo Bloggs" --role council
    """
    from stocktake.records.responses import ResponseKey

    if answers_file is None and not sys.stdin.isatty():
        raise UsageError(
            "interview needs a terminal to ask questions, and stdin is not one",
            hint="run it in a terminal, or give the answers with --answers FILE "
                 "(CSV with header question,value,evidence)")
    bank = resolve_bank(bank_ref)
    bank.role(role)
    anonymous = bank.is_anonymous(role)
    band = _check_anonymous_options(bank, role, respondent, reference, age_band_id)
    if not anonymous:
        respondent = _non_empty(respondent, "--respondent")
    wave = check_wave(wave)
    mode = "self-assessment" if self_assessment else "interview"
    adviser = adviser.strip()
    checked = None
    if answers_file is not None:
        from stocktake.interview.answers_file import read_answers_file

        if anonymous and reference is None and band is None:
            raise UsageError("--answers for an anonymous role needs --age-band",
                             hint="give the child's age band: under-11, 11-15, 16-18 or 19-25")
        # Checked whole before anything, the partnership included, is stored.
        checked = read_answers_file(bank, role, answers_file, age=band)
    ws = open_workspace()
    if checked is not None:
        _take_in_answers_file(ws, code, bank, role, wave, mode, adviser, respondent, reference,
                              band, checked, answers_file)  # a file: run again, nothing asked
        return
    partnership = ensure_partnership(ws, code)
    _warn_district(partnership.code, role)
    meta = {"role": role, "mode": mode, "adviser": adviser, "bank_version": bank.version,
            "bank_hash": bank.hash}
    if anonymous:
        key, band = _anonymous_key(ws, bank, partnership.code, wave, role, reference, band,
                                   checked)
        target = Target(ws, partnership.code, bank.id, wave, meta, key,
                        prefix=bank.role(role).reference_prefix, age=band)
    else:
        target = Target(ws, partnership.code, bank.id, wave, meta,
                        ResponseKey(partnership.code, bank.id, wave, respondent))

    def who() -> str:
        named = escape(target.key.respondent) if target.key else "a new respondent"
        return (f"{named} ({role}), {partnership.code} {escape(partnership.name)}, "
                f"{bank.id} {wave}")

    def resume() -> str:
        return resume_command(code=partnership.code, bank_ref=bank_ref,
                              respondent=target.key.respondent if target.key else None,
                              role=role, wave=wave, adviser=adviser,
                              self_assessment=self_assessment, no_evidence=no_evidence,
                              anonymous=anonymous)

    console.print(f"[bold]{escape(bank.title)}[/]: {who()}", soft_wrap=False)
    if anonymous:
        given = f"Reference {target.key.respondent}" if target.key else \
            "The reference is given with the first answer"
        console.print(f"{given}: no name is stored. Evidence notes are not asked for.")
    # Children are not asked for evidence notes: a note is where a name or a detail would go.
    run_interview(target, bank, ask_for_evidence=not no_evidence and not anonymous,
                  resume=resume)


def _take_in_answers_file(ws: Workspace, code: str, bank: Bank, role: str, wave: str,
                          mode: str, adviser: str, respondent: str | None,
                          reference: str | None, band, checked: list[Answer],
                          source: Path) -> None:
    """`interview --answers`: the checked file's answers stored through the intake
    (stocktake.returns.intake), the partnership added if missing, the notice recorded in the
    same write and shown."""
    from stocktake.interview.answers_file import check_answer_ages
    from stocktake.records.responses import now_iso
    from stocktake.returns.intake import Return, take_in

    partnership = _listed_partnership(ws, code)
    _warn_district(partnership.code, role)
    prefix = ""
    if bank.is_anonymous(role):
        key, band = _anonymous_key(ws, bank, partnership.code, wave, role, reference, band,
                                   checked)
        if key is not None:
            check_answer_ages(bank, checked, band, str(source))
            respondent = key.respondent
        else:
            prefix = bank.role(role).reference_prefix
    outcome = take_in(ws, [Return(
        partnership, bank, wave, role, mode, tuple(checked), source=str(source),
        respondent=respondent or "", reference_prefix=prefix,
        age_band=band.id if prefix and band else "", adviser=adviser, noticed_at=now_iso())])
    for added in outcome.partnerships_added:
        region = f", {added.region}" if added.region else ""
        console.print(f"Added {added.code} {escape(added.name)}{region} to the workspace.")
    if outcome.disk_full is not None:
        raise outcome.disk_full
    if outcome.refused:
        raise outcome.refused[0].error
    [stored] = outcome.stored
    console.print(f"Stored {len(checked)} answer{'' if len(checked) == 1 else 's'} for "
                  f"{escape(stored.key.respondent)} ({role}), {partnership.code} "
                  f"{escape(partnership.name)}, {bank.id} {wave}.")
    for answer in checked:
        _warn_personal_data(answer)
    shown = list(stored.earlier_notices)
    for qid in stored.called:
        if qid in stored.earlier_notices:
            continue
        _show_notice(bank, shown)
        shown.append(qid)


def _listed_partnership(ws: Workspace, code: str) -> Partnership:
    """The partnership CODE (or a listed authority's name) names: the workspace's, else the
    shipped list's, not stored here (`ensure_partnership` and the intake add it). A code in
    neither is refused with how to add it."""
    from stocktake.cli.common import partnership_code
    from stocktake.partnerships.model import partnership_for
    from stocktake.partnerships.reference import authority

    code = partnership_code(code, ws)
    found = ws.find_partnership(code)
    if found is not None:
        return found
    if authority(code) is None:
        raise StocktakeError(
            f"partnership {code} is not in the workspace {ws.root}, nor in the list of English "
            "children's services authorities",
            hint=f"add it first with `stocktake partnerships add {code} --name NAME`")
    return partnership_for(code)


def _show_notice(bank: Bank, shown: list[str]) -> None:
    """The bank's notice in full the first time a response calls for it; after that a line
    naming the questions it was shown for."""
    if shown:
        console.print(f"[bold red]Safeguarding:[/] this answer also calls for the notice shown "
                      f"earlier ({escape(', '.join(sorted(shown)))}). Follow it.")
    else:
        console.print(Panel(escape(bank.safeguarding_notice), title="Safeguarding notice",
                            title_align="left", border_style="bold red"), soft_wrap=False)


class Target:
    """Where one interview's answers go: the response under `key`, or, for a new anonymous
    respondent (`key` None), a reference chosen when the first answer is saved.

    The reference is chosen in the same locked write that stores that answer
    (`Workspace.save_answers_under_new_reference`): an interview abandoned before its first
    answer stores nothing and holds no reference, and two started at once in two terminals get
    different references. `age` is the age band given (children and young people).
    """

    def __init__(self, ws: Workspace, partnership: str, bank: str, wave: str,
                 meta: dict[str, str], key: ResponseKey | None, *, prefix: str = "",
                 age=None):
        self.ws, self.partnership, self.bank, self.wave = ws, partnership, bank, wave
        self.meta, self.key, self.prefix, self.age = meta, key, prefix, age

    def save(self, answers: list[Answer], notices: dict[str, str] | None = None, *,
             retry: bool = True):
        """Store `answers` (and `notices`) in one write; the stored Response.

        A workspace kept busy by another command past the lock timeout loses no answer: the
        respondent is told who holds it and asked to try again (the answer is kept in memory
        until then); only declining ends the interview, saying what was not stored."""
        from stocktake.store.locking import LockBusy

        while True:
            try:
                return self._save(answers, notices)
            except LockBusy as busy:
                if not retry:
                    raise
                err_console.print(f"[bold]Not saved yet:[/] {escape(busy.message)}")
                if not _prompts().ask_retry("Try saving this answer again?"):
                    raise StocktakeError(
                        f"{busy.message}; this last answer was not stored (every answer "
                        "before it was)",
                        hint="run the same interview again when that command has finished: it "
                             "carries on where you stopped") from None

    def _save(self, answers: list[Answer], notices: dict[str, str] | None = None):
        if self.key is not None:
            return self.ws.save_answers(self.key, answers, notices=notices, **self.meta)
        response = self.ws.save_answers_under_new_reference(
            self.partnership, self.bank, self.wave, self.prefix, answers,
            age_band=self.age.id if self.age else "", notices=notices, **self.meta)
        self.key = response.key
        return response


def _check_anonymous_options(bank: Bank, role: str, respondent: str | None,
                             reference: str | None, band_id: str | None):
    """The age band given (or None); refuses a name for an anonymous role, and the anonymous
    options for any other role, each with the reason."""
    from stocktake.banks.model import age_band

    title = bank.role(role).title
    if not bank.is_anonymous(role):
        for given, option in ((reference, "--reference"), (band_id, "--age-band")):
            if given is not None:
                raise UsageError(f"{option} is only for anonymous roles, and {role} ({title}) "
                                 "answers by name", hint="give --respondent NAME instead")
        return None
    if respondent is not None:
        raise UsageError(
            f"role {role} ({title}) answers anonymously: no name is taken, so --respondent "
            "is refused and nothing was stored",
            hint="leave out --respondent: a reference such as "
                 f"{bank.role(role).reference_prefix}-0001 is given; to carry on an earlier "
                 "interview give --reference")
    if reference is not None and band_id is not None:
        raise UsageError("--age-band is given once, when the interview starts",
                         hint="leave out --age-band when carrying on with --reference")
    return age_band(band_id.strip()) if band_id is not None else None


def _anonymous_key(ws: Workspace, bank: Bank, code: str, wave: str, role: str,
                   reference: str | None, band, checked) -> tuple:
    """The key and age band of an anonymous respondent: an earlier one by reference, or (None,
    the band) for a new one, after the age band is asked (first of all questions). Nothing is
    stored: a new respondent's reference is chosen when the first answer is (`Target`)."""
    from stocktake.banks.model import AGE_BANDS
    from stocktake.records.responses import ResponseKey

    prefix = bank.role(role).reference_prefix
    if reference is not None:
        reference = reference.strip().upper()
        if not re.fullmatch(rf"{re.escape(prefix)}-\d{{4,}}", reference):
            raise UsageError(f"--reference '{reference}' is not a reference of role {role}",
                             hint=f"references look like {prefix}-0007")
        key = ResponseKey(code, bank.id, wave, reference)
        found = ws.response(key)
        if found is None or found.role != role:
            raise StocktakeError(f"no {role} response {reference} for {code}, {bank.id} {wave}",
                                 hint="check the reference the interview gave at its start")
        return key, found.age
    if band is None:
        if checked is not None:
            raise UsageError("--age-band is needed")
        try:
            band_id = _prompts().ask_age_band([(b.id, b.label) for b in AGE_BANDS])
        except EOFError:
            raise KeyboardInterrupt  # input closed before an age band: nothing is stored
        band = next(b for b in AGE_BANDS if b.id == band_id)
    return None, band


def resume_command(*, code: str, bank_ref: str, respondent: str | None, role: str, wave: str,
                   adviser: str = "", self_assessment: bool = False,
                   no_evidence: bool = False, anonymous: bool = False) -> str:
    """The exact command that resumes this interview, quoted for a POSIX shell (for an
    anonymous respondent not yet given a reference, `respondent` None: the command that starts
    again)."""
    parts = ["stocktake"]
    if state.workspace is not None:
        parts += ["-w", str(state.workspace)]
    who = [] if respondent is None else \
        ["--reference", respondent] if anonymous else ["--respondent", respondent]
    parts += ["interview", code, "--bank", bank_ref, *who, "--role", role, "--wave", wave]
    if adviser:
        parts += ["--adviser", adviser]
    if self_assessment:
        parts.append("--self-assessment")
    if no_evidence:
        parts.append("--no-evidence")
    return shlex.join(parts)


def _warn_district(code: str, role: str) -> None:
    from stocktake.partnerships.reference import authority

    known = authority(code)
    if role == "district" and known is not None and not known.two_tier:
        err_console.print(
            f"[yellow]Warning:[/] {known.name} ({known.type or 'single-tier'}) has no district "
            "councils beneath it; district councils exist only under county councils (E10). "
            "Check the role.")


def run_interview(target: Target, bank: Bank, *, ask_for_evidence: bool = True,
                  resume: Callable[[], str] = str) -> bool:
    """Ask until the review's Finish or Save and quit; True if finished. Ctrl-C exits 130.
    `resume()` is the command that carries on, as it stands when it is shown."""
    from stocktake.interview.flow import BACK, JUMP, QUIT, SKIP, InterviewFlow
    from stocktake.records.responses import ANSWERED

    if target.key is None:  # a new anonymous respondent: nothing stored yet
        answers, age, notices = {}, target.age, {}
    else:
        response = target.ws.start_response(target.key, **target.meta)
        answers, age, notices = response.answers, response.age, dict(response.notices)
    flow = InterviewFlow(bank, target.meta["role"], answers, age)
    progress = flow.progress()
    if progress.answered:
        console.print(f"{progress.answered} of {progress.total} already answered; starting at "
                      "the first unanswered question.")
    question = flow.resume_point()
    reviewing = False
    shown_area: str | None = None
    try:
        while True:
            if question is None:
                revisit = _review(flow)
                if revisit is None:
                    break
                question, reviewing, shown_area = bank.question(revisit), True, None
            if question.area != shown_area:
                _render_area_header(flow, question.area)
                shown_area = question.area
            room, shortened = _render_question(flow, question)
            reply = _prompts().ask_question(question, flow.answers.get(question.id), room=room,
                                            offer_help=shortened)
            if reply.action == _prompts().HELP:
                _render_full_question(question)
                continue
            if reply.is_answer:
                _answer(target, flow, question, reply, ask_for_evidence)
                if reply.status == ANSWERED and question.calls_for_notice(reply.value):
                    _safeguarding_notice(target, bank, question, notices)
                question = None if reviewing else flow.next_after(question)
            elif reply.action == BACK:
                previous = flow.previous(question)
                if reviewing:
                    question = None
                elif previous is None:
                    console.print("[dim]This is the first question.[/]")
                else:
                    question = previous
            elif reply.action == SKIP:
                flow.skip(question)
                question = None if reviewing else flow.next_after(question)
            elif reply.action == JUMP:
                target_area = _prompts().ask_area(_area_choices(flow))
                if target_area is not None:
                    first = flow.first_in_area(target_area)
                    if first is None:
                        console.print("[dim]No questions in that area apply now.[/]")
                    else:
                        question, reviewing, shown_area = first, False, None
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


def _safeguarding_notice(target: Target, bank: Bank, question: Question,
                         notices: dict[str, str]) -> None:
    """Show the bank's notice the first time a marked answer is given in this response, and
    record when it was shown, by question; a later marked answer gets a one-line reminder.
    Only the question id and the time are kept: nothing beyond the answer itself."""
    from stocktake.records.responses import now_iso

    if question.id in notices:
        return
    _show_notice(bank, list(notices))
    shown = {question.id: now_iso()}
    target.save([], notices=shown)  # after the answer that called for it: the key is known
    notices.update(shown)


def _prompts():
    # questionary (and prompt_toolkit) load only when someone is about to be asked something.
    from stocktake.interview import prompts

    return prompts


def _answer(target: Target, flow: InterviewFlow, question: Question, reply: Reply,
            ask_for_evidence: bool) -> None:
    from stocktake.records.responses import Answer

    old = flow.answers.get(question.id)
    answer = Answer(question.id, reply.status, reply.value, evidence=old.evidence if old else "")
    _save(target, flow, answer)
    # Text answers carry their own explanation; asking for a note on top only slows people down.
    if ask_for_evidence and question.type != "text":
        note = _prompts().ask_evidence(answer.evidence)
        if note != answer.evidence:
            _save(target, flow, Answer(question.id, answer.status, answer.value, note))


def _save(target: Target, flow: InterviewFlow, answer: Answer) -> None:
    old = flow.answers.get(answer.question)
    if old is None or (old.status, old.value, old.evidence) != \
            (answer.status, answer.value, answer.evidence):
        new = target.key is None
        target.save([answer])
        if new:
            console.print(f"Reference {target.key.respondent} given: no name is stored.")
        _warn_personal_data(answer)
    flow.record(answer)


def _warn_personal_data(answer: Answer) -> None:
    """Evidence notes are not the place for details of a child: say so the moment one is typed."""
    from stocktake.privacy.personal_data import describe, find_personal_data

    texts = [answer.evidence] + ([answer.value] if isinstance(answer.value, str) else [])
    findings = [f for text in texts if text for f in find_personal_data(text)]
    if findings:
        # soft_wrap=False: rich wraps the warning at word boundaries, not the terminal mid-word
        err_console.print(
            f"[bold yellow]Warning:[/] {answer.question}: {escape(describe(findings))}. Notes are "
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


# ---------------------------------------------------------------- rendering


def _render_area_header(flow: InterviewFlow, area_id: str) -> None:
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


def _render_question(flow: InterviewFlow, question: Question) -> tuple[int | None, bool]:
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
    needed = _prompts().prompt_lines(question, width=width)
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


def _render_full_question(question: Question) -> None:
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
    _prompts().press_enter("Press Enter to go back to the question")


def _area_choices(flow: InterviewFlow) -> list[tuple[str, str]]:
    choices = []
    for row in flow.summary():
        done = row.applicable - row.unanswered
        choices.append((row.area.id, f"{row.area.title} ({done} of {row.applicable} answered)"))
    return choices


def _review(flow: InterviewFlow) -> str | None:
    """List what is left open, and let the respondent pick any question to revisit."""
    from stocktake.banks.answer_values import describe_value

    skipped, unsure = flow.unanswered(), flow.dont_know()
    console.print()
    console.print(f"[bold]Review[/]: {len(skipped)} unanswered, {len(unsure)} don't know.")
    for label, questions in (("Unanswered", skipped), ("Don't know", unsure)):
        for q in questions:
            console.print(f"  {label}: {q.id}  {escape(_short(q.text))}")
    items = []
    first = [q.id for q in skipped + unsure]
    ordered = skipped + unsure + [q for q in flow.applicable() if q.id not in first]
    for q in ordered:
        answer = flow.answers.get(q.id)
        shown = "unanswered" if answer is None else \
            describe_value(q, answer.status, answer.value)
        items.append((q.id, f"{q.id} [{_short(shown, 30)}] {_short(q.text, 50)}"))
    return _prompts().ask_review(items)


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_table(flow: InterviewFlow) -> Table:
    """What was answered in each area, and this respondent's own area score and level."""
    from stocktake.records.responses import Response, ResponseKey
    from stocktake.scoring.method import respondent_area_scores

    own = Response(ResponseKey("", flow.bank.id, "", ""), flow.role, answers=flow.answers)
    scores = {s.area: s for s in respondent_area_scores(flow.bank, own)}
    table = Table(title="Summary", title_justify="left")
    table.add_column("area")
    for name in ("questions", "answered", "n/a", "don't know", "unanswered", "score"):
        table.add_column(name, justify="right")
    table.add_column("level")
    for row in flow.summary():
        area_score = scores.get(row.area.id)
        score = area_score.score if area_score else None
        band = flow.bank.band_for(score)
        shown = f"{score:.1f}" if score is not None else ("withheld" if area_score and
                                                          area_score.withheld else "-")
        table.add_row(escape(row.area.title), str(row.applicable), str(row.answered),
                      str(row.not_applicable), str(row.dont_know), str(row.unanswered), shown,
                      band.label if band else "")
    return table


# ---------------------------------------------------------------- answers


@app.command("answers")
def answers(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership: GSS code."),
    bank_ref: str = typer.Option("idea-stocktake", "--bank", metavar="BANK",
                                 help="Bank id or .toml path."),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current."),
    respondent: Optional[str] = typer.Option(None, "--respondent", metavar="NAME",
                                             help="Only this respondent's answers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Show the answers stored for a partnership, bank and wave.

    Example: stocktake answers E09000007 --bank idea-stocktake --json
    """
    from stocktake.banks.answer_values import describe_value
    from stocktake.cli.common import partnership_code

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace(create=False)
    code = partnership_code(code, ws)
    responses = [r for r in ws.responses(code, bank.id, wave)
                 if respondent is None or r.key.respondent == respondent.strip()]
    if not responses and ws.find_partnership(code) is None:
        ws.partnership(code)  # raises: not in the workspace, with the `partnerships add` hint
    responses.sort(key=lambda r: r.key.respondent.lower())
    order = {q.id: i for i, q in enumerate(bank.questions)}
    rows = []
    for response in responses:
        for answer in sorted(response.answers.values(),
                             key=lambda a: (order.get(a.question, len(order)), a.question)):
            rows.append((response, answer))
    if as_json:
        print_json([{**response.key.as_dict(), "role": response.role,
                     "question": answer.question, "value": answer.value,
                     "status": answer.status, "evidence": answer.evidence,
                     "answered_at": answer.answered_at} for response, answer in rows])
        return
    if not rows:
        who = f" from {respondent}" if respondent else ""
        console.print(f"No answers{escape(who)} stored for {code}, {bank.id} {wave}.")
        return
    # One table per respondent, one line per answer: a listing to scan, not to read in full.
    by_respondent: dict[str, list] = {}
    for response, answer in rows:
        by_respondent.setdefault(response.key.respondent, []).append((response, answer))
    for name, items in by_respondent.items():
        role = items[0][0].role
        table = Table(title=f"{escape(name)} ({role}): {code}, {bank.id} {wave}, "
                            f"{len(items)} answers", title_justify="left", expand=True)
        wide = console.width >= 110  # the timestamp column only where it fits
        table.add_column("question", no_wrap=True, min_width=20)
        table.add_column("answer", ratio=3, no_wrap=True, overflow="ellipsis", min_width=12)
        table.add_column("evidence", ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)
        if wide:
            table.add_column("answered (UTC)", no_wrap=True)
        for response, answer in items:
            shown = describe_value(bank.question(answer.question), answer.status, answer.value) \
                if bank.has_question(answer.question) else str(answer.value)
            cells = [answer.question, escape(shown), escape(answer.evidence)]
            if wide:
                cells.append(answer.answered_at[:16].replace("T", " "))
            table.add_row(*cells)
        console.print(table, soft_wrap=False)


# ---------------------------------------------------------------- moderation


@app.command("moderate")
def moderate(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership: GSS code.",
                               callback=stored_line),
    bank_ref: str = typer.Option(..., "--bank", metavar="BANK", help="Bank id or .toml path."),
    area: str = typer.Option(..., "--area", metavar="AREA", help="Area id, e.g. vision.",
                             callback=stored_line),
    score: float = typer.Option(..., "--score", metavar="N", help="The adviser's score, 0 to 100."),
    reason: str = typer.Option(..., "--reason", metavar="TEXT", help="Why, in a sentence or two.",
                               callback=stored_text),
    adviser: str = typer.Option(..., "--adviser", metavar="NAME", help="Who moderated.",
                                callback=stored_line),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current.",
                                       callback=stored_line),
) -> None:
    """Record an adviser's moderated score for one area, kept beside the self-assessment.

    Example: stocktake moderate E09000007 --bank idea-stocktake --area vision --score 55 --reason "Vision not yet known to front-line staff" --adviser "A. Adviser"
    """
    import math

    from stocktake.records.responses import Moderation

    bank = resolve_bank(bank_ref)
    found = bank.area(area.strip())
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise UsageError(f"--score {_number_text(score)} is out of range",
                         hint="give a score from 0 to 100")
    reason = _non_empty(reason, "--reason")
    adviser = _non_empty(adviser, "--adviser")
    wave = check_wave(wave)
    ws = open_workspace()
    partnership = ensure_partnership(ws, code)
    from stocktake.cli.evidence import show_area_evidence  # the figures before the judgement
    show_area_evidence(partnership.code, bank, found, wave)
    earlier = [m for m in ws.moderations(partnership.code, bank.id, wave) if m.area == found.id]
    stored = ws.add_moderation(Moderation(partnership.code, bank.id, wave, found.id, score,
                                          reason, adviser))
    console.print(f"Stored moderation: {partnership.code} {escape(partnership.name)}, {bank.id} "
                  f"{wave}, {escape(found.title)} ({found.id}) scored {_number_text(score)} by "
                  f"{escape(adviser)} at {stored.moderated_at}.")
    note = f"; it is now the latest of {len(earlier) + 1} for this area" if earlier else ""
    console.print(f"The respondents' own answers are unchanged{note}.")
