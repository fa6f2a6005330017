"""The shard cache (issue 25): national figures from the cache are the figures the files give.

Every test compares what goes through the cache with what is worked out from the stored files
without it (`score_shard`, and status summarised file by file as before the cache), in real
workspaces written through the store's API, with real subprocesses for the concurrent case.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.banks.loading import load_bank
from stocktake.records.responses import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer, Moderation,
                                 ResponseKey)
from stocktake.round.fieldwork import (STATUS_KIND, status_cache_key, workspace_status)
from stocktake.round.roster import RosterEntry
from stocktake.round.status import round_status, summarise_response
from stocktake.scoring.national import (SCORES_KIND, all_partnership_scores, score_shard,
                                        scores_cache_key)
from stocktake.store.doctor import diagnose, repair_workspace
from stocktake.store.shard_cache import (cache_files, cache_path, encode_cache,
                                         read_cache_file)
from stocktake.store.store_files import read_store_file
from stocktake.store.workspace import Workspace
from stocktake.workbooks.exports import TARGETS_KIND, export_targets, targets_cache_key

from helpers.paths import DATA, REPO

WAVE = "2026-27"
CODES = ["E09000007", "E09000001", "E06000001", "E08000003"]
TODAY = date(2026, 11, 1)


def uncached_scores(ws: Workspace, bank, wave: str = WAVE) -> list:
    return [s for s in (score_shard(p, bank, wave) for p in ws.shard_files()) if s is not None]


def uncached_status(ws: Workspace, bank, wave: str = WAVE):
    """The round's status as it was worked out before the cache: every file read and summarised."""
    responses, roster, asked = {}, [], {}
    for path in ws.shard_files():
        data = read_store_file(path) or {}
        for doc in data.get("responses", {}).values():
            if doc.get("bank") == bank.id and doc.get("wave") == wave:
                responses.setdefault(doc["partnership"], []).append(
                    summarise_response(bank, doc, asked))
        roster.extend(RosterEntry.from_doc(d) for d in data.get("roster", {}).values())
    names = {p.code: p.name for p in ws.partnerships()}
    return round_status(bank, wave, ws.round_plan(bank.id, wave), roster, responses, names,
                        lambda code: False, today=TODAY)


def uncached_targets(ws: Workspace, bank_id=None, wave=None) -> list:
    """What export_targets gave before the cache: every file read whole."""
    found = []
    for path in ws.shard_files():
        data = read_store_file(path) or {}
        found.extend(t for t in sorted({(d["partnership"], d["bank"], d["wave"])
                                        for d in data.get("responses", {}).values()})
                     if (bank_id is None or t[1] == bank_id) and (wave is None or t[2] == wave))
    return found


def answer(qid: str, level: int) -> Answer:
    """An answer of the mini bank's question `qid` from a drawn number."""
    if level == 0:
        return Answer(qid, DONT_KNOW)
    if level == 5:
        return Answer(qid, NOT_APPLICABLE)
    values = {"vision.statement": ["yes", "no"][level % 2],
              "vision.known": level, "vision.consulted": [["children"], ["parents", "staff"],
                                                          ["staff"], ["children", "parents"]]
              [level - 1],
              "risk.register": ["none", "partial", "full", "partial"][level - 1],
              "risk.vacancies": level * 12.5, "risk.barrier": f"barrier {level}"}
    return Answer(qid, ANSWERED, values[qid], evidence=f"note {level}")


QUESTIONS = ["vision.statement", "vision.known", "vision.consulted", "risk.register",
             "risk.vacancies", "risk.barrier"]
ROLES = ["council", "health", "young-people"]

edits = st.lists(st.one_of(
    st.tuples(st.just("answer"), st.sampled_from(CODES), st.integers(0, 3),
              st.sampled_from(QUESTIONS), st.integers(0, 5), st.sampled_from([WAVE, "2025-26"])),
    st.tuples(st.just("moderate"), st.sampled_from(CODES), st.sampled_from(["vision", "risk"]),
              st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2))),
    st.tuples(st.just("remove"), st.sampled_from(CODES), st.integers(0, 3)),
    st.tuples(st.just("look"),)), min_size=1, max_size=14)


def apply(ws: Workspace, edit: tuple) -> None:
    """One edit through the store's API (save an answer, moderate, remove a respondent)."""
    if edit[0] == "answer":
        _, code, who, qid, level, wave = edit
        ws.save_answers(ResponseKey(code, "mini", wave, f"Respondent {who}"), [answer(qid, level)],
                        role=ROLES[who % len(ROLES)])
    elif edit[0] == "moderate":
        _, code, area, score = edit
        ws.add_moderation(Moderation(code, "mini", WAVE, area, score, "seen", "Pat"))
    elif edit[0] == "remove":
        _, code, who = edit
        key = ResponseKey(code, "mini", WAVE, f"Respondent {who}")
        if ws.response(key) is not None:
            ws.remove(code, [key], keep=False)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=edits)
