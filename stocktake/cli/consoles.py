"""The two consoles every command prints through (stdout and stderr), escaping control
characters in whatever they render."""

from __future__ import annotations

import threading

from rich.console import Console
from rich._wrap import divide_line
from rich.containers import Lines
from rich.segment import Segment
from rich.text import Text

from stocktake.text.terminal_text import escape_controls


class SafeConsole(Console):
    """A rich Console that escapes control characters in every piece of text it renders (user
    text included, wherever it is placed: tables, panels, errors), leaving rich's own styling
    codes alone, so nothing printed can drive the terminal."""

    _rendering = threading.local()

    def print(self, *objects, sep=" ", soft_wrap=None, crop=True, markup=None, **kwargs):
        # In a terminal, sentences wrap at words to its width (issue 26: a line the terminal
        # wraps itself breaks mid-word); a word longer than a whole line (a long path, an id)
        # is left whole on its own line, never folded or cropped, so it can still be copied.
        # Into a pipe or a file, a sentence stays on one line (soft wrap), whole for grep and
        # for scripts, as it always was. An explicit soft_wrap keeps rich's own meaning
        # (False: wrapped by rich, folding a word longer than the line).
        if soft_wrap is None:
            soft_wrap = not self.is_terminal
            if not soft_wrap and objects and all(isinstance(o, (str, Text)) for o in objects):
                texts = [self.render_str(o, markup=markup) if isinstance(o, str) else o
                         for o in objects]
                objects = (_Sentence(Text(sep).join(texts)),)
                crop = False
        return super().print(*objects, sep=sep, soft_wrap=soft_wrap, crop=crop, markup=markup,
                             **kwargs)

    def render(self, renderable, options=None):
        # Rich renders nested renderables through this method too; escaping once, at the top,
        # keeps the cost to one pass over the segments (measured: within noise of rich's own).
        if getattr(self._rendering, "active", False):
            return super().render(renderable, options)
        return self._escaped(super().render(renderable, options))

    def _escaped(self, segments):
        self._rendering.active = True
        try:
            for segment in segments:
                if segment.control is None and segment.text:
                    escaped = escape_controls(segment.text)
                    if escaped is not segment.text:
                        segment = Segment(escaped, segment.style, segment.control)
                yield segment
        finally:
            self._rendering.active = False


class _Sentence:
    """Text printed as a sentence: wrapped at spaces only (WholeWords). Not a Text itself, so
    rich does not join it into a plain Text on the way and lose the wrapping rule."""

    def __init__(self, text: Text):
        self.text = WholeWords(justify=text.justify, overflow=text.overflow,
                               no_wrap=text.no_wrap, end=text.end)
        self.text.append_text(text)

    def __rich_console__(self, console, options):
        return self.text.__rich_console__(console, options)

    def __rich_measure__(self, console, options):
        return self.text.__rich_measure__(console, options)


class WholeWords(Text):
    """Text wrapped at spaces only: a word wider than the line stays whole (and overlong)."""

    def wrap(self, console, width, *, justify=None, overflow=None, tab_size=8, no_wrap=None):
        if no_wrap or self.no_wrap or overflow == "ignore":
            return super().wrap(console, width, justify=justify, overflow=overflow,
                                tab_size=tab_size, no_wrap=no_wrap)
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            pieces = line.divide(divide_line(str(line), width, fold=False))
            for piece in pieces:
                piece.rstrip()
            lines.extend(pieces)
        return lines


console = SafeConsole(highlight=False, soft_wrap=True)
err_console = SafeConsole(stderr=True, highlight=False, soft_wrap=True)
