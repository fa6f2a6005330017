"""A child's answer that calls for the safeguarding notice records it and shows it, whatever
route it comes in by: an answers file, a returned form, a phone or web submission (ODK
Central), and an exported workbook merged into another workspace.

Each route is the real command on real files (TinyDB workspaces, an openpyxl form, a CSV built
as ODK Central writes it from the XForm pyxform makes, a `stocktake export` workbook).
"""

from __future__ import annotations

import json

import pytest

from helpers.child_routes import WAVE, by_answers_file, by_form, by_merge, by_submission

from stocktake.store.workspace import Workspace

NOTICE = "TEST NOTICE"
# The two answers of the test bank that call for the notice.
CALLED = {"safety.feel-safe", "safety.someone-to-tell"}


def _child(ws_path):
    [response] = [r for r in Workspace.open(ws_path).responses("E09000007", "children", WAVE)
                  if r.role == "young-people"]
    return response


ROUTES = {"answers file": by_answers_file, "form": by_form, "submission": by_submission,
          "merge into workspace": by_merge}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_records_and_shows_the_notice(cli, tmp_path, route):
    result = ROUTES[route](cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert NOTICE in result.output
    response = _child(tmp_path / "ws")
    assert set(response.notices) == CALLED
    assert all(when[:4] >= "2026" for when in response.notices.values())


def test_a_submission_imported_with_json_names_the_notice(cli, tmp_path):
    result = by_submission(cli, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    [stored] = json.loads(result.stdout)["stored"]
    assert sorted(stored["safeguarding_notice"]) == sorted(CALLED)


def test_the_routes_store_the_same_notice_record(cli, tmp_path):
    """Same answers, four routes: the same questions recorded, nothing else kept."""
    seen = []
    for name, route in ROUTES.items():
        here = tmp_path / name.replace(" ", "-")
        here.mkdir()
        result = route(lambda *a, **k: cli(*a, **({"workspace": here / "ws"} | k)), here)
        assert result.exit_code == 0, (name, result.output)
        doc = _child(here / "ws").to_doc()
        seen.append(sorted(doc["notices"]))
    assert seen == [sorted(CALLED)] * len(ROUTES)


def test_merge_json_lists_the_notices(cli, tmp_path):
    result = by_merge(cli, tmp_path)
    assert result.exit_code == 0
    again = cli("merge", tmp_path / "returns", "--out", tmp_path / "n2.xlsx", "--into-workspace",
                "--json")
    assert again.exit_code == 0, again.output
    notices = json.loads(again.stdout)["safeguarding_notices"]
    assert [n["partnership"] for n in notices] == ["E09000007"]
    assert sorted(notices[0]["questions"]) == sorted(CALLED)
