"""The round against a workspace: the I/O around the pure roster, plan and status modules.

    plan_round(ws, bank, "2026-27", ["council", "health"], partnerships=["all"], deadline="2027-01-31")
    import_roster(ws, Path("roster.csv"), bank, "2026-27")
    status = workspace_status(ws, bank, "2026-27", today=date.today())
    manifest = write_round_forms(ws, bank, "2026-27", Path("forms/"))
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError, UsageError
from stocktake.round.manifest import MANIFEST_COLUMNS, form_file_names, forms_to_write
from stocktake.round.plan import Expected, RoundPlan, expected_respondents
from stocktake.round.roster import RosterEntry, check_roster_rows, read_roster_file
from stocktake.round.status import RoundStatus, round_status

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

ALL = "all"


def known_codes(ws: "Workspace") -> dict[str, str]:
    """Upper-cased code or name -> code, for the workspace's partnerships and the current
    English authorities: what a roster or a plan may name."""
    from stocktake.partnerships.reference import current_authorities

    found: dict[str, str] = {}
    for a in current_authorities():
        found[a.code.upper()] = a.code
        found.setdefault(a.name.upper(), a.code)
        if a.dfe_la_number:
            # DfE's LA number (805 is Hartlepool), as DfE's own files give it.
            found.setdefault(a.dfe_la_number, a.code)
    for p in ws.partnerships():
        found[p.code.upper()] = p.code
        if p.name:
            found.setdefault(p.name.upper(), p.code)
    return found


def resolve_partnerships(ws: "Workspace", given: Sequence[str]) -> list[str]:
    """Codes from `all` (the current authorities), a file of codes (CSV with a `code` or
    `partnership` column, or one code a line), or codes, names and DfE LA numbers; UsageError
    naming each one not known."""
    from stocktake.partnerships.model import normalise_code
    from stocktake.partnerships.reference import current_authorities

    codes: list[str]
    if not given:
        codes = [p.code for p in ws.partnerships()]
        if not codes:
            raise UsageError("which partnerships does the round ask?",
                             hint="give --partnerships all, a file of codes, or codes")
        return codes
    if [g.lower() for g in given] == [ALL]:
        return [a.code for a in current_authorities()]
    names = known_codes(ws)
    codes = []
    unknown: list[str] = []
    for item in given:
        path = Path(item)
        items = _codes_in_file(path) if path.suffix.lower() in (".csv", ".txt") else [item]
        for raw in items:
            code = names.get(normalise_code(raw).upper())
            if code is None:
                unknown.append(raw)
            elif code not in codes:
                codes.append(code)
    if unknown:
        raise UsageError(f"{len(unknown)} partnership(s) not known: "
                         + ", ".join(repr(u) for u in unknown[:20]),
                         hint="use GSS codes (e.g. E09000007) or authority names; add "
                              "partnerships of your own with `stocktake partnerships add`")
    return codes


def _codes_in_file(path: Path) -> list[str]:
    from stocktake.text.csv_files import SAVE_AS_CSV, csv_records
    from stocktake.text.text_files import read_text_file

    text = read_text_file(path, save_as=SAVE_AS_CSV, option="--partnerships")
    rows = [cells for _, cells in csv_records(text, path, example="code")]
    if not rows:
        raise StocktakeError(f"{path} names no partnerships")
    from stocktake.partnerships.reference import CODE_HEADERS

    header = [c.strip().lower() for c in rows[0]]
    column = next((header.index(n) for n in ("code", "partnership") if n in header), None)
    if column is None:
        # "LA code", "GSS code", "old_la_code"...: the header words the groups CSV knows.
        column = next((i for i, h in enumerate(header) if h in CODE_HEADERS), None)
    if column is None:
        return [r[0].strip() for r in rows]
    return [r[column].strip() for r in rows[1:] if len(r) > column and r[column].strip()]


def plan_round(ws: "Workspace", bank: Bank, wave: str, roles: Sequence[str], *,
               per_role: int = 1, partnerships: Sequence[str] = (), deadline: str = "",
               return_to: str = "") -> RoundPlan:
    """Record the round's plan (replacing an earlier plan of the same bank and wave, keeping its
    forms list) and add its partnerships to the workspace."""
    from stocktake.partnerships.model import partnership_for

    unknown = [r for r in roles if r not in bank.role_ids]
    if unknown or not roles:
        raise UsageError(f"role(s) {', '.join(unknown) or '(none)'} not in {bank.id}",
                         hint=f"its roles are: {', '.join(bank.role_ids)}")
    if per_role < 1:
        raise UsageError("--per-role must be 1 or more")
    codes = resolve_partnerships(ws, partnerships)
    held = {p.code for p in ws.partnerships()}
    ws.add_partnerships(partnership_for(c) for c in codes if c not in held)
    earlier = ws.round_plan(bank.id, wave)
    plan = RoundPlan(bank.id, wave, tuple(dict.fromkeys(roles)), per_role, tuple(codes),
                     deadline, return_to, forms=earlier.forms if earlier else ())
    return ws.save_round(plan)


ROSTER_IMPORT = "roster-import"


def import_roster(ws: "Workspace", path: Path, bank: Bank, wave: str,
                  command: Sequence[str] = ()) -> tuple[list[RosterEntry], list[str]]:
    """Check a roster file whole against the bank and the stored roster, then store it.
    Returns the entries and warnings about entries that are odd but not wrong.

    The import writes one file per partnership, so it is journalled (store.journal, under
    `command`, the words that run it again): an import interrupted part-way is reported by
    `doctor`, and the same import run again stores the rest, taking the entries the interrupted
    run stored (exactly as in the file) as its own rather than refusing them as already on the
    roster. A finished import run again is still refused that way."""
    from stocktake.store import journal

    rows = read_roster_file(path)
    record_key = {"bank": bank.id, "wave": wave, "file": os.path.abspath(path)}
    begun = journal.find(ws, ROSTER_IMPORT, record_key)
    existing = ws.roster(bank=bank.id, wave=wave)
    stored_before: set[RosterEntry] = set()
    if begun is not None:
        in_file = set(check_roster_rows(rows, bank_id=bank.id, wave=wave, roles=bank.role_ids,
                                        known_codes=known_codes(ws), source=str(path)))
        stored_before = {e for e in existing if e in in_file}
        existing = [e for e in existing if e not in stored_before]
    entries = check_roster_rows(rows, bank_id=bank.id, wave=wave, roles=bank.role_ids,
                                known_codes=known_codes(ws), existing=existing,
                                source=str(path))
    begun = journal.begin(ws, ROSTER_IMPORT, record_key, command=tuple(command),
                          what=f"a roster import of {os.path.abspath(path)} ({bank.id} {wave})")
    _add_missing_partnerships(ws, entries)
    ws.add_roster(e for e in entries if e not in stored_before)
    journal.finish(ws, begun)
    return entries, roster_warnings(entries, ws.round_plan(bank.id, wave))


def add_to_roster(ws: "Workspace", bank: Bank, wave: str, code: str, role: str,
                  respondent: str, email: str = "", organisation: str = ""
                  ) -> tuple[RosterEntry, list[str]]:
    row = {"partnership": code, "role": role, "respondent": respondent, "email": email,
           "organisation": organisation}
    entries = check_roster_rows([("the command line", row)], bank_id=bank.id, wave=wave,
                                roles=bank.role_ids, known_codes=known_codes(ws),
                                existing=ws.roster(bank=bank.id, wave=wave),
                                source="roster add")
    _add_missing_partnerships(ws, entries)
    ws.add_roster(entries)
    return entries[0], roster_warnings(entries, ws.round_plan(bank.id, wave))


def roster_warnings(entries: Sequence[RosterEntry], plan: RoundPlan | None) -> list[str]:
    """Entries stored but worth a second look: a district council respondent where there is no
    district council (unitary authorities, London boroughs, metropolitan districts), and a role
    the round's plan does not ask (they are expected all the same)."""
    from stocktake.partnerships.reference import authority
    from stocktake.round.plan import DISTRICT_ROLE

    found = []
    for e in entries:
        known = authority(e.partnership)
        if e.role == DISTRICT_ROLE and known is not None and not known.two_tier:
            found.append(f"{e.respondent} ({e.partnership}, {known.name}) is down as district "
                         f"council, but {known.name} has no district councils; they will be "
                         "expected all the same (`roster remove` takes them off)")
        elif plan is not None and plan.roles and e.role not in plan.roles:
            found.append(f"{e.respondent} ({e.partnership}) answers as {e.role}, a role the "
                         f"round's plan does not ask ({', '.join(plan.roles)}); they will be "
                         "expected all the same")
    return found


