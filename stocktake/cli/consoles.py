"""The two consoles every command prints through (stdout and stderr), escaping control
characters in whatever they render."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.segment import Segment

from stocktake.text.terminal_text import escape_controls


class SafeConsole(Console):
    """A rich Console that escapes control characters in every piece of text it renders (user
    text included, wherever it is placed: tables, panels, errors), leaving rich's own styling
    codes alone, so nothing printed can drive the terminal."""

    _rendering = threading.local()

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


console = SafeConsole(highlight=False, soft_wrap=True)
err_console = SafeConsole(stderr=True, highlight=False, soft_wrap=True)
