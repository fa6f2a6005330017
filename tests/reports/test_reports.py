"""Reports: the findings they state, worked by hand on small real workspaces (the mini bank),
and the action plan they carry. The page and the Word file are checked in a real browser and
LibreOffice under tests/e2e."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import Response, ResponseKey
from helpers.report_text import answers, text_of

pytest.importorskip("matplotlib", reason="reports need the 'reports' extra")
pytest.importorskip("docx", reason="reports need the 'reports' extra")

CODE, WAVE = "E09000007", "2026-27"



def response(name: str, role: str, given: dict, evidence: dict | None = None) -> Response:
    return Response(ResponseKey(CODE, "mini", WAVE, name), role,
                    answers=answers(given, evidence))


@pytest.fixture
def two_partners(workspace, mini_bank):
    """Ann (council) and Hal (health), worked by hand:

    vision: Ann yes (1), known 4 ((4-1)/3 = 1, weight 2), consulted all (4/4 = 1) -> 100.
            Hal yes (1), known 1 (0, weight 2), consulted staff (1/4) -> (1 + 0 + 0.25) / 4
            = 31.25. Mean 65.625, spread 68.75: divergent.
    risk:   Ann register full (2/2 = 1) -> 100; Hal none (0) -> 0. Mean 50, spread 100.
    """
    workspace.add_partnerships([partnership_for(CODE)])
    workspace.write_responses(CODE, [
        response("Ann", "council", {"vision.statement": "yes", "vision.known": 4,
                                    "vision.consulted": ["children", "parents", "staff"],
                                    "risk.register": "full"},
                 {"risk.register": "Register reviewed at the March board"}),
        response("Hal", "health", {"vision.statement": "yes", "vision.known": 1,
                                   "vision.consulted": ["staff"], "risk.register": "none"},
                 {"risk.register": "Ask Jo on 07700 900123 about it"}),
    ])
    return workspace



def test_partnership_report_states_the_divergent_areas_and_the_questions_at_each_end(
        two_partners, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    text = text_of(partnership_document(two_partners, mini_bank, WAVE, CODE))
    assert "Camden rates itself" in text and "65.6" in text or "75.0" in text
    assert "Vision differently" in text and "68.8" in text
    assert "Risk differently" in text and "100.0" in text
    # Two people answered each question: fewer than the bank's min_count of 5, so no question
    # is singled out ...
    assert "Scored highest" not in text
    # ... but with a min_count of 2, Vision's questions over both: statement 1.0, known
    # (1 + 0) / 2 = 0.5, consulted 0.625.
    import dataclasses

    text = text_of(partnership_document(two_partners, dataclasses.replace(mini_bank, min_count=2),
                                        WAVE, CODE))
    assert ("Scored highest: \u201cIs there a written vision statement?\u201d (100 of 100, 2 "
            "answers). Scored lowest: \u201cHow widely is the vision known?\u201d (50 of 100, 2 "
            "answers).") in text


def test_quoted_evidence_is_masked_unless_asked_and_attributed_by_role(two_partners, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    masked = text_of(partnership_document(two_partners, mini_bank, WAVE, CODE))
    assert "07700 900123" not in masked
    assert "Register reviewed at the March board" in masked
    plain = text_of(partnership_document(two_partners, mini_bank, WAVE, CODE, redact=False))
    assert "07700 900123" in plain
    assert "Ann" not in plain.replace("Annual", "") and "Hal" not in plain


def test_an_area_nobody_was_asked_is_said_to_have_no_score(workspace, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    workspace.add_partnerships([partnership_for(CODE)])
    workspace.write_responses(CODE, [response("YP-0001", "young-people",
                                              {"vision.statement": "yes"})])
    text = text_of(partnership_document(workspace, mini_bank, WAVE, CODE))
    assert "Risk has no score: nobody who answered was asked about it." in text


def test_the_action_plan_shows_each_item_with_its_target_and_the_current_level(
        two_partners, mini_bank, cli, tmp_path):
    added = cli("plan", "add", CODE, "--bank", "mini", "--wave", WAVE, "--area", "risk",
                "--target", "embedded", "--action", "Agree one joint risk register",
                "--owner", "Head of service", "--due", "2027-03-31")
    assert added.exit_code == 0, added.output
    from stocktake.reports.partnership_report import partnership_document

    doc = partnership_document(two_partners, mini_bank, WAVE, CODE)
    plan = next(b for b in doc.blocks if getattr(b, "caption", "") == "The action plan")
    # Risk is 50.0: Established by the default bands (50 <= score < 75).
    assert plan.rows == (("Risk", "Established", "Embedded", "Agree one joint risk register",
                          "Head of service", "2027-03-31", "open"),)


def test_divergence_names_the_partners_with_the_highest_and_lowest_scores():
    from stocktake.reports.findings import divergence_sentence

    area = SimpleNamespace(
        title="Risk", divergent=True, spread=50.0,
        by_role=(SimpleNamespace(role="council", score=70.0, respondents=2),
                 SimpleNamespace(role="police", score=20.0, respondents=1),
                 SimpleNamespace(role="health", score=45.0, respondents=3)))
    assert divergence_sentence(area, {"council": "Council", "police": "Police"}) == (
        "Partners see Risk differently: Council (2 people) 70.0 against Police (1 person) 20.0 "
        "(a spread of 50.0 points between the people who answered).")
    calm = SimpleNamespace(title="Risk", divergent=False, spread=10.0, by_role=())
    assert divergence_sentence(calm, {}) is None


def test_strongest_and_weakest_never_name_an_area_twice_and_treat_equal_scores_as_equal():
    from stocktake.reports.findings import strongest_and_weakest

    def area(i, s):
        return SimpleNamespace(id=i, score=s)

    areas = [area("a", 40.0), area("b", 4 / 9 * 100), area("c", (100 / 3 + 500 / 9) / 2),
             area("d", None), area("e", 10.0)]
    strongest, weakest = strongest_and_weakest(areas)
    # b and c are both 44.44 at two decimals: tied, so bank order decides.
    assert [a.id for a in strongest] == ["b", "c"]
    assert [a.id for a in weakest] == ["e", "a"]
    one, none = strongest_and_weakest([area("a", 40.0)])
    assert [a.id for a in one] == ["a"] and none == []


def test_national_findings_count_levels_and_lowest_level_questions(workspace, mini_bank):
    from stocktake.reports.national_report import national_document

    codes = ["E09000007", "E09000001", "E08000025"]
    workspace.add_partnerships([partnership_for(c) for c in codes])
    levels = {"E09000007": 1, "E09000001": 1, "E08000025": 4}
    for code, known in levels.items():
        workspace.write_responses(code, [Response(
            ResponseKey(code, "mini", WAVE, "Ann"), "council",
            answers=answers({"vision.statement": "yes", "vision.known": known,
                             "vision.consulted": ["staff"], "risk.register": "none"}))])
    text = text_of(national_document(workspace, mini_bank, WAVE))
    # Vision: (1 + 0 + 0.25) / 4 = 31.25 (Developing) twice; (1 + 2 + 0.25) / 4 = 81.25 once.
    assert "2 of 3 partnerships are Developing in Vision." in text
    assert "3 of 3 partnerships are Emerging in Risk." in text
    # Three answers are fewer than the bank's min_count of 5: the question is counted, not shown.
    assert "How widely is the vision known?" not in text
    assert "Left out: 1 scale question answered by partners with fewer than 5 answers." in text
    import dataclasses

    text = text_of(national_document(workspace, dataclasses.replace(mini_bank, min_count=3), WAVE))
    assert "How widely is the vision known? | Vision | 67% | 3" in text


def test_report_command_writes_both_files_owner_only_and_refuses_bad_names(two_partners, cli,
                                                                           tmp_path):
    html, docx = tmp_path / "r.html", tmp_path / "r.docx"
    made = cli("report", CODE, "--out", str(html), "--docx", str(docx))
    assert made.exit_code == 0, made.output
    assert html.stat().st_mode & 0o077 == 0 and docx.stat().st_mode & 0o077 == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    # Nothing is fetched: no address in any src, href or CSS url().
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?https?:""", page)
    assert cli("report", CODE, "--out", str(tmp_path / "r.pdf")).exit_code == 2
    assert cli("report", CODE, "--national").exit_code == 2
    nobody = cli("report", "E06000001")
    assert nobody.exit_code == 1 and "E06000001" in nobody.stderr