def test_after_random_edits_to_random_partnerships_cached_figures_equal_uncached(mini_bank,
                                                                                  edits):
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(Path(folder) / "ws")
        for edit in edits:
            apply(ws, edit)
            # Between edits: the cache is filled, then edited files must be worked out again.
            assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
            assert workspace_status(ws, mini_bank, WAVE, today=TODAY) == uncached_status(ws, mini_bank)
            assert export_targets(ws, None, None, None) == uncached_targets(ws)
            assert export_targets(ws, None, "mini", WAVE) == uncached_targets(ws, "mini", WAVE)
        assert all_partnership_scores(ws, mini_bank, "2025-26") == \
            uncached_scores(ws, mini_bank, "2025-26")
        assert diagnose(ws, _verifier()).cache == []


def _verifier():
    from stocktake.cli.doctor import verify_cache

    return verify_cache


def scored_workspace(root: Path) -> Workspace:
    ws = Workspace.open(root)
    for n, code in enumerate(CODES):
        for who in range(3):
            key = ResponseKey(code, "mini", WAVE, f"Respondent {who}")
            ws.save_answers(key, [answer(q, 1 + (n + who) % 4) for q in QUESTIONS],
                            role=ROLES[who % 2])
    return ws


def reseal(path: Path, change) -> None:
    """Rewrite a cache file with `change(body)` applied and a seal that matches, as only this
    module writes them: what a cache made by a wrong program would look like."""
    body, why = read_cache_file(path)
    assert why is None
    change(body)
    path.write_bytes(encode_cache(body["kind"], body["key"], body["shards"]))


def poison(body: dict) -> None:
    for entry in body["shards"].values():
        if entry["record"] is None:
            continue
        if isinstance(entry["record"], list):
            entry["record"][4] = 1.0  # overall
        else:
            for row in entry["record"]["responses"]:
                row[3] = 0  # answered