def _add_missing_partnerships(ws: "Workspace", entries: Iterable[RosterEntry]) -> None:
    from stocktake.partnerships.model import partnership_for

    held = {p.code for p in ws.partnerships()}
    new = sorted({e.partnership for e in entries} - held)
    if new:
        ws.add_partnerships(partnership_for(c) for c in new)


def round_for(ws: "Workspace", bank_ref: str | None, wave: str | None
              ) -> tuple[str | None, str | None]:
    """The bank id and wave a round command means: as given, else the latest planned round's."""
    plans = ws.rounds()
    if bank_ref is None and plans:
        bank_ref = plans[-1].bank
        wave = wave or plans[-1].wave
    if wave is None and bank_ref is not None:
        matching = [p for p in plans if p.bank == bank_ref]
        if matching:
            wave = matching[-1].wave
    return bank_ref, wave


def workspace_status(ws: "Workspace", bank: Bank, wave: str, *, today: date,
                     codes: Sequence[str] | None = None) -> RoundStatus:
    """The round's status from the workspace (one read of each partnership's file)."""
    from stocktake.partnerships.reference import authority
    from stocktake.round.roster import RosterEntry as Entry
    from stocktake.round.status import ResponseSummary
    from stocktake.store.shard_cache import derived_per_shard

    plan = ws.round_plan(bank.id, wave)
    names = {p.code: p.name for p in ws.partnerships()}
    responses: dict[str, list[ResponseSummary]] = {}
    roster: list[Entry] = []
    asked: dict[str, tuple] = {}  # each role's questions, worked out once
    paths = [ws.shard_path(c) for c in codes] if codes else ws.shard_files()
    # Through the shard cache: a partnership's summaries are worked out again only when its
    # file's bytes, the bank edition, the wave or this code differ.
    records = derived_per_shard(ws, STATUS_KIND, status_cache_key(bank, wave), paths,
                                lambda path, data: status_record(bank, wave, data, asked))
    for record in records:
        for partnership, *fields in record["responses"]:
            responses.setdefault(partnership, []).append(ResponseSummary(*fields))
        roster.extend(Entry.from_doc(d) for d in record["roster"])

    def two_tier(code: str) -> bool:
        known = authority(code)
        return bool(known and known.two_tier)

    return round_status(bank, wave, plan, roster, responses, names, two_tier, today=today,
                        codes=codes)


