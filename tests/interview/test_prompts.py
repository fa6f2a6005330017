"""One question at a time in questionary, driven with real keystrokes through a pipe input."""

from __future__ import annotations

import pytest

from stocktake.banks.answer_values import BadValue
from stocktake.interview.prompts import (Reply, ask_area, ask_evidence, ask_review,
                               typed_instruction, typed_reply)
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer

from helpers.prompts import BACKSPACE, CTRL_C, DOWN, ENTER, SPACE, ask, keys


# ---------------------------------------------------------------- each question type


def test_yesno_by_shortcut_key(mini_bank):
    q = mini_bank.question("vision.statement")
    assert ask(q, "y" + ENTER) == Reply("answer", ANSWERED, "yes")
    assert ask(q, "n" + ENTER) == Reply("answer", ANSWERED, "no")


def test_scale_by_level_number_or_arrow_keys(mini_bank):
    q = mini_bank.question("vision.known")
    assert ask(q, "3" + ENTER) == Reply("answer", ANSWERED, 3)
    assert ask(q, DOWN + DOWN + DOWN + ENTER) == Reply("answer", ANSWERED, 4)


def test_choice_returns_the_option_id(mini_bank):
    q = mini_bank.question("risk.register")
    assert ask(q, "2" + ENTER) == Reply("answer", ANSWERED, "partial")


def test_multi_ticks_options_with_space(mini_bank):
    q = mini_bank.question("vision.consulted")
    reply = ask(q, SPACE + DOWN + DOWN + SPACE + ENTER)
    assert reply == Reply("answer", ANSWERED, ["children", "staff"])


def test_multi_with_nothing_ticked_is_refused_until_an_option_is(mini_bank):
    q = mini_bank.question("vision.consulted")
    assert ask(q, ENTER + DOWN + SPACE + ENTER).value == ["parents"]


def test_multi_refuses_an_option_ticked_together_with_dont_know(mini_bank):
    q = mini_bank.question("vision.consulted")
    # "children" and "Don't know" (four down) ticked: Enter is refused, the prompt stays open.
    with pytest.raises(KeyboardInterrupt):
        ask(q, SPACE + DOWN * 4 + SPACE + ENTER + CTRL_C)
    assert ask(q, SPACE + DOWN * 4 + SPACE + ENTER + SPACE + ENTER) == \
        Reply("answer", ANSWERED, ["children"])


def test_multi_not_applicable_ticked_alone(mini_bank):
    q = mini_bank.question("vision.consulted")
    assert ask(q, DOWN * 3 + SPACE + ENTER) == Reply("answer", NOT_APPLICABLE, None)


def test_multi_offers_skip_ticked_alone(mini_bank):
    q = mini_bank.question("vision.consulted")
    assert ask(q, DOWN * 6 + SPACE + ENTER) == Reply("skip")


def test_multi_preticks_the_earlier_answer(mini_bank):
    q = mini_bank.question("vision.consulted")
    current = Answer(q.id, ANSWERED, ["parents", "staff"])
    assert ask(q, ENTER, current).value == ["parents", "staff"]


def test_number_is_validated_against_its_bounds(mini_bank):
    q = mini_bank.question("risk.vacancies")
    # 500 is over the maximum of 100: refused, corrected to 50.
    assert ask(q, "500" + ENTER + BACKSPACE + ENTER) == Reply("answer", ANSWERED, 50)


def test_number_refuses_words(mini_bank):
    q = mini_bank.question("risk.vacancies")
    assert ask(q, "lots" + ENTER + BACKSPACE * 4 + "7.5" + ENTER).value == 7.5


def test_text_that_looks_like_a_formula_stays_plain_text(mini_bank):
    q = mini_bank.question("risk.barrier")
    assert ask(q, "=HYPERLINK(\"http://x\")" + ENTER) == \
        Reply("answer", ANSWERED, "=HYPERLINK(\"http://x\")")


def test_empty_text_is_refused_and_points_to_skip(mini_bank):
    q = mini_bank.question("risk.barrier")
    assert ask(q, ENTER + "Money" + ENTER).value == "Money"
    with pytest.raises(BadValue, match=":skip"):
        typed_reply(q, "   ")


# ---------------------------------------------------------------- not applicable, don't know


