"""Questionary rendering of one question, and the small prompts around it (evidence, areas, review).

The only module that imports questionary. Every prompt is asked with `unsafe_ask()`, so Ctrl-C
raises KeyboardInterrupt to the caller (questionary's `ask()` would swallow it and return None,
which looks like an answer); the caller has already saved every earlier answer.

    reply = ask_question(bank.question("vision.has-statement"), current=None)
    if reply.action == "answer":
        ws.save_answer(key, Answer(question.id, reply.status, reply.value), role="council")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from stocktake.banks.answer_values import BadValue, exclusive_conflict, format_value, parse_answer
from stocktake.banks.model import Question
from stocktake.interview.flow import BACK, JUMP, QUIT, SKIP
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer

if TYPE_CHECKING:
    from prompt_toolkit.input import Input

ANSWER = "answer"
# Not a move: "show me the whole question" (guidance and level texts shortened to fit a small
# terminal). Offered as the `?` choice only when something was shortened.
HELP = "help"
HELP_KEY = "?"
HELP_TITLE = "Show the full guidance and choices (press ?)"

# Shortcut keys: a letter per navigation choice, digits then spare letters for levels and options.
NAV_KEYS = {BACK: "b", SKIP: "s", JUMP: "j", QUIT: "q"}
NAV_TITLES = {BACK: "Back", SKIP: "Skip for now", JUMP: "Jump to area...", QUIT: "Save and quit"}
STATUS_KEYS = {NOT_APPLICABLE: "a", DONT_KNOW: "d"}
# Beside "? Your answer", on the prompt's one line at 80 columns: a hint that wraps takes a line
# the choices were counted to have, and the question's first line scrolls away. How to move
# with Back or Skip is said where it matters, if a move is ticked with an option.
MULTI_INSTRUCTION = "(Space to tick, Enter to confirm)"
SELECT_INSTRUCTION = "(arrow keys or the key shown, then Enter)"
STATUS_TITLES = {NOT_APPLICABLE: "Not applicable", DONT_KNOW: "Don't know"}
YESNO = (("yes", "Yes", "y"), ("no", "No", "n"))
ANSWER_KEYS = [*"123456789", *"cefghilmoprtuvwxz"]  # none of the letters above

# Typed commands for text and number prompts, where a list of choices would get in the way.
TYPED_NAV = {":back": BACK, ":skip": SKIP, ":jump": JUMP, ":quit": QUIT}
TYPED_STATUS = {":na": NOT_APPLICABLE, ":dk": DONT_KNOW}
# questionary gives a choice whose value is None its title instead, so "nothing" needs a token.
_NONE = ("none",)


@dataclass(frozen=True)
class Reply:
    """What the respondent did: answered (with status and value), or one of the navigation moves."""

    action: str  # "answer", or back | skip | jump | quit
    status: str | None = None
    value: Any = None

    @property
    def is_answer(self) -> bool:
        return self.action == ANSWER


# ---------------------------------------------------------------- input typed ahead
#
# A terminal without bracketed paste sends a pasted "line one<CR>line two<CR>" as if typed:
# the first Enter accepts the prompt and the rest would answer the next question. Input that
# arrives before a question is drawn answers nothing (it is dropped, prompt_toolkit's typeahead
# store and the terminal's queue alike), and a free-text prompt (an evidence note, a text
# answer) takes a paste whole: what follows its Enter at once is more of the same text.


class _StdinKey:
    """What prompt_toolkit's typeahead store keys stdin by (Vt100Input.typeahead_hash)."""

    def __init__(self, fd: int):
        self.fd = fd

    def typeahead_hash(self) -> str:
        return f"fd-{self.fd}"


