"""Workbooks stocktake writes and reads back: partnership exports, the benchmark, offline forms.

Every writer puts values, never formulas, into cells (so a re-save in Excel or LibreOffice cannot
change a result) and user text through :func:`stocktake.privacy.injection.set_text_cell`.

    from stocktake.workbooks.partnership import write_partnership_workbook
    from stocktake.workbooks.benchmark import write_benchmark_workbook
    from stocktake.workbooks.forms import create_form, read_form
"""

# The marker in cell B of an About sheet's `format` row: how a reader knows a file is ours.
PARTNERSHIP_EXPORT = "stocktake partnership export"
BENCHMARK_WORKBOOK = "stocktake benchmark workbook"
RESPONSE_FORM = "stocktake response form"
FORMAT_VERSION = 1
