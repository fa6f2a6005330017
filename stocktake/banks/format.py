"""A bank file's format: the question types, the scoring methods and age limits it may name,
and reading its TOML. Both the bank model and its validation read these, so they live here,
below both (and validation never imports the model).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from stocktake.errors import StocktakeError

QUESTION_TYPES = ("scale", "choice", "multi", "yesno", "number", "text")
SCORED_BY_DEFAULT = {"scale": True, "choice": True, "multi": True, "yesno": True,
                     "number": False, "text": False}
DEFAULT_MIN_COVERAGE = 0.5
# How a partnership's area score is made from its respondents' scores (README, "How scores are
# worked out"): "roles" is the mean of the role scores, so each partner sector counts once;
# "respondents" the mean over respondents, the method of banks that do not say.
PARTNERSHIP_SCORE_METHODS = ("roles", "respondents")
DEFAULT_PARTNERSHIP_SCORE = "respondents"
DEFAULT_MIN_ROLES = 1
# The fewest partnerships, people or answers a published figure or comparison may rest on:
# below it the count is shown and the figure withheld, as official statistics suppress small
# cells (issue 23). A bank may set `min_count`; commands take --min-count.
DEFAULT_MIN_COUNT = 5
# Ages a bank may limit a question to: children and young people up to 18, and care leavers,
# to whom a council owes duties up to 25 (Children and Social Work Act 2017 s1).
MIN_AGE, MAX_AGE = 0, 25


def read_bank_toml(path: Path) -> dict:
    """Parse a bank file; a syntax error becomes a StocktakeError naming file, line and column.

    A UTF-8 byte-order mark (Notepad's) is read; UTF-16 and other encodings are refused by
    :func:`stocktake.text.text_files.read_text_file`, naming the encoding.
    """
    from stocktake.text.text_files import read_text_file

    text = read_text_file(path, save_as="UTF-8 (in Notepad: Save as, Encoding UTF-8)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StocktakeError(f"{path}: broken TOML: {exc}",
                             hint="fix the TOML syntax at that line (quotes, brackets, commas)")
