"""stocktake.interview.moderation and answer_listing: a moderation stored beside the answers,
and the answers read back in order, on a real workspace."""

from __future__ import annotations

import pytest

from stocktake.errors import StocktakeError, UsageError
from stocktake.interview.answer_listing import answer_listing
from stocktake.interview.moderation import check_score, number_text, record_moderation
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, DONT_KNOW, Answer, Response, ResponseKey

WAVE = "2026-27"
CODE = "E09000007"


def _respond(ws, name: str, answers: dict) -> None:
    built = {q: Answer(q, v) if v == DONT_KNOW else Answer(q, ANSWERED, v, evidence=f"by {name}")
             for q, v in answers.items()}
    ws.write_responses(CODE, [Response(ResponseKey(CODE, "mini", WAVE, name), "council",
                                       answers=built)])


def test_moderations_are_kept_and_the_latest_counted(workspace, mini_bank):
    from stocktake.scoring.national import partnership_scores

    workspace.add_partnerships([partnership_for(CODE)])
    _respond(workspace, "Ann", {"vision.statement": "yes", "vision.known": 4})
    vision = mini_bank.area("vision")
    first = record_moderation(workspace, CODE, mini_bank, vision, 40.0, "Not yet", "Pat", WAVE)
    second = record_moderation(workspace, CODE, mini_bank, vision, 55.5, "Seen", "Pat", WAVE)
    assert (first.earlier, second.earlier) == (0, 1)
    assert second.stored.moderated_at and second.stored.score == 55.5
    stored = workspace.moderations(CODE, "mini", WAVE)
    assert [(m.area, m.score, m.reason) for m in stored] == [("vision", 40.0, "Not yet"),
                                                             ("vision", 55.5, "Seen")]
    scores = partnership_scores(workspace, mini_bank, WAVE, CODE)
    assert next(a for a in scores.areas if a.id == "vision").moderation.score == 55.5
    other = record_moderation(workspace, CODE, mini_bank, mini_bank.area("risk"), 10, "r",
                              "Pat", WAVE)
    assert other.earlier == 0  # counted per area


@pytest.mark.parametrize("score", [-1, 100.5, float("nan"), float("inf")])
def test_a_score_outside_0_to_100_is_refused_and_nothing_stored(workspace, mini_bank, score):
    with pytest.raises(UsageError) as caught:
        record_moderation(workspace, CODE, mini_bank, mini_bank.area("vision"), score, "r",
                          "Pat", WAVE)
    assert caught.value.message == f"--score {number_text(score)} is out of range"
    assert workspace.moderations(CODE, "mini", WAVE) == []
    assert check_score(0) == 0 and check_score(100) == 100


def test_a_score_is_shown_as_typed():
    assert (number_text(55.0), number_text(55.5), number_text(0)) == ("55", "55.5", "0")


def test_the_answers_are_listed_by_respondent_then_in_bank_order(workspace, mini_bank):
    workspace.add_partnerships([partnership_for(CODE)])
    _respond(workspace, "bob", {"risk.register": "full", "vision.statement": "yes"})
    _respond(workspace, "Ann", {"vision.known": DONT_KNOW, "vision.statement": "no"})
    listing = answer_listing(workspace, mini_bank, WAVE, CODE)
    order = [q.id for q in mini_bank.questions]
    got = [(r.response.key.respondent, r.answer.question) for r in listing.rows]
    assert [who for who, _ in got] == ["Ann", "Ann", "bob", "bob"]  # case left aside
    for who in ("Ann", "bob"):
        ids = [q for w, q in got if w == who]
        assert ids == sorted(ids, key=order.index)
    from stocktake.banks.answer_values import describe_value

    for row in listing.rows:
        q = mini_bank.question(row.answer.question)
        assert row.shown == describe_value(q, row.answer.status, row.answer.value)
    first = listing.to_json()[0]
    assert first == {**ResponseKey(CODE, "mini", WAVE, "Ann").as_dict(), "role": "council",
                     "question": "vision.statement", "value": "no", "status": ANSWERED,
                     "evidence": "by Ann", "answered_at": listing.rows[0].answer.answered_at}
    assert list(listing.by_respondent()) == ["Ann", "bob"]
    only = answer_listing(workspace, mini_bank, WAVE, CODE, " bob ")
    assert {r.response.key.respondent for r in only.rows} == {"bob"}


def test_answers_of_a_partnership_not_in_the_workspace_are_refused(workspace, mini_bank):
    with pytest.raises(StocktakeError) as caught:
        answer_listing(workspace, mini_bank, WAVE, CODE)
    assert "partnerships add" in (caught.value.hint or "")
    workspace.add_partnerships([partnership_for(CODE)])
    assert answer_listing(workspace, mini_bank, WAVE, CODE).rows == ()


def test_answers_json_is_the_listings_to_json(workspace, mini_bank, cli):
    import json

    workspace.add_partnerships([partnership_for(CODE)])
    _respond(workspace, "Ann", {"vision.statement": "no", "risk.register": "full"})
    result = cli("answers", "Camden", "--bank", "mini", "--wave", WAVE, "--json")
    assert result.exit_code == 0, result.output
    listing = answer_listing(workspace, mini_bank, WAVE, CODE)
    assert json.loads(result.stdout) == json.loads(json.dumps(listing.to_json()))
    assert len(listing.rows) == 2
