"""Real keystrokes for the interview's questionary prompts, queued through prompt_toolkit's pipe
input before the prompt reads them."""

from __future__ import annotations

from contextlib import contextmanager

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from stocktake.interview.prompts import Reply, ask_question
from stocktake.records.responses import Answer

# The bytes a terminal sends for these keys.
DOWN, UP, ENTER, SPACE, CTRL_C, BACKSPACE = "\x1b[B", "\x1b[A", "\r", " ", "\x03", "\x7f"


@contextmanager
def keys(typed: str):
    """Everything the user will type, queued up front; prompts read it as they come up."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(typed)
        yield


def ask(question, typed: str, current: Answer | None = None, **options) -> Reply:
    """`question` asked (with `current` as the answer so far) and answered by the keys `typed`."""
    with keys(typed):
        return ask_question(question, current, **options)
