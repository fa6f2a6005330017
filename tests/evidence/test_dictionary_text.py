"""LAIT's dictionary text as stocktake prints it: a bracket LAIT opens is closed, so that what
follows it in a sentence ("Source: OWNER, updated DATE") is not read as inside it."""

import json
from importlib import resources

import pytest

from stocktake.evidence.dictionary import closed

TEXT_FIELDS = ("title", "measure", "unit", "owner")


@pytest.mark.parametrize("text, expected", [
    ("Office for National Statistics (ONS", "Office for National Statistics (ONS)"),
    ("NHS (HES) and ONS (ONS", "NHS (HES) and ONS (ONS)"),
    ("a (b [c", "a (b [c)]"),
    ("Rate per 1000 (15-17)", "Rate per 1000 (15-17)"),
    ("stray ) first", "stray ) first"),
    ("", ""),
])
def test_an_open_bracket_is_closed_at_the_end(text, expected):
    assert closed(text) == expected


def test_every_shipped_measure_text_closes_what_it_opens():
    shipped = json.loads(resources.files("stocktake").joinpath("data/measures.json")
                         .read_text(encoding="utf-8"))["measures"]
    assert shipped["HospAd0-14"]["owner"].endswith("(ONS)")
    for mid, measure in shipped.items():
        for field in TEXT_FIELDS:
            text = measure.get(field) or ""
            assert text.count("(") == text.count(")"), (mid, field, text)
            assert text.count("[") == text.count("]"), (mid, field, text)
