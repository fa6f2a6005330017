"""Fixtures of the command-level tests: a small nation of partnerships in a real workspace."""

from __future__ import annotations

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import Moderation

from helpers.filling import WAVE, one_respondent, worked_example


@pytest.fixture
def nation(workspace):
    """Camden (the worked example, vision moderated) and four others; names in the workspace."""
    codes = ["E09000007", "E09000001", "E08000025", "E06000053", "E09000033"]
    workspace.add_partnerships([partnership_for(c) for c in codes])
    workspace.write_responses("E09000007", worked_example())
    workspace.add_moderation(Moderation("E09000007", "mini", WAVE, "vision", 40.0,
                                        "Evidence at review day", "Pat Adviser"))
    for code, level, register in (("E09000001", 4, "full"), ("E08000025", 1, "none"),
                                  ("E06000053", 2, "partial"), ("E09000033", 3, "full")):
        workspace.write_responses(code, one_respondent(code, level, register))
    return workspace
