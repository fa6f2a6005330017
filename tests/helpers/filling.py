"""Real workspaces filled with answers to the mini bank (tests/data/mini.toml): respondents at
a chosen level, three partnerships of three roles, and the hand-worked scoring example."""

from __future__ import annotations

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer, Response,
                                         ResponseKey)

WAVE = "2026-27"
STAMP = "2026-10-01T09:00:00+00:00"
CODES = ("E09000007", "E06000001", "E08000025")  # Camden, Hartlepool, Birmingham


def mini_response(bank, code: str, respondent: str, role: str, level: int,
                  evidence: str = "Board minutes", text: str = "Money") -> Response:
    """A respondent of the mini bank answering everything their role is asked, at `level`."""
    values = {"vision.statement": "yes", "vision.known": level,
              "vision.consulted": ["children", "staff"][: 1 + level % 2],
              "risk.register": ["none", "partial", "full", "full"][level - 1],
              "risk.vacancies": 5.5 * level, "risk.barrier": text}
    answers = {}
    for q in bank.questions_for_role(role):
        answers[q.id] = Answer(q.id, ANSWERED, values[q.id], evidence, STAMP)
    return Response(ResponseKey(code, bank.id, WAVE, respondent), role, "interview", "",
                    bank.version, bank.hash, STAMP, STAMP, answers)


def fill_mini(ws, bank, codes=CODES, evidence="Board minutes"):
    """Workspace `ws` given the partnerships `codes`, each answered by a council officer, a health
    lead and a young person (levels differing by partnership)."""
    ws.add_partnerships([partnership_for(c) for c in codes])
    for n, code in enumerate(codes):
        ws.write_responses(code, [
            mini_response(bank, code, "Ann Council", "council", 1 + n % 4, evidence),
            mini_response(bank, code, "Bo Health", "health", 1 + (n + 2) % 4, evidence),
            mini_response(bank, code, "Cy Young", "young-people", 4, evidence)])


def respondent(code: str, name: str, role: str, answers: dict, wave: str = WAVE) -> Response:
    """A mini-bank response from question id -> value (NOT_APPLICABLE or DONT_KNOW as statuses)."""
    built = {qid: Answer(qid, v) if v in (NOT_APPLICABLE, DONT_KNOW) else Answer(qid, ANSWERED, v)
             for qid, v in answers.items()}
    return Response(ResponseKey(code, "mini", wave, name), role, answers=built)


def worked_example(code: str = "E09000007") -> list[Response]:
    """The hand-worked example of tests/scoring/test_scoring.py: vision 34.03, risk 75, overall
    54.51."""
    return [
        respondent(code, "Ann", "council", {"vision.statement": "yes", "vision.known": 3,
                                            "vision.consulted": ["children", "staff"],
                                            "risk.register": "full"}),
        respondent(code, "Bob", "health", {"vision.statement": "no", "vision.known": 4,
                                           "vision.consulted": DONT_KNOW,
                                           "risk.register": "partial"}),
        respondent(code, "Cat", "young-people", {"vision.statement": NOT_APPLICABLE,
                                                 "vision.consulted": ["parents"]}),
        respondent(code, "Dev", "council", {"vision.statement": "yes", "vision.known": DONT_KNOW,
                                            "vision.consulted": DONT_KNOW,
                                            "risk.register": NOT_APPLICABLE}),
    ]


def one_respondent(code: str, level: int, register: str, wave: str = WAVE) -> list[Response]:
    """One council lead answering vision at `level` and the risk register as `register`."""
    return [respondent(code, "Lead", "council", {"vision.statement": "yes", "vision.known": level,
                                                 "vision.consulted": ["staff"],
                                                 "risk.register": register}, wave)]
