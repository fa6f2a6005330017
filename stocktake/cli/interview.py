"""`stocktake interview`: answering a bank, one question at a time or from a file.

The interview asks one question at a time (stocktake.cli.interview_screen, with
stocktake.interview.prompts), moves as stocktake.interview.session decides, and saves each answer
before the next prompt appears, so Ctrl-C or a closed laptop loses nothing that was answered.
Reading answers back is `stocktake answers` (cli/answers.py); moderating, `stocktake moderate`
(cli/moderate.py).

    stocktake interview E09000007 --bank idea-stocktake --respondent "Jo Bloggs" --role council
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.markup import escape

from stocktake.cli.app import app
from stocktake.cli.common import (check_wave, console, err_console, open_workspace,
                                  resolve_bank, state, stored_line)
from stocktake.errors import StocktakeError, UsageError

# The interview's screen and session load when a command runs, not for `--help`.
if TYPE_CHECKING:
    from stocktake.interview import session
    from stocktake.banks.model import Bank
    from stocktake.partnerships.model import Partnership
    from stocktake.store import Workspace


# ---------------------------------------------------------------- shared checks


def ensure_partnership(ws: Workspace, code: str) -> Partnership:
    """The workspace's partnership for CODE, added from the shipped list if it is not there yet."""
    from stocktake.interview import session
    from stocktake.cli.common import partnership_code

    partnership, added = session.partnership_or_add(ws, partnership_code(code, ws))
    if added:
        region = f", {partnership.region}" if partnership.region else ""
        console.print(f"Added {partnership.code} {escape(partnership.name)}{region} to the "
                      "workspace.")
    return partnership


def non_empty(value: str | None, option: str) -> str:
    """`value` stripped, refused (UsageError) when empty or holding what stored text may not."""
    from stocktake.text.text_rules import checked_text

    text = (value or "").strip()
    if not text:
        raise UsageError(f"{option} cannot be empty", hint=f"give {option} a value")
    try:
        return checked_text(text, option)
    except StocktakeError as exc:
        raise UsageError(exc.message, hint=f"give {option} without it")


_non_empty = non_empty  # the name the interview command calls


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
    from stocktake.cli.interview_screen import Target, run_interview
    from stocktake.interview import session
    from stocktake.records.responses import ResponseKey

    if answers_file is None and not sys.stdin.isatty():
        raise UsageError(
            "interview needs a terminal to ask questions, and stdin is not one",
            hint="run it in a terminal, or give the answers with --answers FILE "
                 "(CSV with header question,value,evidence)")
    bank = resolve_bank(bank_ref)
    bank.role(role)
    anonymous = bank.is_anonymous(role)
    band = session.check_anonymous_options(bank, role, respondent, reference, age_band_id)
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
    if checked is not None and answers_file is not None:  # read from the file: nothing asked
        from stocktake.cli.answers_intake import take_in_answers_file

        take_in_answers_file(ws, code, bank, role, wave, mode, adviser, respondent, checked,
                             answers_file, anonymous=lambda p: _anonymous_key(
                                 ws, bank, p, wave, role, reference, band, checked))
        return
    partnership = ensure_partnership(ws, code)
    _warn_district(partnership.code, role)
    meta: session.ResponseMeta = {"role": role, "mode": mode, "adviser": adviser,
                                  "bank_version": bank.version, "bank_hash": bank.hash}
    if anonymous:
        key, band = _anonymous_key(ws, bank, partnership.code, wave, role, reference, band,
                                   checked)
        target = Target(ws, partnership.code, bank.id, wave, meta, key,
                        prefix=bank.role(role).reference_prefix, age=band)
    else:
        assert respondent is not None, "a named role's --respondent is checked non-empty above"
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


def _anonymous_key(ws: Workspace, bank: Bank, code: str, wave: str, role: str,
                   reference: str | None, band, checked) -> tuple:
    """The key and age band of an anonymous respondent: an earlier one by reference, or (None,
    the band) for a new one, after the age band is asked (first of all questions). Nothing is
    stored: a new respondent's reference is chosen when the first answer is (`Target`)."""
    from stocktake.interview import session
    from stocktake.banks.model import AGE_BANDS

    if reference is not None:
        return session.anonymous_by_reference(ws, bank, code, wave, role, reference)
    if band is None:
        if checked is not None:
            raise UsageError("--age-band is needed")
        from stocktake.interview import prompts

        try:
            band_id = prompts.ask_age_band([(b.id, b.label) for b in AGE_BANDS])
        except EOFError:
            raise KeyboardInterrupt  # input closed before an age band: nothing is stored
        band = next(b for b in AGE_BANDS if b.id == band_id)
    return None, band


def resume_command(*, code: str, bank_ref: str, respondent: str | None, role: str, wave: str,
                   adviser: str = "", self_assessment: bool = False,
                   no_evidence: bool = False, anonymous: bool = False) -> str:
    """The exact command that resumes this interview, with the -w given, if any."""
    from stocktake.interview import session
    return session.resume_command(code=code, bank_ref=bank_ref, respondent=respondent,
                                  role=role, wave=wave, adviser=adviser,
                                  self_assessment=self_assessment, no_evidence=no_evidence,
                                  anonymous=anonymous, workspace=state.workspace)


def _warn_district(code: str, role: str) -> None:
    from stocktake.interview import session
    said = session.district_warning(code, role)
    if said:
        err_console.print(f"[yellow]Warning:[/] {said}")
