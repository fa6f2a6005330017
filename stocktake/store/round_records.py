"""The records a workspace keeps for a round and a plan, beside the responses: who is on a
round's roster, the round's plan, and the action plan's items. A part of the Workspace (it
inherits these), kept apart because they are a second kind of record with their own questions;
they are stored in the same TinyDB files, under the same lock, by the same transaction.

    ws.add_roster([RosterEntry("E09000007", "council", "Jo Bloggs", bank="idea-stocktake")])
    ws.plan_items("E09000007", "idea-stocktake", "2026-27")   # [PlanItem, ...], by id
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ContextManager, Iterable

from stocktake.errors import StocktakeError
from stocktake.records.responses import now_iso
from stocktake.text.terminal_text import check_line

if TYPE_CHECKING:
    from stocktake.records.roster_and_plans import PlanItem, RosterEntry, RoundPlan


class RoundRecords:
    """The roster, round plans and plan items of a workspace (stocktake.store.workspace)."""

    root: Path

    if TYPE_CHECKING:  # provided by Workspace
        @property
        def index_path(self) -> Path: ...

        def shard_path(self, code: str) -> Path: ...

        def shard_files(self) -> list[Path]: ...

        def _transaction(self, path: Path) -> ContextManager[Any]: ...

        def _read(self, path: Path) -> Any: ...

        def read_bytes(self, path: Path) -> bytes | None: ...

        def parse(self, path: Path, raw: bytes) -> dict: ...

    def add_plan_item(self, item: "PlanItem") -> "PlanItem":
        """Store a plan item; its id is its number in the partnership's file."""
        item = replace(item, created_at=item.created_at or now_iso())
        with self._transaction(self.shard_path(item.partnership)) as db:
            doc_id = db.table("plans").insert(item.to_doc())
        return replace(item, id=doc_id)

    def plan_items(self, partnership: str, bank: str | None = None,
                   wave: str | None = None) -> list["PlanItem"]:
        """Every plan item of a partnership (removed ones too: callers filter), by id."""
        from stocktake.records.roster_and_plans import PlanItem

        db = self._read(self.shard_path(partnership))
        return [PlanItem.from_doc(d, d.doc_id) for d in db.table("plans").all()
                if (bank is None or d["bank"] == bank) and (wave is None or d["wave"] == wave)]

    def set_plan_status(self, partnership: str, item_id: int, status: str) -> "PlanItem":
        """Mark a plan item done or removed (kept, so the plan's history stays)."""
        from stocktake.records.roster_and_plans import DONE, PlanItem

        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("plans")
            doc = table.get(doc_id=item_id)
            if doc is None:
                raise StocktakeError(f"{partnership} has no plan item {item_id}",
                                     hint=f"see the plan with `stocktake plan list {partnership}`")
            changes = {"status": status,
                       "done_at": now_iso() if status == DONE else doc.get("done_at", "")}
            table.update(changes, doc_ids=[item_id])
            return PlanItem.from_doc({**doc, **changes}, item_id)

    # ------------------------------------------------------------ the round (roster, plans)

    def add_roster(self, entries: Iterable["RosterEntry"]) -> int:
        """Store roster entries, one write per partnership (the roster is personal data and
        lives with that partnership's responses, so `remove` and `privacy-check` cover it)."""
        by_code: dict[str, list] = {}
        for entry in entries:
            check_line(entry.respondent, "the roster's respondent name")
            check_line(entry.email or "", f"the e-mail address of {entry.respondent}")
            check_line(entry.organisation or "", f"the organisation of {entry.respondent}")
            by_code.setdefault(entry.partnership, []).append(entry)
        stamp = now_iso()
        for code, group in by_code.items():
            with self._transaction(self.shard_path(code)) as db:
                db.table("roster").insert_multiple({**e.to_doc(), "added_at": stamp}
                                                   for e in group)
        return sum(len(g) for g in by_code.values())

    def roster(self, partnership: str | None = None, bank: str | None = None,
               wave: str | None = None) -> list["RosterEntry"]:
        """Roster entries, optionally of one partnership, bank and wave, in the order added."""
        from stocktake.records.roster_and_plans import RosterEntry

        paths = self.shard_files() if partnership is None else [self.shard_path(partnership)]
        found = []
        for path in paths:
            raw = self.read_bytes(path)
            data = {} if raw is None else self.parse(path, raw)
            for _, doc in sorted(data.get("roster", {}).items(), key=lambda kv: int(kv[0])):
                if (bank is None or doc.get("bank") == bank) and \
                        (wave is None or doc.get("wave") == wave):
                    found.append(RosterEntry.from_doc(doc))
        return found

    def remove_roster_entry(self, partnership: str, respondent: str, bank: str,
                            wave: str) -> int:
        """Take a person off a round's roster; returns how many entries went (0 or 1)."""
        from stocktake.records.roster_and_plans import name_key

        with self._transaction(self.shard_path(partnership)) as db:
            table = db.table("roster")
            gone = [d.doc_id for d in table.all() if d.get("bank") == bank
                    and d.get("wave") == wave
                    and name_key(d.get("respondent", "")) == name_key(respondent)]
            if gone:
                table.remove(doc_ids=gone)
        return len(gone)

    def save_round(self, plan: "RoundPlan") -> "RoundPlan":
        """Record a round's plan; a plan for the same bank and wave replaces the earlier one."""
        if not plan.planned_at:
            plan = replace(plan, planned_at=now_iso())
        with self._transaction(self.index_path) as db:
            table = db.table("rounds")
            old = [d.doc_id for d in table.all()
                   if d.get("bank") == plan.bank and d.get("wave") == plan.wave]
            if old:
                table.remove(doc_ids=old)
            table.insert(plan.to_doc())
        return plan

    def rounds(self) -> list["RoundPlan"]:
        """Every planned round, oldest plan first."""
        from stocktake.records.roster_and_plans import RoundPlan

        db = self._read(self.index_path)
        return sorted((RoundPlan.from_doc(d) for d in db.table("rounds").all()),
                      key=lambda p: p.planned_at)

    def round_plan(self, bank: str, wave: str) -> "RoundPlan | None":
        for plan in self.rounds():
            if plan.bank == bank and plan.wave == wave:
                return plan
        return None