def test_user_text_in_a_report_is_escaped_never_markup(two_partners, mini_bank):
    from stocktake.reports.document import Document, Paragraph, Quote
    from stocktake.reports.html import render_html

    doc = Document("<script>alert(1)</script>", blocks=[
        Paragraph("<img src=x onerror=alert(1)>"), Quote("</blockquote><b>x</b>", "Council")])
    page = render_html(doc)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;/blockquote&gt;&lt;b&gt;" in page


def test_plan_items_are_kept_when_done_or_removed(cli, two_partners):
    for action in ("First", "Second"):
        assert cli("plan", "add", CODE, "-b", "mini", "--wave", WAVE, "--area", "vision",
                   "--target", "Established", "--action", action, "--owner", "Lead",
                   "--due", "2027-01-01").exit_code == 0
    assert cli("plan", "done", CODE, "1").exit_code == 0
    assert cli("plan", "remove", CODE, "2").exit_code == 0
    listed = json.loads(cli("plan", "list", CODE, "--json").stdout)
    assert [(i["id"], i["status"]) for i in listed] == [(1, "done")]
    everything = json.loads(cli("plan", "list", CODE, "--removed", "--json").stdout)
    assert [(i["id"], i["status"]) for i in everything] == [(1, "done"), (2, "removed")]
    assert listed[0]["done_at"]
    missing = cli("plan", "done", CODE, "9")
    assert missing.exit_code == 1 and "no plan item 9" in missing.stderr


