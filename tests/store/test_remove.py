"""`stocktake remove`: a respondent or a whole partnership taken out, after a confirmation, kept
in backups/removed/ (or, with --purge, kept nowhere); an interview abandoned before any answer
stores no respondent; a re-imported form says how many answers it changed."""

from __future__ import annotations

import json
import re

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Moderation, ResponseKey

from helpers.filling import WAVE
from helpers.forms import FILLED, fill

CODE = "E09000007"
NHS = re.compile(rb"943[ -]?476[ -]?5919")


def two_respondents(workspace) -> None:
    workspace.add_partnerships([partnership_for(CODE)])
    for who, evidence in (("Eve", "NHS 943 476 5919"), ("Bob", "Board minutes")):
        key = ResponseKey(CODE, "mini", WAVE, who)
        workspace.save_answer(key, Answer("vision.statement", ANSWERED, "no", evidence),
                              role="council")
        workspace.save_answer(key, Answer("vision.statement", ANSWERED, "yes", evidence),
                              role="council")
    workspace.add_moderation(Moderation(CODE, "mini", WAVE, "vision", 40, "seen", "A"))


def holding(root, pattern=NHS) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and pattern.search(p.read_bytes()))


def test_remove_a_respondent_asks_then_keeps_a_copy_and_says_where(cli, workspace):
    two_respondents(workspace)
    refused = cli("remove", CODE, "--respondent", "Eve", input="n\n", workspace=workspace.root)
    assert refused.exit_code == 1 and "nothing was removed" in refused.stderr
    assert "Eve (council, mini 2026-27): 1 answer(s)" in refused.stderr
    assert {r.key.respondent for r in workspace.responses(CODE)} == {"Eve", "Bob"}
    result = cli("remove", CODE, "--respondent", "Eve", input="y\n", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Removed 1 response(s) of E09000007: Eve (council, mini 2026-27)" in result.stdout
    (kept,) = (workspace.backup_dir / "removed").iterdir()
    assert f"kept in backups/removed/{kept.name}" in result.stdout
    assert {r.key.respondent for r in workspace.responses(CODE)} == {"Bob"}
    assert workspace.history(ResponseKey(CODE, "mini", WAVE, "Eve")) == []
    copy = json.loads(kept.read_bytes())
    assert [d["respondent"] for d in copy["responses"].values()] == ["Eve"]
    assert [d["respondent"] for d in copy["history"].values()] == ["Eve"]
    assert cli("doctor", workspace=workspace.root).exit_code == 0


def test_end_of_input_at_the_confirmation_removes_nothing(cli, workspace):
    two_respondents(workspace)
    result = cli("remove", CODE, "--respondent", "Eve", workspace=workspace.root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(workspace.responses(CODE)) == 2


def test_remove_filters_by_role_bank_and_wave_and_names_what_exists_when_none_match(cli,
                                                                                   workspace):
    two_respondents(workspace)
    result = cli("remove", CODE, "--respondent", "Eve", "--wave", "2025-26", "--yes",
                 workspace=workspace.root)
    assert result.exit_code == 1
    assert "no response of E09000007 matches --respondent 'Eve', --wave '2025-26'" in \
        result.stderr
    assert "Bob (council, mini 2026-27)" in result.stderr
    result = cli("remove", CODE, "--role", "council", "--bank", "mini", "--yes", "--json",
                 workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert sorted(r["respondent"] for r in json.loads(result.stdout)["responses"]) == \
        ["Bob", "Eve"]
    assert workspace.responses(CODE) == []
    assert workspace.find_partnership(CODE) is not None  # a filter never removes the entry


def test_remove_a_whole_partnership_takes_its_file_moderations_and_entry(cli, workspace):
    two_respondents(workspace)
    workspace.add_partnerships([partnership_for("E08000025")])
    result = cli("remove", CODE, "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Removed the whole partnership E09000007 (2 response(s)" in result.stdout
    assert "and 1 moderation(s)" in result.stdout
    assert not workspace.shard_path(CODE).exists()
    assert [p.code for p in workspace.partnerships()] == ["E08000025"]
    assert workspace.responses() == []
    (kept,) = (workspace.backup_dir / "removed").iterdir()
    assert len(json.loads(kept.read_bytes())["moderations"]) == 1
    assert cli("doctor", workspace=workspace.root).exit_code == 0
    assert cli("scores", CODE, "--bank", "mini", "--wave", WAVE,
               workspace=workspace.root).exit_code == 1


def test_remove_with_purge_leaves_no_copy_anywhere_for_an_erasure_request(cli, workspace):
    two_respondents(workspace)
    assert holding(workspace.root)  # in the shard, its history and its backups
    result = cli("remove", CODE, "--respondent", "Eve", "--purge", "--yes",
                 workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Nothing of it is kept in the workspace" in result.stdout
    assert "backups/partnerships/E09000007.json.1" in result.stdout
    assert holding(workspace.root) == []
    assert holding(workspace.root, re.compile(rb'"Eve"')) == []
    assert {r.key.respondent for r in workspace.responses(CODE)} == {"Bob"}
    assert cli("privacy-check", workspace=workspace.root).exit_code == 0
    assert cli("doctor", workspace=workspace.root).exit_code == 0


def test_a_whole_partnership_purged_leaves_none_of_its_files(cli, workspace):
    two_respondents(workspace)
    cli("remove", CODE, "--respondent", "Eve", "--yes", workspace=workspace.root)  # a kept copy
    result = cli("remove", CODE, "--purge", "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    left = sorted(str(p.relative_to(workspace.root)) for p in workspace.root.rglob("*")
                  if p.is_file() and CODE in p.name and not p.parent.name == "locks")
    assert left == []
    assert holding(workspace.root) == []


def test_remove_of_an_unknown_partnership_is_a_clear_error(cli, workspace):
    result = cli("remove", "E06000001", "--yes", workspace=workspace.root)
    assert result.exit_code == 1
    assert "not in the workspace" in result.stderr


def test_remove_help_names_the_erasure_route_and_has_an_example(cli):
    result = cli("remove", "--help")
    assert "erasure" in result.stdout and "--purge" in result.stdout
    assert "Example: stocktake remove" in result.stdout


# ---------------------------------------------------------------- empty respondents


def test_a_response_with_no_answer_is_never_stored(workspace):
    key = ResponseKey(CODE, "mini", WAVE, "Abandoned")
    started = workspace.start_response(key, role="council")
    assert started.answers == {}
    assert workspace.responses(CODE) == []
    assert not workspace.shard_path(CODE).exists()


def test_starting_again_in_another_role_is_still_refused_once_answers_exist(workspace):
    key = ResponseKey(CODE, "mini", WAVE, "Eve")
    workspace.save_answer(key, Answer("vision.statement", ANSWERED, "yes"), role="council")
    import pytest

    from stocktake.errors import StocktakeError

    with pytest.raises(StocktakeError, match="already answered"):
        workspace.start_response(key, role="schools")


# ---------------------------------------------------------------- re-import


def test_reimporting_a_form_says_how_many_answers_changed_and_keeps_the_old_in_history(
        cli, tmp_path, workspace):
    out = tmp_path / "camden-council.xlsx"
    cli("forms", "create", CODE, "--bank", "mini", "--role", "council", "--respondent",
        "Jo Bloggs", "--wave", WAVE, "--out", str(out), workspace=workspace.root)
    fill(out, FILLED)
    first = cli("forms", "import", str(out), "--json", workspace=workspace.root)
    row = json.loads(first.stdout)["stored"][0]
    assert (row["already_stored"], row["added"], row["changed"]) == (False, len(FILLED), 0)
    fill(out, {**FILLED, "vision.known": "4 - Everyone.", "risk.vacancies": 20})
    again = cli("forms", "import", str(out), workspace=workspace.root)
    assert again.exit_code == 0, again.output
    assert ("Jo Bloggs already stored: 2 answer(s) changed (earlier values kept in its history), "
            "0 added, 4 unchanged") in again.stdout
    key = ResponseKey(CODE, "mini", WAVE, "Jo Bloggs")
    assert workspace.response(key).answers["vision.known"].value == 4
    assert sorted((h["question"], h["previous"]["value"]) for h in workspace.history(key)) == \
        [("risk.vacancies", 12.5), ("vision.known", 3)]


def test_removing_a_partnership_with_no_responses_takes_its_entry_and_keeps_nothing(cli,
                                                                                    workspace):
    workspace.add_partnerships([partnership_for(CODE), partnership_for("E08000025")])
    result = cli("remove", CODE, "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "no copy was needed" in result.stdout
    assert [p.code for p in workspace.partnerships()] == ["E08000025"]
    assert not workspace.shard_path(CODE).exists()
    assert cli("doctor", workspace=workspace.root).exit_code == 0


# ---------------------------------------------------------------- the round's roster


def with_roster(workspace) -> None:
    from stocktake.round.roster import RosterEntry

    two_respondents(workspace)
    workspace.add_roster([RosterEntry(CODE, "council", " eve ", "eve@example.org", "Council",
                                      "mini", WAVE),
                          RosterEntry(CODE, "council", "Bob", "bob@example.org", "Council",
                                      "mini", WAVE)])
    workspace.add_roster([])  # a second version: the first goes to the backups


def test_removing_a_respondent_takes_their_roster_entry_and_purge_every_copy(cli, workspace):
    with_roster(workspace)
    workspace.save_answer(ResponseKey(CODE, "mini", WAVE, "Bob"),
                          Answer("vision.statement", ANSWERED, "no"), role="council")
    result = cli("remove", CODE, "--respondent", "Eve", "--purge", "--yes", "--json",
                 workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["roster_entries"] == 1
    assert [e.respondent for e in workspace.roster(CODE)] == ["Bob"]
    assert holding(workspace.root, re.compile(rb"eve@example.org")) == []
    assert holding(workspace.root, re.compile(rb"bob@example.org"))  # Bob stays on the roster


def test_roster_contact_addresses_are_not_privacy_findings_and_are_never_masked(cli, workspace):
    with_roster(workspace)
    result = cli("privacy-check", "--json", workspace=workspace.root)
    found = json.loads(result.stdout)
    assert not any("example.org" in f["masked"] or f["field"] == "email" for f in found)
    cli("privacy-check", "--purge", "--yes", workspace=workspace.root)
    assert {e.email for e in workspace.roster(CODE)} == {"eve@example.org", "bob@example.org"}


def test_a_whole_partnership_removed_keeps_every_table_of_its_file_in_the_copy(cli, workspace):
    from stocktake.reports.action_plan import PlanItem

    two_respondents(workspace)
    workspace.add_plan_item(PlanItem(CODE, "mini", WAVE, "vision", "Established",
                                     "Publish the vision", "J. Adviser", "2027-03-31"))
    result = cli("remove", CODE, "--yes", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    (kept,) = (workspace.backup_dir / "removed").iterdir()
    assert set(json.loads(kept.read_bytes())) == {"responses", "history", "moderations",
                                                  "plans"}
