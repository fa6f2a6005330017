"""The one error type users see.

The core raises :class:`StocktakeError` with a message (what is wrong, and where) and a hint (what
to do); the CLI renders it once, as two plain lines, and exits with its code. Nothing else in the
core decides how a failure looks.

    raise StocktakeError("unknown bank 'idea'", hint="run `stocktake banks list` to see the banks")
"""

from __future__ import annotations


class StocktakeError(Exception):
    """A failure the user can act on: exit code 1 by default, 2 for misuse of the command."""

    def __init__(self, message: str, hint: str | None = None, *, details: list[str] | None = None,
                 exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = list(details or [])
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple:
        # Whole across processes (export's workers send theirs back), whatever arguments a
        # subclass's __init__ takes: pickle would otherwise call it with the message alone.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(kind: type, args: tuple, state: dict) -> StocktakeError:
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class UsageError(StocktakeError):
    """The command was called in a way that cannot work (exit code 2, as for bad options)."""

    def __init__(self, message: str, hint: str | None = None, *, details: list[str] | None = None):
        super().__init__(message, hint, details=details, exit_code=2)


class DiskFull(StocktakeError):
    """A write that failed for want of space (out of space, out of quota, or past the largest
    file this process may write): the machine's state, not a bug. `path` is the file."""

    def __init__(self, message: str, path: object, hint: str | None = None):
        super().__init__(message, hint)
        self.path = path


def is_rust_panic(exc: BaseException) -> bool:
    """Whether `exc` is a Rust library's panic come through pyo3 (python-calamine,
    rustpy-xlsxwriter): a `PanicException`, which derives from BaseException, so that
    `except Exception` lets it through as a traceback. Callers that hand a file to such a
    library catch it with this and say what went wrong as for any other failure."""
    return type(exc).__name__ == "PanicException"


def is_library_failure(exc: BaseException) -> bool:
    """An Exception, or a Rust library's panic (is_rust_panic); not Ctrl-C or an exit."""
    return isinstance(exc, Exception) or is_rust_panic(exc)
