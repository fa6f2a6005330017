"""One intake for everything that comes back: a returned form, an answers file, a phone or web
submission (ODK, KoboToolbox), a workbook merged into the workspace.

Each route reads its own kind of file into checked `Return`s and hands them to `take_in`, which
does the rest the same way for all: checks every return whole before anything is written, adds
the partnerships the workspace does not list yet, records the safeguarding notices the answers
call for in the same write as the answers (`returns.notices`), saves through the store's API,
and on a full disk stops, saying which returns were stored and which not. What comes back is
an `IntakeOutcome` that the command renders; nothing here prints.

    outcome = take_in(ws, [Return(partnership, bank, "2026-27", "council", "form", answers,
                                  source="camden.xlsx", respondent="Jo Bloggs")])
    outcome.stored[0].changes.describe()   # "new respondent, 12 answer(s)"
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from stocktake.errors import DiskFull, StocktakeError
from stocktake.records.responses import MODES, Answer, Response, ResponseKey

if TYPE_CHECKING:
    from stocktake.banks.model import Bank
    from stocktake.partnerships.model import Partnership
    from stocktake.store.workspace import AnswerChanges, Workspace


@dataclass(frozen=True)
class Return:
    """One respondent's answers as they came back, read and checked by their route.

    `respondent` "" with `reference_prefix` ("YP"): a child not yet given a reference; the
    store chooses it in the write that stores the answers. `whole`: a response stored whole,
    replacing any with its key (a merged workbook's, its notices found again from its
    answers); the other fields then repeat the response's. `noticed_at` (ISO, UTC): when the
    notice was shown to the person importing; None for each answer's own time (else now).
    `renamed_from`: the key of the response a submission edited at the source renames.
    `source` names the file (and `where`, the line or row in it) in every outcome.
    `redacted`: a whole response whose likely personal data was masked on purpose (`merge
    --redact`): what it replaces is not kept in the history, which would keep what was masked.
    """

    partnership: "Partnership"
    bank: "Bank"
    wave: str
    role: str
    mode: str
    answers: tuple[Answer, ...]
    source: str = ""
    respondent: str = ""
    reference_prefix: str = ""
    age_band: str = ""
    adviser: str = ""
    instance_id: str = ""
    complete: bool = False
    renamed_from: ResponseKey | None = None
    whole: Response | None = None
    noticed_at: str | None = None
    where: str = ""
    redacted: bool = False

    @property
    def key(self) -> ResponseKey | None:
        """The response these answers go to; None for a child not yet given a reference."""
        if not self.respondent:
            return None
        return ResponseKey(self.partnership.code, self.bank.id, self.wave, self.respondent)


@dataclass(frozen=True)
class Stored:
    """A return stored: under `key` (the reference chosen, for a new child), with `changes`
    against what was held before, `called` the questions (in the order answered) whose
    answers call for the notice, `notices` every notice now recorded on the response and
    `earlier_notices` the questions whose notice it recorded before (shown already)."""

    ret: Return
    key: ResponseKey
    changes: "AnswerChanges"
    called: tuple[str, ...] = ()
    notices: Mapping[str, str] = field(default_factory=dict)
    earlier_notices: tuple[str, ...] = ()  # recorded on the response before this return

    def to_json(self) -> dict[str, Any]:
        """{file, partnership, bank, wave, respondent, role, answers (how many),
        already_stored, changed, added, changes (in words)} and `safeguarding_notice` (question
        ids, sorted) where the answers call for it."""
        c = self.changes
        return {"file": self.ret.source, "partnership": self.key.partnership,
                "bank": self.key.bank, "wave": self.key.wave, "respondent": self.key.respondent,
                "role": self.ret.role, "answers": len(self.ret.answers),
                "already_stored": c.existed, "changed": c.changed, "added": c.added,
                "changes": c.describe(),
                **({"safeguarding_notice": sorted(self.called)} if self.called else {})}


@dataclass(frozen=True)
class Refused:
    """A return not stored because it failed a check (or the store refused it), and why."""

    ret: Return
    error: StocktakeError

    def to_json(self) -> dict[str, Any]:
        return {"file": self.ret.source, "reason": self.error.message,
                "details": list(self.error.details), "hint": self.error.hint}


@dataclass
class IntakeOutcome:
    """What `take_in` did: every return is in exactly one of `stored`, `refused` and
    `not_stored` (left when the disk filled; `disk_full` says how), in the order given."""

    stored: list[Stored] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    not_stored: list[Return] = field(default_factory=list)
    disk_full: DiskFull | None = None
    partnerships_added: list["Partnership"] = field(default_factory=list)

    @property
    def notices(self) -> list[Stored]:
        """The stored returns whose response records a safeguarding notice."""
        return [s for s in self.stored if s.notices]

    def not_stored_json(self) -> list[dict[str, str]]:
        """[{file, reason}]: the first names the full disk's error, the others say it."""
        rows = [{"file": r.source, "reason": "not stored: the disk is full"}
                for r in self.not_stored]
        if rows and self.disk_full is not None:
            rows[0]["reason"] = f"not stored: {self.disk_full.message}"
        return rows

    def to_json(self) -> dict[str, Any]:
        """{stored: [Stored.to_json()], refused: [{file, reason, details, hint}], not_stored:
        [{file, reason}], safeguarding_notices: [{partnership, respondent, questions}]}."""
        return {"stored": [s.to_json() for s in self.stored],
                "refused": [r.to_json() for r in self.refused],
                "not_stored": self.not_stored_json(),
                "safeguarding_notices": [{"partnership": s.key.partnership,
                                          "respondent": s.key.respondent,
                                          "questions": sorted(s.notices)}
                                         for s in self.notices]}


