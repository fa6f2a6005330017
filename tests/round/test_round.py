"""Running a round: a plan, a roster, forms for everyone, status and the chase list, returns.

Forms are real workbooks written by `forms create --all`, filled with openpyxl as a respondent
would and imported with `forms import`; the workspace is a real one in a temporary folder.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import load_bank
from stocktake.workbooks.forms import ANSWER_COLUMN, ID_COLUMN, NAME_CELL, dropdown_values

from helpers.paths import DATA

WAVE = "2026-27"
CAMDEN, LEEDS, HARTLEPOOL = "E09000007", "E08000035", "E06000001"
MINI = load_bank(DATA / "mini.toml")


def fill_form(path: Path, name: str | None = None, only: int | None = None) -> Path:
    """Answer every question on a form (or the first `only`) with a valid answer."""
    wb = load_workbook(path)
    ws = wb["Form"]
    answered = 0
    for row in range(1, ws.max_row + 1):
        qid = ws.cell(row, ID_COLUMN).value
        if not qid or qid == "id":
            continue
        if only is not None and answered >= only:
            break
        question = MINI.question(qid)
        choices = dropdown_values(question)
        if choices:
            value = choices[0]
        elif question.type == "multi":
            value = question.options[0].id
        elif question.type == "number":
            value = question.min if question.min is not None else 1
        else:
            value = "Weekly meetings"
        ws.cell(row, ANSWER_COLUMN).value = value
        answered += 1
    if name is not None:
        ws[NAME_CELL] = name
    wb.save(path)
    return path


def manifest(folder: Path) -> list[dict]:
    with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def form_of(rows: list[dict], code: str, role: str) -> str:
    return next(r["file"] for r in rows if r["partnership"] == code and r["role"] == role)


@pytest.fixture
def planned(cli, tmp_path):
    """A round of the mini bank: 3 partnerships, council and health, one of each, forms out."""
    made = cli("round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council,health",
               "-p", CAMDEN, "-p", LEEDS, "-p", HARTLEPOOL, "--deadline", "2027-01-31",
               "--return-to", "stocktake@example.gov.uk")
    assert made.exit_code == 0, made.output
    forms = tmp_path / "forms"
    made = cli("forms", "create", "--all", "--out", str(forms))
    assert made.exit_code == 0, made.output
    return forms


def status_json(cli) -> dict:
    result = cli("status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_status_and_chase_list_say_complete_partial_and_not_started_then_all_complete(
        cli, planned, tmp_path):
    rows = manifest(planned)
    assert sorted((r["partnership"], r["role"]) for r in rows) == sorted(
        (c, r) for c in (CAMDEN, LEEDS, HARTLEPOOL) for r in ("council", "health"))
    returned = [fill_form(planned / form_of(rows, CAMDEN, "council"), "Ann Council"),
                fill_form(planned / form_of(rows, CAMDEN, "health"), "Bob Health"),
                fill_form(planned / form_of(rows, LEEDS, "council"), "Cy Council")]
    imported = cli("forms", "import", *map(str, returned))
    assert imported.exit_code == 0, imported.output

    status = status_json(cli)
    by_code = {p["code"]: p for p in status["partnerships"]}
    assert by_code[CAMDEN]["state"] == "complete" and by_code[CAMDEN]["complete"] is True
    assert by_code[CAMDEN]["received"] == {"council": 1, "health": 1}
    assert by_code[LEEDS]["state"] == "partial"
    assert by_code[LEEDS]["received"] == {"council": 1, "health": 0}
    assert [m["role"] for m in by_code[LEEDS]["missing"]] == ["health"]
    assert by_code[HARTLEPOOL]["state"] == "not started"
    assert by_code[HARTLEPOOL]["expected"] == {"council": 1, "health": 1}
    assert status["totals"] == {"partnerships": 3, "expected": 6, "received": 3, "complete": 1,
                                "partial": 1, "not_started": 1, "none_expected": 0,
                                "received_none_expected": 0}
    assert status["deadline"] == "2027-01-31"

    chase_path = tmp_path / "chase.csv"
    assert cli("status", "--chase", str(chase_path)).exit_code == 0
    with open(chase_path, encoding="utf-8-sig", newline="") as handle:
        chase = list(csv.DictReader(handle))
    assert sorted((c["partnership"], c["role"]) for c in chase) == [
        (HARTLEPOOL, "council"), (HARTLEPOOL, "health"), (LEEDS, "health")]
    leeds_health = next(c for c in chase if c["partnership"] == LEEDS)
    assert Path(leeds_health["form"]).name == form_of(rows, LEEDS, "health")
    assert leeds_health["name"] == "Leeds"

    rest = [fill_form(planned / form_of(rows, LEEDS, "health"), "Di Health"),
            fill_form(planned / form_of(rows, HARTLEPOOL, "council"), "Ed Council"),
            fill_form(planned / form_of(rows, HARTLEPOOL, "health"), "Flo Health")]
    assert cli("forms", "import", *map(str, rest)).exit_code == 0
    status = status_json(cli)
    assert [p["state"] for p in status["partnerships"]] == ["complete"] * 3
    assert status["totals"]["complete"] == 3 and status["totals"]["received"] == 6
    assert cli("status", "--chase", str(chase_path)).exit_code == 0
    with open(chase_path, encoding="utf-8-sig", newline="") as handle:
        assert list(csv.DictReader(handle)) == []


def test_forms_carry_the_deadline_and_where_to_send_them(planned):
    rows = manifest(planned)
    sheet = load_workbook(planned / rows[0]["file"])["Form"]
    assert sheet["C6"].value == ("Please return this form by 31 January 2027 to "
                                 "stocktake@example.gov.uk.")


def test_a_respondent_below_the_minimum_coverage_has_started_but_is_not_received(cli, planned):
    rows = manifest(planned)
    thin = fill_form(planned / form_of(rows, CAMDEN, "council"), "Ann Council", only=1)
    assert cli("forms", "import", str(thin)).exit_code == 0
    camden = next(p for p in status_json(cli)["partnerships"] if p["code"] == CAMDEN)
    assert camden["received"]["council"] == 0
    assert camden["started"] == 1
    assert camden["state"] == "partial"


def test_named_roster_people_are_matched_by_name_and_others_listed_as_unexpected(cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email,organisation\n"
                      f"{CAMDEN},health,Jo Bloggs,jo@example.nhs.uk,Camden ICB\n"
                      f"Camden,council,Sam Smith,,\n", encoding="utf-8")
    assert cli("roster", "import", str(roster), "--bank", "mini", "--wave", WAVE).exit_code == 0
    forms = tmp_path / "forms"
    assert cli("forms", "create", "--all", "--out", str(forms), "--bank", "mini",
               "--wave", WAVE).exit_code == 0
    rows = manifest(forms)
    assert {(r["respondent"], r["email"]) for r in rows} == {("Jo Bloggs", "jo@example.nhs.uk"),
                                                            ("Sam Smith", "")}
    jo = next(r for r in rows if r["respondent"] == "Jo Bloggs")
    assert load_workbook(forms / jo["file"])["Form"][NAME_CELL].value == "Jo Bloggs"
    # Jo answers under her own name (spelt in another case); a stranger answers for the council.
    fill_form(forms / jo["file"], "jo  BLOGGS")
    sam = next(r for r in rows if r["respondent"] == "Sam Smith")
    fill_form(forms / sam["file"], "Pat Stranger")
    assert cli("forms", "import", str(forms)).exit_code == 0

    camden = status_json(cli)["partnerships"][0]
    assert camden["received"] == {"health": 1, "council": 0}
    assert camden["unexpected"] == ["Pat Stranger"]
    assert camden["missing"] == [{"role": "council", "respondent": "Sam Smith", "email": "",
                                  "organisation": "", "form": str(forms / sam["file"])}]


def test_every_bad_roster_row_is_listed_by_line_and_nothing_is_stored(cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"{CAMDEN},health,Jo Bloggs,jo@example.nhs.uk\n"
                      "Atlantis,council,Ann,\n"
                      f"{CAMDEN},police,Bob,\n"
                      f"{CAMDEN},council,JO BLOGGS,\n"
                      f"{CAMDEN},council,Cy,not-an-address\n", encoding="utf-8")
    result = cli("roster", "import", str(roster), "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 1
    assert "4 bad row(s); nothing was stored" in result.stderr
    assert "line 3: partnership 'Atlantis'" in result.stderr
    assert "line 4: role 'police' is not one of mini's roles" in result.stderr
    assert "line 5: JO BLOGGS is already on the roster for E09000007 (line 2)" in result.stderr
    assert "line 6: 'not-an-address' is not an e-mail address" in result.stderr
    listed = cli("roster", "list", "--bank", "mini", "--wave", WAVE, "--json")
    assert json.loads(listed.stdout) == []


def test_a_roster_with_a_missing_column_is_refused_naming_it(cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,name\nE09000007,health,Jo\n", encoding="utf-8")
    result = cli("roster", "import", str(roster), "--bank", "mini")
    assert result.exit_code == 1
    assert "missing column(s) respondent, email" in result.stderr
    assert "unknown column(s) 'name'" in result.stderr


def test_roster_from_an_excel_file_with_trailing_empty_columns(cli, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Partnership", "Role", "Respondent", "Email", None])
    wb.active.append([CAMDEN, "health", "Zoë Łukaszewicz", "zoe@example.nhs.uk", None])
    wb.save(tmp_path / "roster.xlsx")
    assert cli("roster", "import", str(tmp_path / "roster.xlsx"), "--bank", "mini").exit_code == 0
    listed = json.loads(cli("roster", "list", CAMDEN, "--bank", "mini", "--json").stdout)
    assert [(e["respondent"], e["email"]) for e in listed] == [
        ("Zoë Łukaszewicz", "zoe@example.nhs.uk")]


def test_the_district_council_is_expected_only_in_two_tier_areas():
    from stocktake.round.plan import RoundPlan, expected_respondents

    plan = RoundPlan("idea-stocktake", WAVE, ("council", "district"), 2,
                     (CAMDEN, "E10000003"))
    camden = expected_respondents(plan, CAMDEN, [], two_tier=False)
    county = expected_respondents(plan, "E10000003", [], two_tier=True)
    assert [e.role for e in camden] == ["council", "council"]
    assert [e.role for e in county] == ["council", "council", "district", "district"]


def test_form_file_names_are_safe_and_unique_whatever_the_names_hold():
    from stocktake.round.manifest import form_file_names
    from stocktake.round.plan import Expected

    names = form_file_names([Expected(CAMDEN, "health", "../../etc/passwd"),
                             Expected(CAMDEN, "health", "Zoë O'Neil"),
                             Expected(CAMDEN, "health", "zoe o neil"),
                             Expected(CAMDEN, "health", "\u202e\u0007"),
                             Expected(CAMDEN, "council")])
    assert names == [f"{CAMDEN}-health-etc-passwd.xlsx", f"{CAMDEN}-health-zoe-o-neil.xlsx",
                     f"{CAMDEN}-health-zoe-o-neil-2.xlsx", f"{CAMDEN}-health-respondent.xlsx",
                     f"{CAMDEN}-council.xlsx"]
    assert all("/" not in n and not n.startswith(".") for n in names)


def test_deadline_passed_is_said_as_overdue(cli):
    assert cli("round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council",
               "-p", CAMDEN, "--deadline", "2020-01-31").exit_code == 0
    result = cli("status")
    assert "The deadline (2020-01-31) passed" in result.stdout
    data = status_json(cli)
    assert data["days_to_deadline"] == (date(2020, 1, 31) - date.today()).days


@pytest.mark.parametrize("args, message", [
    (["--roles", "council,police"], "role(s) police not in mini"),
    (["--roles", "council", "--deadline", "31/01/2027"], "'31/01/2027' is not a date"),
    (["--roles", "council", "-p", "Atlantis"], "1 partnership(s) not known: 'Atlantis'"),
])
def test_a_bad_plan_is_refused_with_the_reason(cli, args, message):
    result = cli("round", "plan", "--bank", "mini", "--wave", WAVE, "-p", CAMDEN, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_status_without_a_round_asks_for_the_bank(cli):
    result = cli("status")
    assert result.exit_code == 2
    assert "which bank is the round for?" in result.stderr


def test_merge_expect_all_lists_every_current_authority_returned_or_not(cli, tmp_path):
    from stocktake.partnerships.reference import current_authorities

    ws = tmp_path / "demo-ws"
    assert cli("demo", "--partnerships", "4", "--respondents", "2", workspace=ws).exit_code == 0
    exports = tmp_path / "exports"
    # The demo writes two waves (issue 13): one national workbook needs one of them.
    from stocktake.records.responses import current_wave

    assert cli("export", "--all", "--wave", current_wave(), "--out", str(exports),
               workspace=ws).exit_code == 0
    merged = cli("merge", str(exports), "--out", str(tmp_path / "national.xlsx"),
                 "--expect", "all", "--json", workspace=ws)
    assert merged.exit_code == 0, merged.output
    outcome = json.loads(merged.stdout)
    returned = {m["partnership"] for m in outcome["merged"]}
    assert len(returned) == 4
    assert outcome["returns"]["expected"] == len(current_authorities()) == 153
    assert outcome["returns"]["returned"] == 4
    sheet = load_workbook(tmp_path / "national.xlsx")["Returns"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 153
    assert {r[0] for r in rows if r[3] == "yes"} == returned
    assert all(r[3] == "no" and r[4] is None for r in rows if r[0] not in returned)
    assert all(r[6] and r[7] for r in rows if r[3] == "yes")


def test_status_workbook_lists_each_partnership_and_each_respondent_to_chase(cli, planned,
                                                                           tmp_path):
    rows = manifest(planned)
    assert cli("forms", "import",
               str(fill_form(planned / form_of(rows, CAMDEN, "council"), "Ann"))).exit_code == 0
    out = tmp_path / "status.xlsx"
    result = cli("status", "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    status_rows = list(wb["Status"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[4]) for r in status_rows] == [
        (HARTLEPOOL, "not started", 2, 0), (LEEDS, "not started", 2, 0), (CAMDEN, "partial", 2, 1)]
    chase = list(wb["Chase"].iter_rows(min_row=2, values_only=True))
    assert len(chase) == 5
    assert sorted(c[:3] for c in chase) == sorted(
        [(HARTLEPOOL, "Hartlepool", "council"), (HARTLEPOOL, "Hartlepool", "health"),
         (LEEDS, "Leeds", "council"), (LEEDS, "Leeds", "health"), (CAMDEN, "Camden", "health")])
    assert wb.properties.title.startswith("Status of mini 2026-27")


def test_people_who_retype_their_names_differently_are_still_matched_to_the_roster(cli,
                                                                                 tmp_path):
    from stocktake.round.roster import name_key

    assert name_key("José Núñez") == name_key("JOSE NUNEZ")
    assert name_key("O\u2019Neil / Smith") == name_key("O'Neil / Smith") == name_key("ONeil Smith")
    assert name_key("Zoë Łukaszewicz") == name_key("zoe lukaszewicz")
    assert name_key("Jo Bloggs") != name_key("Jo Blogs")
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"{CAMDEN},health,José Núñez,jose@example.nhs.uk\n", encoding="utf-8")
    assert cli("roster", "import", str(roster), "--bank", "mini", "--wave", WAVE).exit_code == 0
    forms = tmp_path / "forms"
    assert cli("forms", "create", "--all", "--out", str(forms), "--bank", "mini",
               "--wave", WAVE).exit_code == 0
    form = forms / manifest(forms)[0]["file"]
    assert cli("forms", "import", str(fill_form(form, "JOSE NUNEZ"))).exit_code == 0
    camden = status_json(cli)["partnerships"][0]
    assert camden["state"] == "complete" and camden["unexpected"] == []


def test_roster_warns_of_a_district_council_where_there_is_none_and_a_role_not_planned(
        cli, tmp_path):
    assert cli("round", "plan", "--bank", "idea-stocktake", "--wave", WAVE, "--roles",
               "council,district", "-p", CAMDEN, "-p", "E10000003").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"{CAMDEN},district,Dee Strict,\n"
                      "E10000003,district,Cam District,\n"
                      f"{CAMDEN},Health,Hal Th,\n", encoding="utf-8")
    result = cli("roster", "import", str(roster))
    assert result.exit_code == 0, result.output
    assert "Dee Strict (E09000007, Camden) is down as district council, but Camden has no " \
           "district councils" in result.stderr
    assert "Cam District" not in result.stderr
    assert "Hal Th (E09000007) answers as health, a role the round's plan does not ask" \
        in result.stderr
    listed = json.loads(cli("roster", "list", "--json").stdout)
    assert [e["role"] for e in listed] == ["district", "health", "district"]


def test_merge_expect_names_returns_it_was_not_told_to_expect(cli, tmp_path):
    ws = tmp_path / "demo-ws"
    assert cli("demo", "--partnerships", "3", "--respondents", "2", workspace=ws).exit_code == 0
    assert cli("export", "--all", "--wave", WAVE, "--out", str(tmp_path / "ex"),
               workspace=ws).exit_code == 0
    codes = sorted(p.name.split("-")[0] for p in (tmp_path / "ex").glob("*.xlsx"))
    expect = tmp_path / "expect.csv"
    expect.write_text(f"code\n{codes[0]}\n{HARTLEPOOL if codes[0] != HARTLEPOOL else LEEDS}\n",
                      encoding="utf-8")
    merged = cli("merge", str(tmp_path / "ex"), "--out", str(tmp_path / "n.xlsx"), "--expect",
                 str(expect), "--json", workspace=ws)
    assert merged.exit_code == 0, merged.output
    returns = json.loads(merged.stdout)["returns"]
    assert returns["expected"] == 2 and returns["returned"] == 1
    assert sorted(r["code"] for r in returns["not_expected"]) == codes[1:]
    sheet = load_workbook(tmp_path / "n.xlsx")["Returns"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[8]) for r in rows][2:] == [(c, "yes", "no") for c in codes[1:]]


def test_answers_with_no_plan_or_roster_are_counted_and_called_none_expected(cli, tmp_path):
    """Status of a workspace whose answers came before any plan: "not started 0/0" beside a
    last answer's date said nothing had come; what came is counted, and nobody is chased."""
    assert cli("partnerships", "add", CAMDEN).exit_code == 0
    answers = tmp_path / "answers.csv"
    answers.write_text("question,value\nvision.statement,yes\nvision.known,3\n"
                       "risk.register,full\n", encoding="utf-8")
    for role, name in (("council", "Jo"), ("health", "Sam"), ("health", "Ali")):
        done = cli("interview", CAMDEN, "--bank", "mini", "--wave", WAVE, "--role", role,
                   "--respondent", name, "--answers", str(answers))
        assert done.exit_code == 0, done.output
    shown = json.loads(cli("status", "--bank", "mini", "--wave", WAVE, "--json").stdout)
    camden = shown["partnerships"][0]
    assert camden["state"] == "none expected"
    assert camden["received"] == {"council": 1, "health": 2} and camden["missing"] == []
    assert shown["totals"]["none_expected"] == 1
    assert shown["totals"]["received_none_expected"] == 3
    table = " ".join(cli("status", "--bank", "mini", "--wave", WAVE).stdout.split())
    assert "3/-" in table and "0/0" not in table and "not started" not in table
    assert "1 partnership(s) sent 3 respondent(s) with nobody expected of them" in table
    assert "To chase" not in table
    out = tmp_path / "status.xlsx"
    assert cli("status", "--bank", "mini", "--wave", WAVE, "--xlsx", str(out)).exit_code == 0
    row = next(load_workbook(out)["Status"].iter_rows(min_row=2, values_only=True))
    assert row[2] == "none expected" and row[4] == 3 and row[6] == "council 1/-; health 2/-"
