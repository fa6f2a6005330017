"""A Rust library's panic (pyo3's PanicException, a BaseException) is reported as any other
failure, never as a traceback: rust_xlsxwriter panics when the disk refuses its write."""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap

WRITE_PAST_THE_LIMIT = textwrap.dedent("""
    import errno, resource, sys
    from stocktake.errors import is_rust_panic
    from stocktake.workbooks.bulk_sheet import BulkRowsError, write_bulk_rows

    rows = [["x" * 200, n] for n in range(2000)]
    try:
        write_bulk_rows(["text", "n"], ["top", "top"], rows, [15.0] * 2000)
    except BulkRowsError as exc:
        assert exc.os_error is not None and exc.os_error.errno == errno.EFBIG, exc.message
        print("refused:", exc.os_error.strerror)
    else:
        print("written")
    try:
        import rustpy_xlsxwriter
        rustpy_xlsxwriter.write_worksheets([("rows", [{"a": "x" * 200}] * 2000)],
                                           "/tmp/stocktake-panic-probe.xlsx")
    except BaseException as exc:
        print("panic seen as panic:", is_rust_panic(exc), isinstance(exc, Exception))
""")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_rows_refused_by_the_disk_are_an_error_naming_why_and_print_no_panic():
    done = subprocess.run([sys.executable, "-c", WRITE_PAST_THE_LIMIT], capture_output=True,
                          text=True, preexec_fn=_limit, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "refused: File too large" in done.stdout
    # Rust prints a panic on stderr: once, for the bare probe; the rows' write kept it off.
    assert done.stderr.count("panicked") == 1, done.stderr
    assert "panic seen as panic: True False" in done.stdout