def check_return(ret: Return) -> None:
    """Everything about one return that needs no store: its mode, its role in the bank, the
    partnership's code, name and region, and every text the store would keep (names, evidence,
    text answers, option ids), as the store checks them. Raises StocktakeError for the first bad
    one (the return's `source` names the file in the outcome)."""
    from stocktake.partnerships.model import check_code
    from stocktake.text.terminal_text import check_answer_texts, check_line

    if ret.mode not in MODES:
        raise StocktakeError(f"unknown mode '{ret.mode}'", hint=f"use one of {', '.join(MODES)}")
    if ret.whole is None:
        ret.bank.role(ret.role)
    code = ret.partnership.code
    check_code(code, ret.source or None)
    check_line(code, "the partnership code")
    check_line(ret.partnership.name, f"the name of partnership {code}")
    check_line(ret.partnership.region, f"the region of partnership {code}")
    answers = ret.whole.answers.values() if ret.whole is not None else ret.answers
    check_answer_texts(ret.respondent or f"{ret.reference_prefix}-0000", ret.adviser, answers)
    if ret.whole is None and not ret.answers and not ret.respondent:
        raise StocktakeError("no answers to store under a new reference")


def take_in(ws: "Workspace", returns: Iterable[Return], *, all_or_nothing: bool = False,
            refresh_partnerships: bool = False,
            also_list: Iterable["Partnership"] = ()) -> IntakeOutcome:
    """Store checked returns through the workspace's API; the outcome says what became of each.

    Every return is checked (`check_return`) before anything is written. A return that fails
    is refused with the reason and the others go on (whole responses of one source and
    partnership, a merged workbook's, are refused together); with `all_or_nothing` (a batch of
    submissions) any failure stores nothing and raises StocktakeError listing each.

    The partnerships of the returns that passed (and `also_list`: a merged workbook holding
    only moderations or plans) that the workspace does not list are added in one write first;
    with `refresh_partnerships` every one is written, updating a name or a region (a merged
    workbook's). So no answers are ever held for a partnership the index does not list.

    Each return is then saved in one write with the notices its answers call for (those
    recorded before keep their first time); whole responses of one source and partnership share
    one write. A write the store refuses (another role under the same name, the workspace
    locked too long) refuses that return alone. A full disk (errors.DiskFull, as the store words
    every write that failed for want of space) stops the intake: what was stored is in
    `stored`, the rest in `not_stored`, and `disk_full` holds the error.
    """
    returns = list(returns)
    outcome = IntakeOutcome()
    units = []
    for unit in _write_units(returns):
        try:
            for ret in unit:
                check_return(ret)
        except StocktakeError as exc:
            outcome.refused.extend(Refused(r, exc) for r in unit)
            continue
        units.append(unit)
    if all_or_nothing and outcome.refused:
        _refuse_all(outcome.refused)
    checked = [r for unit in units for r in unit]
    try:
        outcome.partnerships_added = _add_partnerships(
            ws, [r.partnership for r in checked] + list(also_list), refresh_partnerships)
    except DiskFull as exc:
        outcome.disk_full = exc
        outcome.not_stored = checked
        return outcome
    for n, unit in enumerate(units):
        try:
            outcome.stored.extend(_store_unit(ws, unit))
        except DiskFull as exc:
            # Every later write would fail the same way: say which were stored and which not.
            outcome.disk_full = exc
            outcome.not_stored = [r for later in units[n:] for r in later]
            break
        except StocktakeError as exc:
            if all_or_nothing:
                raise
            outcome.refused.extend(Refused(r, exc) for r in unit)
    order = {id(r): i for i, r in enumerate(returns)}
    outcome.refused.sort(key=lambda r: order[id(r.ret)])
    return outcome