def test_scored_question_offers_not_applicable_and_dont_know(mini_bank):
    q = mini_bank.question("vision.known")
    assert ask(q, "a" + ENTER) == Reply("answer", NOT_APPLICABLE, None)
    assert ask(q, "d" + ENTER) == Reply("answer", DONT_KNOW, None)


def test_unscored_question_does_not_offer_na_or_dk(mini_bank):
    q = mini_bank.question("risk.vacancies")  # a number, unscored
    assert ask(q, ":dk" + ENTER + BACKSPACE * 3 + "4" + ENTER).value == 4
    with pytest.raises(BadValue, match="only for scored questions"):
        typed_reply(mini_bank.question("risk.barrier"), "n/a")


def test_scored_number_takes_typed_na_and_dk():
    from stocktake.banks.model import Question

    q = Question("risk.rate", "risk", "Rate", "number", min=0, max=10, scored=True)
    assert typed_reply(q, ":na") == Reply("answer", NOT_APPLICABLE, None)
    assert typed_reply(q, "dk") == Reply("answer", DONT_KNOW, None)
    assert "(0 to 10; or type :na :dk :back :skip :jump :quit)" == typed_instruction(q, True)


def test_earlier_answer_is_preselected(mini_bank):
    q = mini_bank.question("vision.known")
    assert ask(q, ENTER, Answer(q.id, ANSWERED, 2)).value == 2
    assert ask(q, ENTER, Answer(q.id, DONT_KNOW)).status == DONT_KNOW
    number = mini_bank.question("risk.vacancies")
    assert ask(number, ENTER, Answer(number.id, ANSWERED, 35)).value == 35


# ---------------------------------------------------------------- moving


@pytest.mark.parametrize("key, move", [("b", "back"), ("s", "skip"), ("j", "jump"),
                                       ("q", "quit")])
def test_select_offers_every_move_by_key(mini_bank, key, move):
    assert ask(mini_bank.question("risk.register"), key + ENTER) == Reply(move)


@pytest.mark.parametrize("typed, move", [(":back", "back"), (":skip", "skip"),
                                         (":jump", "jump"), (":quit", "quit")])
def test_text_prompts_take_typed_moves(mini_bank, typed, move):
    assert ask(mini_bank.question("risk.barrier"), typed + ENTER) == Reply(move)


def test_required_question_cannot_be_skipped(mini_bank):
    q = mini_bank.question("vision.statement")
    # "s" is no key when skipping is off, so Enter answers the first choice.
    assert ask(q, "s" + ENTER, can_skip=False) == Reply("answer", ANSWERED, "yes")
    with pytest.raises(BadValue, match="required"):
        typed_reply(mini_bank.question("risk.barrier"), ":skip", can_skip=False)


def test_shipped_required_question_hides_skip(mini_bank):
    from stocktake.banks.loading import find_bank

    q = find_bank("idea-stocktake").question("vision.has-statement")
    assert q.required
    assert ask(q, "s" + ENTER) == Reply("answer", ANSWERED, "yes")


def test_ctrl_c_raises_keyboard_interrupt_instead_of_answering(mini_bank):
    for qid in ("vision.statement", "vision.consulted", "risk.vacancies"):
        with pytest.raises(KeyboardInterrupt):
            ask(mini_bank.question(qid), CTRL_C)


# ---------------------------------------------------------------- around the question


def test_evidence_note_enter_skips_and_text_is_kept():
    with keys(ENTER):
        assert ask_evidence() == ""
    with keys("  Board minutes, 3 May  " + ENTER):
        assert ask_evidence() == "Board minutes, 3 May"
    with keys(ENTER):
        assert ask_evidence("CYPP p4") == "CYPP p4"


def test_area_and_review_pickers_return_ids_or_none():
    with keys(DOWN + ENTER):
        assert ask_area([("vision", "Vision"), ("risk", "Risk")]) == "risk"
    with keys(DOWN + DOWN + ENTER):
        assert ask_area([("vision", "Vision"), ("risk", "Risk")]) is None  # Cancel
    with keys(ENTER):
        assert ask_review([("risk.barrier", "risk.barrier")]) is None  # Finish comes first
    with keys(DOWN + ENTER):
        assert ask_review([("risk.barrier", "risk.barrier")]) == "risk.barrier"
