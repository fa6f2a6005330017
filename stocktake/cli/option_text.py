"""Text given on the command line that will be kept (stored, or written into a form): checked
while the line is parsed, so a bad value is refused (exit 2, naming the option) before anything
is opened or stored."""

from __future__ import annotations

from stocktake.errors import StocktakeError, UsageError


def checked_option(value: str, option: str, *, lines: bool = False) -> str:
    """`value` as given for `option` (e.g. "--adviser", "CODE") if the store can keep it: line
    ends as LF where `lines` allows them (a reason, an action), else one line.

    Raises UsageError (exit 2) naming the option for a control character or text-direction
    override (stocktake.text.terminal_text), or text a workbook would change on the way
    (stocktake.text.text_rules: over 32,767 characters, an `_xHHHH_` sequence). The same rules
    meet text read from a file there, as data errors (exit 1) naming the file and line or cell;
    here the command line itself is wrong, whichever rule meets it.
    """
    from stocktake.text.terminal_text import check_line, check_text
    from stocktake.text.text_rules import checked_text

    try:
        (check_text if lines else check_line)(value, f"{option}:")
    except StocktakeError as exc:
        raise UsageError(exc.message, hint=f"give {option} again without them (a pasted value, "
                                           "or shell quoting such as $'...', can carry "
                                           "them)") from None
    try:
        return checked_text(value, option)
    except StocktakeError as exc:
        raise UsageError(exc.message) from None


def _check_option_values(param, value, *, lines: bool):
    if value is None:
        return value
    # An argument is named by its metavar (CODE), an option by its long name (--adviser).
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if opts and getattr(param, "param_type_name", "") == "option":
        name = opts[0]
    else:
        name = (getattr(param, "metavar", None) or param.name or "").upper().strip("[].")
    if isinstance(value, (list, tuple)):
        return type(value)(checked_option(v, name, lines=lines) if isinstance(v, str) else v
                           for v in value)
    return checked_option(value, name, lines=lines) if isinstance(value, str) else value


def stored_line(ctx, param, value):
    """Callback for an option or argument whose value is kept (stored, or written into a form):
    one line, checked by :func:`checked_option` while the command line is parsed, so nothing
    is opened or stored before a bad value is refused (exit 2, naming the option)."""
    if getattr(ctx, "resilient_parsing", False):
        return value
    return _check_option_values(param, value, lines=False)


def stored_text(ctx, param, value):
    """As :func:`stored_line`, for free text that may run over lines (a reason, an action)."""
    if getattr(ctx, "resilient_parsing", False):
        return value
    return _check_option_values(param, value, lines=True)