@pytest.mark.parametrize("args, message", [
    (["--area", "nowhere"], "'nowhere' is not an area of mini"),
    (["--target", "Brilliant"], "'Brilliant' is not a level of mini"),
    (["--due", "31/03/2027"], "'31/03/2027' is not a date"),
    (["--action", "  "], "the action is empty"),
])
def test_a_bad_plan_item_is_refused_naming_the_field(cli, two_partners, args, message):
    base = {"--area": "risk", "--target": "Established", "--action": "Do it", "--owner": "Lead",
            "--due": "2027-03-31"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    result = cli("plan", "add", CODE, "-b", "mini", "--wave", WAVE,
                 *[x for kv in base.items() for x in kv])
    assert result.exit_code == 2
    assert message in result.stderr


def test_merge_report_states_the_same_findings_as_the_workspace_report(cli, tmp_path):
    ws = tmp_path / "demo-ws"
    assert cli("demo", "--partnerships", "4", "--respondents", "3", workspace=ws).exit_code == 0
    # The demo writes two waves (issue 13): one national workbook needs one of them.
    from stocktake.records.responses import current_wave

    assert cli("export", "--all", "--wave", current_wave(), "--out", str(tmp_path / "ex"),
               workspace=ws).exit_code == 0
    merged = cli("merge", str(tmp_path / "ex"), "--out", str(tmp_path / "n.xlsx"), "--report",
                 str(tmp_path / "merged.html"), workspace=ws)
    assert merged.exit_code == 0, merged.output
    assert cli("report", "--national", "--out", str(tmp_path / "ws.html"),
               workspace=ws).exit_code == 0

    def findings(path):
        page = path.read_text(encoding="utf-8")
        return sorted(re.findall(r"\d+ of \d+ partnerships? (?:are|is) \w+ in [^.<]+\.", page))

    assert findings(tmp_path / "merged.html") == findings(tmp_path / "ws.html") != []
    bad = cli("merge", str(tmp_path / "ex"), "--out", str(tmp_path / "m.xlsx"), "--report",
              str(tmp_path / "r.pdf"), workspace=ws)
    assert bad.exit_code == 2 and "an .html file" in bad.stderr


def test_report_shows_the_published_figures_linked_to_each_area(workspace, cli, tmp_path):
    from stocktake.banks.loading import find_bank
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import bank_links, partnership_evidence
    from stocktake.reports.partnership_report import partnership_document

    ws = tmp_path / "demo-ws"
    assert cli("demo", "--partnerships", "2", "--respondents", "3", workspace=ws).exit_code == 0
    from stocktake.store.workspace import Workspace

    store = Workspace.open(ws)
    code = store.partnerships()[0].code
    bank = find_bank("idea-stocktake")
    doc = partnership_document(store, bank, WAVE, code)
    view = partnership_evidence(load_indicators(), code, bank_links([bank]))
    tables = [b for b in doc.blocks if getattr(b, "caption", "").startswith("Published figures")]
    # A row's measure is labelled with how its area links it ("...; context only: ...",
    # "...; present-day equivalent: ..."): a measure may be evidence in one area, context in
    # another, so it is keyed by its label before the first note.
    shown = {row[0].split("; ")[0]: row for t in tables for row in t.rows}
    rows = [row for t in tables for row in t.rows]
    assert shown and len(shown) == len(view.measures)
    assert len(rows) == sum(len(m.areas) for m in view.measures)  # once per linking area
    for m in view.measures:
        assert shown[m.measure.label][3] == (m.band or ("context" if m.context else "no band"))
        assert shown[m.measure.label][1] == (m.latest.year or "-")
    assert all("present-day equivalent" in row[0] for row in rows)  # idea-stocktake: 2005-06


def test_national_findings_name_every_level_tied_for_the_most():
    from stocktake.reports.findings import level_share_sentence

    assert level_share_sentence("Change", ["Developing", "Established"], 9, 20) == \
        "9 of 20 partnerships are Developing and 9 Established in Change."
    assert level_share_sentence("Risk", ["Emerging"], 1, 1) == \
        "1 of 1 partnership is Emerging in Risk."


def test_a_plan_target_no_higher_than_now_or_a_past_due_date_is_warned_but_kept(
        cli, two_partners):
    # Risk is 50.0, Established (worked in two_partners' docstring).
    result = cli("plan", "add", CODE, "-b", "mini", "--wave", WAVE, "--area", "risk",
                 "--target", "Developing", "--action", "Hold steady", "--owner", "Lead",
                 "--due", "2020-01-01")
    assert result.exit_code == 0, result.output
    assert "the due date 2020-01-01 has already passed" in result.stderr
    assert "risk is already Established (50.0); the target Developing is lower" in result.stderr
    assert len(json.loads(cli("plan", "list", CODE, "--json").stdout)) == 1


def test_scores_shows_each_plan_target_beside_the_current_level(cli, two_partners):
    assert cli("plan", "add", CODE, "-b", "mini", "--wave", WAVE, "--area", "risk",
               "--target", "Embedded", "--action", "One joint risk register", "--owner",
               "Lead", "--due", "2027-03-31").exit_code == 0
    shown = cli("scores", CODE, "-b", "mini", "--wave", WAVE)
    assert shown.exit_code == 0, shown.output
    row = next(line for line in shown.stdout.splitlines()
               if line.strip().startswith("Risk") and "Embedded" in line)
    # Risk is 50.0 (two_partners' docstring): Established now, Embedded the target.
    assert "Established" in row and "2027-03-31" in row and "open" in row
    data = json.loads(cli("scores", CODE, "-b", "mini", "--wave", WAVE, "--json").stdout)
    assert [(p["area"], p["current_level"], p["target"]) for p in data["plan"]] == [
        ("risk", "Established", "Embedded")]


def test_word_without_its_lxml_is_refused_by_name_before_anything_is_written(tmp_path):
    # python-docx found but its lxml missing (CI's second virtualenv): a clear refusal naming
    # what to install, exit 1, and no HTML half of the job left behind; HTML alone still works.
    import os
    import subprocess
    import sys

    broken = tmp_path / "broken"
    (broken / "lxml").mkdir(parents=True)
    (broken / "lxml" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'lxml'\", name='lxml')\n")
    ws = tmp_path / "ws"
    env = {**os.environ, "NO_COLOR": "1"}

    def run(*args, extra=None):
        return subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *map(str, args)],
                              capture_output=True, text=True, env={**env, **(extra or {})},
                              timeout=300)

    assert run("demo", "--partnerships", "1", "--respondents", "2").returncode == 0
    code = "E09000005" if "E09000005" in run("partnerships", "list").stdout else None
    code = code or run("partnerships", "list", "--json").stdout.split('"code": "')[1][:9]
    blocked = {"PYTHONPATH": str(broken)}
    done = run("report", code, "--out", tmp_path / "r.html", "--docx", tmp_path / "r.docx",
               extra=blocked)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "reports need python-docx (its lxml)" in done.stderr
    assert "Internal error" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "r.docx").exists()
    html = run("report", code, "--out", tmp_path / "h.html", extra=blocked)
    assert html.returncode == 0, html.stderr
