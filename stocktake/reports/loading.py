"""The report's libraries are an extra (`pip install 'stocktake[reports]'`): matplotlib and
python-docx are heavy and most of stocktake does without them."""

from __future__ import annotations

from stocktake.errors import StocktakeError


def require_report_libraries() -> None:
    """StocktakeError naming what to install when matplotlib or python-docx is missing."""
    import importlib.util

    missing = [name for module, name in (("matplotlib", "matplotlib"), ("docx", "python-docx"))
               if importlib.util.find_spec(module) is None]
    if missing:
        raise StocktakeError(f"reports need {' and '.join(missing)}, which are not installed",
                             hint="pip install 'stocktake[reports]' (in the environment "
                                  "stocktake runs in)")
