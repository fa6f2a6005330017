"""The report's libraries are an extra (`pip install 'stocktake[reports]'`): matplotlib and
python-docx are heavy and most of stocktake does without them."""

from __future__ import annotations

from stocktake.errors import StocktakeError


def require_report_libraries(word: bool = True) -> None:
    """StocktakeError naming what to install when matplotlib (or, with `word`, python-docx)
    cannot be imported: found but broken counts as missing (python-docx without its lxml), so
    nothing is half-written before the Word file fails."""
    import importlib

    needed = [("matplotlib", "matplotlib")] + ([("docx", "python-docx")] if word else [])
    missing = []
    for module, name in needed:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            broken = getattr(exc, "name", None)
            missing.append(name if broken in (None, module) else f"{name} (its {broken})")
    if missing:
        raise StocktakeError(f"reports need {' and '.join(missing)}, which are not installed",
                             hint="pip install 'stocktake[reports]' (in the environment "
                                  "stocktake runs in)")