STATUS_KIND = "status"
_STATUS_CODE = ("stocktake.round.fieldwork", "stocktake.round.status",
                "stocktake.banks.applicability", "stocktake.banks.model", "stocktake.records.responses")


def status_cache_key(bank: Bank, wave: str) -> str:
    """What a partnership's status record depends on besides its file: the bank's id, version
    and content hash, the wave, and the code that summarises it."""
    import json

    from stocktake.store.shard_cache import code_fingerprint

    return json.dumps({"bank": bank.id, "version": bank.version, "hash": bank.hash,
                       "wave": wave, "code": code_fingerprint(_STATUS_CODE)}, sort_keys=True)


def status_record(bank: Bank, wave: str, data: Mapping, asked: dict[str, tuple] | None = None
                  ) -> dict:
    """What status needs of one partnership's file, as plain data: {"responses": [[partnership,
    respondent, role, answered, applicable, last_answer], ...] for the bank and wave,
    "roster": [roster documents]}."""
    from stocktake.round.status import summarise_response

    asked = {} if asked is None else asked
    rows = []
    for doc in data.get("responses", {}).values():
        if doc.get("bank") == bank.id and doc.get("wave") == wave:
            s = summarise_response(bank, doc, asked)
            rows.append([doc["partnership"], s.respondent, s.role, s.answered, s.applicable,
                         s.last_answer])
    return {"responses": rows, "roster": list(data.get("roster", {}).values())}


