"""Fixtures of the XLSForm tests: the mini bank as an XForm, and two submissions of it."""

from __future__ import annotations

import pytest

from helpers.submissions import mini_form, two_submissions


@pytest.fixture
def form(mini_bank):
    """(XLSForm sheets, XForm) of the mini bank for Camden and Birmingham. Needs pyxform."""
    return mini_form(mini_bank)


@pytest.fixture
def two(mini_bank):
    """A council officer who answers everything, and an anonymous young person."""
    return two_submissions(mini_bank)
