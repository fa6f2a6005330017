"""The shipped authority list carries DfE LA numbers, the key that joins LAIT's rows."""

from __future__ import annotations

import pytest

from stocktake.evidence.build import find_shared_lait
from stocktake.partnerships.reference import (authorities, authority, authority_by_dfe_number,
                                              current_authorities)

from helpers.paths import REPO



def test_every_current_authority_has_its_own_three_digit_dfe_number():
    numbers = [a.dfe_la_number for a in current_authorities()]
    assert len(current_authorities()) == 153
    assert all(len(n) == 3 and n.isdigit() for n in numbers)
    assert len(set(numbers)) == 153
    for a in current_authorities():
        assert authority_by_dfe_number(a.dfe_la_number) == a


def test_the_ended_authorities_are_kept_with_their_successors():
    ended = [a for a in authorities() if not a.current]
    assert len(ended) == 8
    assert all(a.replaced_by for a in ended)
    assert authority("E10000002").dfe_la_number == ""          # Buckinghamshire county council
    assert authority("E10000006").dfe_la_number == "909"       # Cumbria, before 2023
    assert authority_by_dfe_number("909") == authority("E10000006")


@pytest.mark.skipif(find_shared_lait() is None, reason="the shared reference folder is absent")
def test_the_package_list_is_the_shared_list():
    shared = find_shared_lait().parent / "english-childrens-services-authorities.csv"
    packaged = REPO / "stocktake" / "data" / "authorities.csv"
    assert packaged.read_bytes() == shared.read_bytes()