def verify_status_entry(key: str, data: Mapping, record) -> str | None:
    """For `stocktake doctor`: why a cached status record is not what the partnership file
    `data` gives under `key` afresh, or None when it is (or the key is no longer in use)."""
    import json

    from stocktake.banks.loading import find_bank

    try:
        wanted = json.loads(key)
        bank = find_bank(wanted["bank"])
    except (ValueError, TypeError, KeyError, StocktakeError):
        return None
    if status_cache_key(bank, wanted.get("wave", "")) != key:
        return None
    if status_record(bank, wanted["wave"], data) != record:
        return "its status differs from what the partnership's file gives"
    return None


def write_round_forms(ws: "Workspace", bank: Bank, wave: str, out_dir: Path, *,
                      codes: Sequence[str] | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      shared: bool = False) -> list[dict]:
    """One form per expected respondent (or per partnership and role where anyone may answer)
    in `out_dir` (created 0700, the forms 0600, unless `shared`), with the deadline and where to send it printed on each, and `manifest.csv`
    beside them; the manifest is also kept with the round, so `status --chase` can name each
    missing respondent's form. Returns the manifest rows."""
    from stocktake.partnerships.model import partnership_for
    from stocktake.partnerships.reference import authority
    from stocktake.workbooks.forms import create_form

    plan = ws.round_plan(bank.id, wave)
    roster = ws.roster(bank=bank.id, wave=wave)
    wanted = list(codes) if codes else sorted(
        set(plan.partnerships if plan else ()) | {e.partnership for e in roster})
    if not wanted:
        raise StocktakeError(f"no round of {bank.id} {wave} is planned and its roster is empty",
                             hint="plan it with `stocktake round plan` or import a roster with "
                                  "`stocktake roster import` first")
    expected: list[Expected] = []
    for code in wanted:
        known = authority(code)
        expected.extend(expected_respondents(plan, code, roster,
                                             two_tier=bool(known and known.two_tier)))
    forms = [e for e in forms_to_write(expected) if bank.questions_for_role(e.role)]
    if not forms:
        raise StocktakeError(f"nobody is expected to answer {bank.id} {wave}",
                             hint="give the plan roles with `stocktake round plan --roles`")
    notes = _return_note(plan)
    partnerships = {p.code: p for p in ws.partnerships()}
    rows: list[dict] = []
    for n, (e, name) in enumerate(zip(forms, form_file_names(forms)), start=1):
        partnership = partnerships.get(e.partnership) or partnership_for(e.partnership)
        create_form(out_dir / name, bank, partnership, e.role, wave, e.respondent, notes=notes,
                    shared=shared)
        rows.append({"file": name, "partnership": e.partnership, "name": partnership.name,
                     "role": e.role, "respondent": e.respondent, "email": e.email})
        if progress is not None:
            progress(n, len(forms))
    write_manifest(out_dir / "manifest.csv", rows, shared=shared)
    base = plan or RoundPlan(bank.id, wave, (), 1, ())
    ws.save_round(replace(base, forms=tuple(
        {"file": str(out_dir / r["file"]), "partnership": r["partnership"], "role": r["role"],
         "respondent": r["respondent"]} for r in rows)))
    return rows


def _return_note(plan: RoundPlan | None) -> str:
    if plan is None or not (plan.deadline or plan.return_to):
        return ""
    parts = []
    if plan.deadline:
        parts.append(f"Please return this form by {date.fromisoformat(plan.deadline):%d %B %Y}")
    if plan.return_to:
        parts.append(("to " if parts else "Please return this form to ") + plan.return_to)
    return " ".join(parts) + "."


def write_manifest(path: Path, rows: Sequence[dict], shared: bool = False) -> None:
    write_csv(path, MANIFEST_COLUMNS, rows, shared=shared)


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict],
              shared: bool = False) -> None:
    """A UTF-8 CSV (with BOM, so Excel reads the accents), written atomically and owner-only
    (its folder created 0700) unless `shared`; formula-like text gets a leading apostrophe.
    StocktakeError (DiskFull when the disk is full) if it cannot be written."""
    from stocktake.privacy.injection import csv_safe
    from stocktake.files.output_files import write_output_bytes

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(row.get(c, "")) for c in columns])
    write_output_bytes(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"), shared=shared)


CHASE_COLUMNS = ("partnership", "name", "role", "respondent", "email", "organisation", "form")
