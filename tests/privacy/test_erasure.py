"""Gone means gone: personal data removed from an answer is found, and purged, in the answer's
history, every backup and every kept copy; afterwards nothing in the workspace holds it."""

from __future__ import annotations

import json
import re

from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.scoring.national import national_benchmark
from stocktake.partnerships.model import partnership_for
from stocktake.privacy.personal_data import NHS_NUMBER
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

VALID_NHS = "9434765919"  # the NHS's published example
SPACED = "943 476 5919"
KEY = ResponseKey("E09000007", "mini", "2026-27", "Director")
ANY_NHS = re.compile(rb"943[ -]?476[ -]?5919")


def grep_workspace(root) -> list[str]:
    """Every file under the workspace whose bytes hold the NHS number, however spaced."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and not p.is_symlink() and ANY_NHS.search(p.read_bytes()))


def replaced_by_a_clean_note(workspace) -> None:
    """The issue's example: evidence with an NHS number, then the same answer with a clean note,
    then two more saves, so the number is in the history and in all three backups."""
    workspace.add_partnerships([partnership_for("E09000007")])
    save = lambda evidence: workspace.save_answer(  # noqa: E731
        KEY, Answer("vision.statement", ANSWERED, "yes", evidence), role="council")
    save(f"Case of child NHS {SPACED}")
    save("Board minutes, March")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="council")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 4), role="council")


def test_text_replaced_by_a_clean_note_is_found_in_history_and_every_backup(cli, workspace):
    replaced_by_a_clean_note(workspace)
    assert grep_workspace(workspace.root)  # the premise: it is still on disk
    result = cli("privacy-check", "--json", workspace=workspace.root)
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    places = {f["place"] for f in found}
    assert "history" in places
    assert {"backups/partnerships/E09000007.json.1", "backups/partnerships/E09000007.json.2",
            "backups/partnerships/E09000007.json.3"} <= places
    assert "answers" not in places  # the current answer is clean
    assert all(f["kinds"] == [NHS_NUMBER] and SPACED not in f["masked"] for f in found)
    history = next(f for f in found if f["place"] == "history")
    assert (history["respondent"], history["question"], history["field"]) == \
        ("Director", "vision.statement", "evidence (history)")
    table = cli("privacy-check", workspace=workspace.root)
    assert "backups/partnerships/E09000007.json.1" in table.stdout
    assert "--purge" in table.stdout


def test_purge_masks_every_copy_and_then_nothing_in_the_workspace_holds_it(cli, workspace):
    replaced_by_a_clean_note(workspace)
    result = cli("privacy-check", "--purge", "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Masked 1 text(s) in partnerships/E09000007.json (NHS number)" in result.stdout
    assert "backups/partnerships/E09000007.json.3" in result.stdout
    assert grep_workspace(workspace.root) == []
    assert cli("privacy-check", workspace=workspace.root).exit_code == 0
    assert cli("doctor", workspace=workspace.root).exit_code == 0
    # What was not personal data is kept: the answers, the rest of the history.
    answers = workspace.response(KEY).answers
    assert answers["vision.statement"].evidence == "Board minutes, March"
    assert answers["vision.known"].value == 4
    (earlier, *_rest) = workspace.history(KEY)
    assert earlier["previous"]["evidence"] == "Case of child NHS [redacted NHS number]"


def test_purge_asks_first_and_changes_nothing_when_refused(cli, workspace):
    replaced_by_a_clean_note(workspace)
    before = grep_workspace(workspace.root)
    result = cli("privacy-check", "--purge", input="n\n", workspace=workspace.root)
    assert result.exit_code == 1
    assert "nothing was changed" in result.stderr
    assert grep_workspace(workspace.root) == before
    result = cli("privacy-check", "--purge", input="y\n", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert grep_workspace(workspace.root) == []


def test_purge_of_one_partnership_leaves_the_others_alone(cli, workspace):
    replaced_by_a_clean_note(workspace)
    other = ResponseKey("E08000025", "mini", "2026-27", "Head")
    workspace.save_answer(other, Answer("vision.statement", ANSWERED, "yes", f"NHS {VALID_NHS}"),
                          role="council")
    result = cli("privacy-check", "E09000007", "--purge", "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert grep_workspace(workspace.root) == ["partnerships/E08000025.json"]


def test_purge_with_a_bank_or_wave_is_a_usage_error(cli, workspace):
    result = cli("privacy-check", "--purge", "--bank", "mini", workspace=workspace.root)
    assert result.exit_code == 2
    assert "whole partnership or the whole workspace" in result.stderr


def test_a_damaged_copy_kept_by_doctor_is_scanned_and_purged_as_text(cli, workspace):
    replaced_by_a_clean_note(workspace)
    shard = workspace.shard_path("E09000007")
    shard.write_bytes(b'{"responses": {"1": {"evidence": "NHS ' + VALID_NHS.encode() + b'"')
    assert cli("doctor", "--restore", workspace=workspace.root).exit_code == 0
    found = json.loads(cli("privacy-check", "--json", workspace=workspace.root).stdout)
    assert any(f["place"].startswith("partnerships/E09000007.json.damaged-")
               and f["field"] == "raw text" for f in found)
    assert cli("privacy-check", "--purge", "--yes", workspace=workspace.root).exit_code == 0
    assert grep_workspace(workspace.root) == []


def test_merge_without_redact_then_with_it_leaves_nothing_after_purge(cli, workspace, mini_bank,
                                                                      tmp_path):
    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.save_answers(KEY, [Answer("vision.statement", ANSWERED, "yes", f"NHS {SPACED}"),
                                 Answer("vision.known", ANSWERED, 3)], role="council")
    national = national_benchmark(workspace, mini_bank, "2026-27")
    returns = tmp_path / "returns"
    write_export(gather_export(workspace, mini_bank, "E09000007", "2026-27", national=national),
                 "xlsx", returns)
    fresh = Workspace.open(tmp_path / "national-ws")
    merge_workbooks([returns], tmp_path / "n1.xlsx", workspace=fresh)
    merge_workbooks([returns], tmp_path / "n2.xlsx", workspace=fresh, redact=True)
    assert "partnerships/E09000007.json" not in grep_workspace(fresh.root)  # --redact's part
    assert grep_workspace(fresh.root) == ["backups/partnerships/E09000007.json.1"]  # the rest
    result = cli("privacy-check", "--json", workspace=fresh.root)
    assert result.exit_code == 1
    assert {f["place"] for f in json.loads(result.stdout)} == \
        {"backups/partnerships/E09000007.json.1"}
    assert cli("privacy-check", "--purge", "--yes", workspace=fresh.root).exit_code == 0
    assert grep_workspace(fresh.root) == []
    assert cli("privacy-check", workspace=fresh.root).exit_code == 0


def test_a_bank_hash_that_looks_like_an_nhs_number_is_neither_reported_nor_masked(cli,
                                                                                  workspace):
    hashed = "ab" + VALID_NHS + "cd" * 26  # ten digits passing the check, inside a hex hash
    workspace.add_partnerships([partnership_for("E09000007")])
    for value in ("no", "yes"):
        workspace.save_answer(KEY, Answer("vision.statement", ANSWERED, value), role="council",
                              bank_hash=hashed)
    assert cli("privacy-check", workspace=workspace.root).exit_code == 0
    assert cli("privacy-check", "--purge", "--yes", workspace=workspace.root).exit_code == 0
    assert workspace.response(KEY).bank_hash == hashed


def test_a_respondent_named_by_an_e_mail_address_is_found(cli, workspace):
    key = ResponseKey("E09000007", "mini", "2026-27", "jo.bloggs@example.org")
    workspace.save_answer(key, Answer("vision.statement", ANSWERED, "yes"), role="council")
    found = json.loads(cli("privacy-check", "--json", workspace=workspace.root).stdout)
    assert [(f["field"], f["place"]) for f in found] == [("respondent name", "answers")]
