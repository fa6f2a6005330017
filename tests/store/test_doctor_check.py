"""The doctor check every test gets (tests/conftest.py): a workspace a test leaves damaged fails
that test, naming the workspace and what doctor found; opting out takes a marker with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.paths import DATA, TESTS

INNER = '''
import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, ResponseKey

KEY = ResponseKey("E09000007", "mini", "2026-27", "Director")


def saved(workspace):
    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.save_answer(KEY, Answer("vision.statement", ANSWERED, "yes"), role="council")


def test_healthy(workspace):
    saved(workspace)


def test_truncated(workspace):
    saved(workspace)
    workspace.shard_path("E09000007").write_text('{"responses": {"1": {')


@pytest.mark.store_damaged_on_purpose("a truncated partnership file")
def test_truncated_on_purpose(workspace):
    test_truncated(workspace)


@pytest.mark.store_damaged_on_purpose("nothing, in fact")
def test_marked_but_healthy(workspace):
    saved(workspace)


@pytest.mark.store_damaged_on_purpose
def test_marked_without_a_reason(workspace):
    test_truncated(workspace)


def test_failing_on_its_own(workspace):
    test_truncated(workspace)
    assert False, "its own failure"
'''


def root_conftest(config):
    """tests/conftest.py as pytest loaded it. Not `import conftest`: every folder's conftest.py
    is a module called conftest, and which one that name holds depends on collection order."""
    ours = TESTS / "conftest.py"
    (found,) = [p for p in config.pluginmanager.get_plugins()
                if getattr(p, "__file__", None) and Path(p.__file__).resolve() == ours]
    return found


def test_a_test_leaving_a_damaged_workspace_fails_naming_it_and_the_finding(pytester):
    conftest = (TESTS / "conftest.py").read_text(encoding="utf-8")
    inner = conftest.replace('DATA = TESTS / "data"', f"DATA = Path({str(DATA)!r})")
    assert inner != conftest  # the inner tests find the mini bank where these do
    pytester.makeconftest(inner)
    pytester.makeini("[pytest]\nmarkers =\n    store_damaged_on_purpose(why): test\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(["*::test_healthy PASSED*", "*::test_truncated FAILED*",
                                 "*::test_truncated_on_purpose PASSED*"])
    result.stdout.fnmatch_lines([
        "*_ test_truncated _*",
        "stocktake doctor fails on a workspace this test left:",
        "  */test_truncated0/ws",
        "    - DAMAGED partnerships/E09000007.json: not valid JSON*",
        "*store_damaged_on_purpose(\"why\")*",
    ])
    result.stdout.fnmatch_lines(["*_ test_marked_but_healthy _*",
                                 "marked store_damaged_on_purpose (nothing, in fact), yet "
                                 "stocktake doctor passes on every workspace it leaves*"])
    result.stdout.fnmatch_lines(["*_ test_marked_without_a_reason _*",
                                 "*store_damaged_on_purpose needs the reason*"])
    # A test failing on its own is reported for that alone, not for the damage it left.
    result.stdout.fnmatch_lines(["*_ test_failing_on_its_own _*", "*its own failure*"])
    own = result.stdout.str().split("_ test_failing_on_its_own _")[1].split("short test summary")[0]
    assert "stocktake doctor fails" not in own


@pytest.mark.store_damaged_on_purpose("a workspace.json that is a symbolic link, to be found")
def test_a_workspace_is_found_by_its_index_or_by_its_store_folders(tmp_path, pytestconfig):
    from stocktake.partnerships.model import partnership_for
    from stocktake.store.workspace import Workspace

    listed = Workspace.open(tmp_path / "a")
    listed.add_partnerships([partnership_for("E09000007")])
    (tmp_path / "b" / "deep" / "partnerships").mkdir(parents=True)
    (tmp_path / "b" / "deep" / "locks").mkdir()  # written to once, its index since lost
    (tmp_path / "c" / "partnerships").mkdir(parents=True)  # opened, never written: nothing
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "workspace.json").symlink_to(listed.index_path)  # a link: doctor's to say
    workspaces_under = root_conftest(pytestconfig).workspaces_under
    assert workspaces_under(tmp_path) == [tmp_path / "a", tmp_path / "b" / "deep", tmp_path / "d"]