def _stdin_fd() -> int | None:
    import os
    import sys

    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def _pending_text(fd: int, wait: float = 0.0) -> str:
    """What has arrived on the terminal and not been read: prompt_toolkit's typeahead (keys it
    read past the Enter that accepted the last prompt), then the terminal's queue, read without
    waiting for a whole line."""
    import os
    import select

    from prompt_toolkit.input.typeahead import get_typeahead

    # get_typeahead reads nothing of its Input but typeahead_hash(); the key alone looks up
    # what the last prompt's terminal Input stored, with no second Input opened on stdin.
    text = "".join(k.data for k in get_typeahead(cast("Input", _StdinKey(fd))))
    chunks = []
    try:
        import termios
        import tty

        saved = termios.tcgetattr(fd)
    except (ImportError, OSError):
        return text
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        while select.select([fd], [], [], wait)[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            chunks.append(chunk)
            wait = 0.02  # the rest of a paste arrives together
    except OSError:
        pass
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return text + b"".join(chunks).decode("utf-8", "replace")


def discard_typed_ahead() -> str:
    """Drop input that arrived before the next prompt is drawn; returns it (for tests and a
    note to the user). Nothing happens where stdin is no terminal."""
    fd = _stdin_fd()
    if fd is None:
        return ""
    return _pending_text(fd)


def _rest_of_paste() -> str:
    """The lines that followed a free-text prompt's Enter at once, as text: line ends as LF,
    escape sequences and other control characters dropped."""
    import re

    fd = _stdin_fd()
    if fd is None:
        return ""
    raw = _pending_text(fd, wait=0.05)
    raw = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b.", "", raw).replace("\r\n", "\n")
    raw = raw.replace("\r", "\n")
    return "".join(ch for ch in raw if ch in "\n\t" or ch >= " " and ch != "\x7f").strip("\n")


def ask_question(question: Question, current: Answer | None = None, *,
                 can_skip: bool = True, message: str = "Your answer", room: int | None = None,
                 offer_help: bool = False) -> Reply:
    """Ask one question by its type; `current` preselects an earlier answer.

    `can_skip` is False for required questions: they can be answered not applicable or don't know
    but not left for later. `room` is the number of terminal lines the prompt may take (None:
    as many as it needs); a list of choices taller than that drops its separators and shortens
    long choices at a word, and then offers the `?` choice (Reply(HELP)), as it does when
    `offer_help` says the caller shortened something too.
    """
    discard_typed_ahead()
    can_skip = can_skip and not question.required
    if question.type == "multi":
        return _ask_multi(question, current, can_skip, message, room, offer_help)
    if question.type in ("number", "text"):
        return _ask_typed(question, current, can_skip, message)
    return _ask_select(question, current, can_skip, message, room, offer_help)


def prompt_lines(question: Question, *, can_skip: bool = True, width: int | None = None) -> int:
    """How many terminal lines asking `question` takes in full: the prompt line, every choice
    wrapped to `width` (the terminal's by default), separators and moves, and a line for a
    validation message."""
    can_skip = can_skip and not question.required
    if question.type in ("number", "text"):
        return 2
    indent = 5 if question.type == "multi" else 6
    titles = [title for _, title in _answer_choices(question)]
    return 1 + _head_lines(question, width) + \
        sum(len(_wrapped(t, indent, width).split("\n")) for t in titles) + \
        _extra_lines(question, can_skip, compact=False)


def _head_lines(question: Question, width: int | None = None, message: str = "Your answer"
                ) -> int:
    """The lines the prompt's own line takes ("? Your answer" and its hint), wrapped by the
    terminal at `width` columns: counted, so a hint that wraps does not push the question's
    first line off the top."""
    import math
    import shutil

    columns = width or shutil.get_terminal_size((100, 24)).columns
    hint = MULTI_INSTRUCTION if question.type == "multi" else SELECT_INSTRUCTION
    return max(1, math.ceil(len(f"? {message} {hint}") / max(1, columns)))


def _extra_lines(question: Question, can_skip: bool, compact: bool, help_line: bool = False
                 ) -> int:
    statuses = 2 if question.scored else 0
    separators = 0 if compact else (2 if question.scored else 1)
    return statuses + separators + (4 if can_skip else 3) + (1 if help_line else 0)


def _fitted_titles(question: Question, titles: list[str], can_skip: bool, room: int | None,
                   offer_help: bool, indent: int) -> tuple[list[str], bool, bool]:
    """(choice titles, compact, help offered): wrapped in full when they fit in `room` lines,
    else without separators and, if still too tall, each cut at a word to as many lines as
    fit (at least one), ending in an ellipsis."""
    full = [_wrapped(t, indent) for t in titles]
    if room is None:
        return full, False, offer_help
    lines = [f.split("\n") for f in full]
    head = 1 + _head_lines(question)
    if head + sum(map(len, lines)) + _extra_lines(question, can_skip, False, offer_help) <= room:
        return full, False, offer_help
    if head + sum(map(len, lines)) + _extra_lines(question, can_skip, True, offer_help) <= room:
        return full, True, offer_help
    space = room - head - _extra_lines(question, can_skip, True, True)
    most = max(map(len, lines))
    while most > 1 and sum(min(len(w), most) for w in lines) > space:
        most -= 1
    return [_shortened(w, most, indent) for w in lines], True, True


def _shortened(lines: list[str], most: int, indent: int) -> str:
    if len(lines) <= most:
        return ("\n").join(lines)
    import shutil
    import textwrap

    width = max(30, shutil.get_terminal_size((100, 24)).columns - indent - 1)
    kept = [line.strip() for line in lines[:most]]
    rest = " ".join([kept[-1]] + [line.strip() for line in lines[most:]])
    kept[-1] = textwrap.shorten(rest, width, placeholder=" ...")
    return ("\n" + " " * indent).join(kept)


def ask_age_band(bands: list[tuple[str, str]]) -> str:
    """A child's age band from (id, label) pairs, asked before any question; Ctrl-C to stop."""
    import questionary
    from questionary import Choice

    choices = [Choice(label, value=band_id, shortcut_key=ANSWER_KEYS[i])
               for i, (band_id, label) in enumerate(bands)]
    discard_typed_ahead()
    return questionary.select("How old are you?", choices=choices, use_shortcuts=True,
                              use_jk_keys=False,
                              instruction="(arrow keys or the number, then Enter)").unsafe_ask()


def ask_evidence(current: str = "") -> str:
    """An optional evidence note; Enter keeps what is there (nothing, the first time)."""
    import questionary

    from stocktake.text.text_rules import text_problem

    def valid(text: str) -> bool | str:
        problem = text_problem(text)  # it must come back from a workbook as typed
        return f"The text {problem}" if problem else True

    discard_typed_ahead()
    note = questionary.text("Evidence note", default=current or "", validate=valid,
                            instruction="(optional: where the evidence is; Enter to skip)"
                            ).unsafe_ask()
    note = "\n".join(part for part in ((note or "").strip(), _rest_of_paste()) if part)
    problem = text_problem(note)
    if problem:  # the pasted lines made it unstorable: ask again, showing why
        print(f"The text {problem}; type the note again")
        return ask_evidence(current)
    return note


def ask_retry(message: str) -> bool:
    """Yes (the default, Enter) or no."""
    import questionary

    discard_typed_ahead()
    return bool(questionary.confirm(message, default=True).unsafe_ask())


def press_enter(message: str) -> None:
    """Wait for Enter (any key) before going on."""
    import questionary

    discard_typed_ahead()
    questionary.press_any_key_to_continue(message).unsafe_ask()


def ask_area(areas: list[tuple[str, str]]) -> str | None:
    """Pick an area from (id, label) pairs; None to stay where you are."""
    import questionary
    from questionary import Choice, Separator

    choices: list[Any] = [Choice(label, value=area_id) for area_id, label in areas]
    choices += [Separator(), Choice("Cancel", value=_NONE)]
    discard_typed_ahead()
    picked = questionary.select("Jump to which area?", choices=choices,
                                instruction="(arrow keys, Enter to choose)").unsafe_ask()
    return None if picked == _NONE else picked


def ask_review(items: list[tuple[str, str]]) -> str | None:
    """Pick a question to revisit from (id, label) pairs; None for Finish."""
    import questionary
    from questionary import Choice, Separator

    choices: list[Any] = [Choice("Finish", value=_NONE), Separator()]
    choices += [Choice(label, value=qid) for qid, label in items]
    discard_typed_ahead()
    picked = questionary.select("Revisit an answer, or finish", choices=choices,
                                instruction="(arrow keys, Enter to choose)").unsafe_ask()
    return None if picked == _NONE else picked


# ---------------------------------------------------------------- by question type


def _answer_choices(question: Question) -> list[tuple[Any, str]]:
    if question.type == "scale":
        return [(level, text) for level, text in enumerate(question.levels, start=1)]
    if question.type == "yesno":
        return [(value, title) for value, title, _ in YESNO]
    return [(opt.id, opt.label) for opt in question.options]


def _extra_choices(question: Question, can_skip: bool, compact: bool = False,
                   help_choice: bool = False) -> list[Any]:
    """After a separator: N/A and don't know for scored questions, then the navigation moves;
    `compact` (a small terminal) leaves the separators out, `help_choice` adds `?`."""
    from questionary import Choice, Separator

    extra: list[Any] = [] if compact else [Separator()]
    if question.scored:
        extra += [Choice(STATUS_TITLES[s], value=("status", s), shortcut_key=STATUS_KEYS[s])
                  for s in (NOT_APPLICABLE, DONT_KNOW)]
        if not compact:
            extra.append(Separator())
    if help_choice:
        # questionary takes only letters and digits as shortcuts; `?` is bound by _with_help_key
        extra.append(Choice(HELP_TITLE, value=("nav", HELP), shortcut_key=False))
    for move in (BACK, SKIP, JUMP, QUIT):
        if move == SKIP and not can_skip:
            continue
        extra.append(Choice(NAV_TITLES[move], value=("nav", move), shortcut_key=NAV_KEYS[move]))
    return extra


def _with_help_key(prompt: Any, offered: bool, result: Any = ("nav", HELP)) -> Any:
    """`?` answers the prompt with the help move, where the help choice is offered."""
    if not offered:
        return prompt
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add(HELP_KEY, eager=True)
    def _help(event) -> None:
        event.app.exit(result=result)

    app = prompt.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings \
        else keys
    return prompt


def _wrapped(title: str, indent: int = 6, width: int | None = None) -> str:
    """A long level or option folded to the terminal's width under its first line.

    questionary crops each choice at the edge of the screen, and a level descriptor cut off
    half-way is a different question.
    """
    import shutil
    import textwrap

    columns = width or shutil.get_terminal_size((100, 24)).columns
    width = max(30, columns - indent - 1)
    lines = textwrap.wrap(" ".join(title.split()), width) or [title]
    return ("\n" + " " * indent).join(lines)


def _reply_from(choice: Any) -> Reply:
    kind, payload = choice
    if kind == "nav":
        return Reply(payload)
    if kind == "status":
        return Reply(ANSWER, payload, None)
    return Reply(ANSWER, ANSWERED, payload)


def _current_choice(current: Answer | None) -> Any:
    if current is None:
        return None
    if current.status in (NOT_APPLICABLE, DONT_KNOW):
        return ("status", current.status)
    return ("answer", current.value)


def _ask_select(question: Question, current: Answer | None, can_skip: bool,
                message: str, room: int | None = None, offer_help: bool = False) -> Reply:
    import questionary
    from questionary import Choice

    choices: list[Any] = []
    yesno_keys = {value: key for value, _, key in YESNO}
    answers = _answer_choices(question)
    titles, compact, help_choice = _fitted_titles(question, [t for _, t in answers], can_skip,
                                                  room, offer_help, indent=6)
    for i, ((value, _), title) in enumerate(zip(answers, titles)):
        key = yesno_keys[value] if question.type == "yesno" else ANSWER_KEYS[i]
        choices.append(Choice(title, value=("answer", value), shortcut_key=key))
    choices += _extra_choices(question, can_skip, compact, help_choice)
    default = _current_choice(current)
    values = [getattr(c, "value", object()) for c in choices]
    answer = _with_help_key(questionary.select(
        message, choices=choices, default=default if default in values else None,
        use_shortcuts=True, use_jk_keys=False,
        instruction=SELECT_INSTRUCTION), help_choice).unsafe_ask()
    return _reply_from(answer)


def _ask_multi(question: Question, current: Answer | None, can_skip: bool,
               message: str, room: int | None = None, offer_help: bool = False) -> Reply:
    import questionary
    from questionary import Choice, Separator

    chosen = set(current.value or []) if current and current.status == ANSWERED else set()
    titles, compact, help_choice = _fitted_titles(
        question, [opt.label for opt in question.options], can_skip, room, offer_help, indent=5)
    choices: list[Any] = [Choice(title, value=("answer", opt.id), checked=opt.id in chosen)
                          for opt, title in zip(question.options, titles)]
    # Shortcut keys mean nothing in a checkbox; strip them so the titles read cleanly.
    for extra in _extra_choices(question, can_skip, compact, help_choice):
        if not isinstance(extra, Separator):  # a Separator is a Choice too
            extra = Choice(extra.title, value=extra.value,
                           checked=current is not None and extra.value == _current_choice(current))
        choices.append(extra)

    def valid(picked: list) -> bool | str:
        options = [p for p in picked if p[0] == "answer"]
        others = [p for p in picked if p[0] != "answer"]
        if others and (options or len(others) > 1):
            return "Tick options, or tick one of the lines below them on its own"
        if not picked:
            return "Tick at least one option with Space" + (", or tick Skip for now"
                                                            if can_skip else "")
        conflict = exclusive_conflict(question, [p[1] for p in options])
        if conflict:
            return conflict[0].upper() + conflict[1:]
        return True

    prompt = questionary.checkbox(message, choices=choices, validate=valid,
                                  instruction=MULTI_INSTRUCTION)
    # questionary's own echo says "done (2 selections)"; the prompt is erased instead and the
    # options chosen are echoed by their labels, as a select echoes its choice.
    prompt.application.erase_when_done = True
    picked = _with_help_key(prompt, help_choice, [("nav", HELP)]).unsafe_ask()
    options = [p[1] for p in picked if p[0] == "answer"]
    if options:
        _echo(message, multi_echo(question, options))
        return Reply(ANSWER, ANSWERED, options)
    if picked[0] != ("nav", HELP):
        _echo(message, next(c.title for c in choices
                            if not isinstance(c, Separator) and c.value == picked[0]))
    return _reply_from(picked[0])


def multi_echo(question: Question, options: list[str]) -> str:
    """What the line left after a multi answer says: the chosen options' labels, in the
    bank's order of the ticks, joined by "; " (a label may hold a comma)."""
    return "; ".join(" ".join(opt.label.split()) if (opt := question.option(o)) else o
                     for o in options)


def _echo(message: str, answer: str) -> None:
    """The answered prompt's line, as questionary draws it ("? Your answer ..."), wrapped at
    words to the terminal's width."""
    import shutil
    import textwrap

    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from questionary.constants import DEFAULT_QUESTION_PREFIX, DEFAULT_STYLE

    head = f"{DEFAULT_QUESTION_PREFIX} {message} "
    width = max(30, shutil.get_terminal_size((100, 24)).columns - 1)
    lines = textwrap.wrap(head + answer, width, subsequent_indent="  ") or [head]
    rest = "\n".join([lines[0][len(head):]] + lines[1:])
    print_formatted_text(FormattedText([
        ("class:qmark", DEFAULT_QUESTION_PREFIX), ("class:question", f" {message} "),
        ("class:answer", rest)]), style=DEFAULT_STYLE)


def typed_reply(question: Question, text: str, *, can_skip: bool = True) -> Reply:
    """A typed line as a reply: a `:command`, or a value parsed as in files (else BadValue)."""
    word = text.strip()
    lowered = word.lower()
    can_skip = can_skip and not question.required
    or_skip = ", or :skip to come back to it later" if can_skip else ""
    if lowered in TYPED_NAV:
        move = TYPED_NAV[lowered]
        if move == SKIP and not can_skip:
            raise BadValue("this question is required: answer it"
                           + (", or type :na or :dk" if question.scored else ""))
        return Reply(move)
    if not word:
        raise BadValue("type an answer" + or_skip)
    if lowered in TYPED_STATUS:
        status, value = TYPED_STATUS[lowered], None
    else:
        status, value = parse_answer(question, word)
    if status != ANSWERED and not question.scored:
        # Not offered for unscored questions, so "n/a" typed there is refused like ":na".
        raise BadValue(f"{STATUS_TITLES[status]} is only for scored questions; type an answer"
                       + or_skip)
    return Reply(ANSWER, status, value)


def typed_instruction(question: Question, can_skip: bool) -> str:
    """The hint beside a typed prompt: the number's bounds and the commands it takes."""
    bounds = ""
    if question.type == "number":
        low = format_value(question, question.min) if question.min is not None else ""
        high = format_value(question, question.max) if question.max is not None else ""
        unit = f" {question.unit}" if question.unit else ""
        if low or high:
            bounds = f"{low or '...'} to {high or '...'}{unit}; "
    commands = [":back"] + ([":skip"] if can_skip else []) + [":jump", ":quit"]
    if question.scored:
        commands = [":na", ":dk"] + commands
    return f"({bounds}or type {' '.join(commands)})"


def _ask_typed(question: Question, current: Answer | None, can_skip: bool,
               message: str) -> Reply:
    import questionary

    default = ""
    if current is not None:
        default = {NOT_APPLICABLE: ":na", DONT_KNOW: ":dk"}.get(
            current.status, format_value(question, current.value))

    def valid(text: str) -> bool | str:
        from stocktake.text.text_rules import text_problem

        try:
            typed_reply(question, text, can_skip=can_skip)
        except BadValue as exc:
            return str(exc)
        problem = text_problem(text)  # it must come back from a workbook as typed
        return f"The text {problem}" if problem else True

    text = questionary.text(message, default=default, validate=valid,
                            instruction=typed_instruction(question, can_skip)).unsafe_ask()
    if question.type == "text" and not str(text or "").strip().startswith(":"):
        whole = "\n".join(p for p in (str(text or "").strip(), _rest_of_paste()) if p)
        if valid(whole) is True:  # a paste taken whole; else the first line, as typed
            text = whole
    return typed_reply(question, text, can_skip=can_skip)