def test_a_cache_is_used_only_for_the_bytes_it_was_made_from(tmp_path, mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    first = all_partnership_scores(ws, mini_bank, WAVE)
    path = cache_path(ws, SCORES_KIND, scores_cache_key(mini_bank, WAVE))
    assert len(read_cache_file(path)[0]["shards"]) == len(CODES)
    # An edit by hand of the same size, with its times put back: only the bytes tell.
    shard = ws.shard_path(CODES[0])
    info = shard.stat()
    raw = shard.read_bytes()
    edited = raw.replace(b'"value":"none"', b'"value":"full"', 1)
    assert edited != raw and len(edited) == len(raw)
    with open(shard, "r+b") as handle:  # in place: the same inode too
        handle.write(edited)
    os.utime(shard, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (shard.stat().st_size, shard.stat().st_mtime_ns, shard.stat().st_ino) == \
        (info.st_size, info.st_mtime_ns, info.st_ino)
    again = all_partnership_scores(ws, mini_bank, WAVE)
    assert again == uncached_scores(ws, mini_bank)
    assert again != first


def test_a_bank_edition_change_is_never_served_the_old_editions_figures(tmp_path, mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    old = cache_path(ws, SCORES_KIND, scores_cache_key(mini_bank, WAVE))
    # Make the old edition's cache hold wrong figures: were it ever read for the new edition,
    # the figures below would show it.
    reseal(old, poison)
    text = (DATA / "mini.toml").read_text()
    for name, edited in (
            ("a new version", text.replace('version = "1.0"', 'version = "1.1"', 1)),
            ("a weight changed, version kept", text.replace("weight = 2", "weight = 3", 1))):
        folder = tmp_path / name.replace(" ", "-").replace(",", "")
        folder.mkdir()
        (folder / "mini.toml").write_text(edited)
        bank = load_bank(folder / "mini.toml")
        assert bank.hash != mini_bank.hash
        assert cache_path(ws, SCORES_KIND, scores_cache_key(bank, WAVE)) != old
        assert all_partnership_scores(ws, bank, WAVE) == uncached_scores(ws, bank), name
    assert all_partnership_scores(ws, mini_bank, WAVE) != uncached_scores(ws, mini_bank)
    # ... which doctor finds, and --restore deletes; the figures are then right again.
    found = diagnose(ws, _verifier())
    assert [c.path for c in found.cache] == [old]
    assert "differ" in found.cache[0].why
    assert repair_workspace(ws, found.reports, found.cache).cache_deleted == [old]
    assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
    assert diagnose(ws, _verifier()).healthy


def test_a_wave_and_a_kind_have_caches_of_their_own(tmp_path, mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    assert all_partnership_scores(ws, mini_bank, "2025-26") == []
    workspace_status(ws, mini_bank, WAVE, today=TODAY)
    names = {p.name.split("-")[0] for p in cache_files(ws)}
    assert names == {SCORES_KIND, STATUS_KIND}
    assert cache_path(ws, STATUS_KIND, status_cache_key(mini_bank, WAVE)).exists()
    assert len(cache_files(ws)) == 3


@pytest.mark.parametrize("damage", ["cut short", "seal changed", "not json", "other key"])
def test_a_damaged_cache_is_never_used_and_doctor_names_it(tmp_path, mini_bank, damage, cli):
    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    path = cache_path(ws, SCORES_KIND, scores_cache_key(mini_bank, WAVE))
    raw = path.read_bytes()
    seal, _, body = raw.partition(b"\n")
    if damage == "cut short":
        path.write_bytes(raw[:len(raw) // 2])
    elif damage == "seal changed":
        poisoned = body.replace(b"Respondent 1", b"Respondent 9")
        path.write_bytes(seal + b"\n" + poisoned)
    elif damage == "not json":
        path.write_bytes(hashlib.sha256(b"{").hexdigest().encode() + b"\n{")
    else:
        reseal(path, lambda b: b.update(key=b["key"].replace(WAVE, "2030-31")))
    assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
    # The command rewrote it whole; damage it again for the doctor.
    path.write_bytes(raw[:len(raw) // 2] if damage != "other key" else path.read_bytes())
    if damage == "other key":
        reseal(path, lambda b: b.update(key=b["key"].replace(WAVE, "2030-31")))
    result = cli("doctor")
    assert result.exit_code == 1
    assert "CACHE" in result.output and path.name in result.output
    result = cli("doctor", "--restore")
    assert "Deleted the cache file" in result.output
    assert not path.exists()
    assert cli("doctor").exit_code == 0


def test_a_sealed_record_of_another_shape_is_worked_out_afresh_and_named(tmp_path, mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    path = cache_path(ws, SCORES_KIND, scores_cache_key(mini_bank, WAVE))

    def truncate(body):
        for entry in body["shards"].values():
            entry["record"] = entry["record"][:3]

    reseal(path, truncate)
    assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
    found = diagnose(ws, _verifier()).cache
    assert [c.path for c in found] == [path] and "not a scores record" in found[0].why
    path.unlink()


@pytest.mark.parametrize("wrong", ["another shape", "another wave"])
def test_export_targets_of_a_wrong_cache_are_worked_out_afresh_or_named_by_doctor(
        tmp_path, mini_bank, wrong):
    ws = scored_workspace(tmp_path / "ws")
    assert export_targets(ws, None, None, None) == uncached_targets(ws)
    path = cache_path(ws, TARGETS_KIND, targets_cache_key())
    assert len(read_cache_file(path)[0]["shards"]) == len(CODES)

    def change(body):
        for entry in body["shards"].values():
            entry["record"] = ("not targets" if wrong == "another shape"
                               else [[row[0], row[1], "2030-31"] for row in entry["record"]])

    reseal(path, change)
    if wrong == "another shape":
        assert export_targets(ws, None, None, None) == uncached_targets(ws)
    found = diagnose(ws, _verifier()).cache
    assert [c.path for c in found] == [path]
    assert ("not a list" if wrong == "another shape" else "differ") in found[0].why
    assert repair_workspace(ws, [], found).cache_deleted == [path]
    assert export_targets(ws, None, None, None) == uncached_targets(ws)
    assert diagnose(ws, _verifier()).healthy


def test_a_damaged_partnership_file_is_refused_even_with_its_figures_cached(tmp_path,
                                                                            mini_bank):
    from stocktake.store.store_files import DamagedStoreFile

    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    ws.shard_path(CODES[1]).write_text("{")
    with pytest.raises(DamagedStoreFile, match=CODES[1]):
        all_partnership_scores(ws, mini_bank, WAVE)
    ws.shard_path(CODES[1]).unlink()  # leave a workspace doctor passes


def test_an_erasure_leaves_no_name_in_the_cache(tmp_path, cli, mini_bank):
    ws = Workspace.open(tmp_path / "ws")
    for code, who in ((CODES[0], "Alex Example"), (CODES[0], "Sam Other"),
                      (CODES[1], "Kim Third")):
        ws.save_answers(ResponseKey(code, "mini", WAVE, who),
                        [answer(q, 2) for q in QUESTIONS], role="council")
    assert cli("benchmark", "--bank", "mini", "--wave", WAVE, "--json").exit_code == 0
    assert cli("status", "--bank", "mini", "--wave", WAVE).exit_code == 0
    assert b"Alex Example" in b"".join(p.read_bytes() for p in cache_files(ws))
    result = cli("remove", CODES[0], "--bank", "mini", "--wave", WAVE, "--respondent",
                 "Alex Example", "--purge", "--yes")
    assert result.exit_code == 0, result.output
    holding = [p for p in ws.root.rglob("*") if p.is_file() and b"Alex Example" in p.read_bytes()]
    assert holding == []
    assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
    assert workspace_status(ws, mini_bank, WAVE, today=TODAY) == uncached_status(ws, mini_bank)


WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from stocktake.banks.loading import load_bank
    from stocktake.records.responses import ANSWERED, Answer, ResponseKey
    from stocktake.scoring.national import all_partnership_scores, score_shard
    from stocktake.store.workspace import Workspace

    root, code, bank_path, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ws, bank = Workspace(Path(root)), load_bank(Path(bank_path))
    for n in range(rounds):
        key = ResponseKey(code, "mini", "2026-27", f"Worker {n % 3}")
        ws.save_answers(key, [Answer("vision.known", ANSWERED, 1 + n % 4),
                              Answer("vision.statement", ANSWERED, "yes")], role="council")
        # Right after this process's own write, the nation read through the cache (which the
        # other process keeps rewriting) must hold this partnership's new figure, never an
        # older one.
        mine = [s for s in all_partnership_scores(ws, bank, "2026-27") if s.partnership == code]
        fresh = score_shard(ws.shard_path(code), bank, "2026-27")
        if mine != [fresh]:
            print(f"stale figure for {code} after write {n}", file=sys.stderr)
            sys.exit(3)
""")


def test_two_processes_writing_and_reading_at_once_never_see_a_stale_figure(tmp_path,
                                                                            mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    all_partnership_scores(ws, mini_bank, WAVE)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(ws.root), code,
                                 str(DATA / "mini.toml"), "25"], env=env,
                                stderr=subprocess.PIPE, text=True)
               for code in CODES[:2]]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
    assert diagnose(ws, _verifier()).healthy


def test_a_read_only_workspace_is_scored_without_a_cache(tmp_path, mini_bank):
    ws = scored_workspace(tmp_path / "ws")
    os.chmod(ws.root, 0o500)
    try:
        assert all_partnership_scores(ws, mini_bank, WAVE) == uncached_scores(ws, mini_bank)
        assert not (ws.root / "cache").exists()
    finally:
        os.chmod(ws.root, 0o700)


def test_misses_worked_out_on_two_cores_equal_those_worked_out_in_one(tmp_path, mini_bank):
    from stocktake.store.store_files import DamagedStoreFile

    ws = scored_workspace(tmp_path / "ws")
    assert all_partnership_scores(ws, mini_bank, WAVE, jobs=2) == uncached_scores(ws, mini_bank)
    assert len(read_cache_file(cache_path(ws, SCORES_KIND, scores_cache_key(
        mini_bank, WAVE)))[0]["shards"]) == len(CODES)
    assert all_partnership_scores(ws, mini_bank, WAVE, jobs=2) == uncached_scores(ws, mini_bank)
    ws.shard_path(CODES[2]).write_text('{}')
    ws.shard_path(CODES[3]).write_text('{"responses": {"1": {"bank": "mini"}}}')
    with pytest.raises(DamagedStoreFile, match=CODES[3]):
        all_partnership_scores(ws, mini_bank, WAVE, jobs=2)
    ws.shard_path(CODES[2]).unlink()
    ws.shard_path(CODES[3]).unlink()


@pytest.mark.parametrize("args", [("--min-count", "2"), ("--min-count", "5"),
                                  ("--region", "London"), ()], ids=" ".join)
def test_options_are_applied_after_the_cache_as_without_it(tmp_path, cli, args):
    scored_workspace(tmp_path / "ws")
    command = ("benchmark", "--bank", "mini", "--wave", WAVE, "--json", *args)
    cold = cli(*command)
    assert cold.exit_code == 0, cold.output
    assert any(p.name.startswith(SCORES_KIND) for p in cache_files(Workspace(tmp_path / "ws")))
    warm = cli(*command)
    assert warm.stdout == cold.stdout
    other = cli("benchmark", "--bank", "mini", "--wave", WAVE, "--json", "--min-count", "3")
    if args and args[0] == "--min-count":
        assert json.loads(warm.stdout)["min_count"] == int(args[1])
        assert json.loads(other.stdout)["min_count"] == 3
    for path in cache_files(Workspace(tmp_path / "ws")):
        path.unlink()
    assert cli(*command).stdout == cold.stdout