def _refuse_all(refused: Sequence[Refused]) -> None:
    if len(refused) == 1:
        error = refused[0].error
        raise StocktakeError(f"{error.message}; nothing was stored", hint=error.hint,
                             details=error.details)
    raise StocktakeError(f"{len(refused)} answers refused; nothing was stored",
                         hint=refused[0].error.hint,
                         details=[r.error.message for r in refused])


def _write_units(returns: Sequence[Return]) -> list[list[Return]]:
    """The returns in the writes that store them, in order: whole responses of one source and
    partnership together (a merged workbook's, in one write), every other return alone."""
    units: list[list[Return]] = []
    together: dict[tuple[str, str], list[Return]] = {}
    for ret in returns:
        if ret.whole is None:
            units.append([ret])
            continue
        group = (ret.source, ret.partnership.code)
        if group not in together:
            together[group] = []
            units.append(together[group])
        together[group].append(ret)
    return units


def _add_partnerships(ws: "Workspace", partnerships: Sequence["Partnership"],
                      refresh: bool) -> list["Partnership"]:
    known = {p.code for p in ws.partnerships()}
    wanted: dict[str, "Partnership"] = {}
    for p in partnerships:
        if refresh or p.code not in known:
            wanted[p.code] = p  # the last given wins, as add_partnerships would have it
    if wanted:
        ws.add_partnerships(list(wanted.values()))
    return [p for code, p in wanted.items() if code not in known]


def _store_unit(ws: "Workspace", unit: list[Return]) -> list[Stored]:
    if unit[0].whole is not None:
        return _store_whole(ws, unit)
    [ret] = unit
    return [_store_answers(ws, ret)]


def _store_answers(ws: "Workspace", ret: Return) -> Stored:
    from stocktake.returns.notices import notices_called_for
    from stocktake.store.workspace import AnswerChanges, changes_from

    called = notices_called_for(ret.bank, ret.answers, ret.noticed_at)
    meta: dict[str, Any] = {"role": ret.role, "mode": ret.mode, "adviser": ret.adviser,
                            "bank_version": ret.bank.version, "bank_hash": ret.bank.hash,
                            "age_band": ret.age_band, "notices": called}
    key = ret.key
    earlier: tuple[str, ...]  # the questions whose notices were recorded before
    if key is None:
        response = ws.save_answers_under_new_reference(
            ret.partnership.code, ret.bank.id, ret.wave, ret.reference_prefix,
            list(ret.answers), **meta)
        changes, earlier = AnswerChanges(False, len(ret.answers), 0, 0), ()
    else:
        if ret.renamed_from is not None and ret.renamed_from != key:
            ws.rename_respondent(ret.renamed_from, key.respondent)
        held = ws.response(key)
        earlier = tuple(held.notices) if held is not None else ()
        changes = changes_from(held, ret.answers)  # from the read above, not a second one
        response = ws.save_answers(key, list(ret.answers), instance_id=ret.instance_id,
                                   complete=ret.complete, **meta)
    return Stored(ret, response.key, changes, tuple(called), dict(response.notices), earlier)


def _store_whole(ws: "Workspace", unit: list[Return]) -> list[Stored]:
    from stocktake.returns.notices import notices_called_for, with_earlier_notices
    from stocktake.store.workspace import AnswerChanges

    first = unit[0]
    # A workbook does not carry the notices recorded where it was made: they are found again
    # from the answers, and those this workspace recorded before keep their times.
    earlier = {r.key: r.notices for r in ws.responses(first.partnership.code,
                                                      bank=first.bank.id, wave=first.wave)}
    responses, stored = [], []
    for ret in unit:
        whole = ret.whole
        assert whole is not None
        called = notices_called_for(ret.bank, whole.answers.values(), ret.noticed_at)
        response = replace(whole, notices=with_earlier_notices({**called, **whole.notices},
                                                               earlier.get(whole.key)))
        # Read again only for a response held before (a workbook merged a second time).
        changes = ws.answer_changes(whole.key, whole.answers.values()) \
            if whole.key in earlier else AnswerChanges(False, len(whole.answers), 0, 0)
        responses.append(response)
        stored.append(Stored(ret, whole.key, changes, tuple(called), dict(response.notices),
                             tuple(earlier.get(whole.key) or ())))
    ws.write_responses(first.partnership.code, responses, merging=True,
                       keep_history=not first.redacted)
    return stored
