"""Issue 27 point 5: one output layer. Every listing prints a table, or with --json its result
as JSON, or with --csv its rows as CSV; the CSV holds what the JSON holds, text that a
spreadsheet would take for a formula is neutralised, and a table shows people's text as
written (never as markup). Real commands on a real workspace."""

from __future__ import annotations

import csv
import io
import json

import pytest

WAVE = "2026-27"
CAMDEN, ISLINGTON = "E09000007", "E09000019"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"x\")"
MARKUP = "[bold]Designated[/bold] nurse"


@pytest.fixture
def ws(cli, tmp_path):
    """Two partnerships (one named with a formula), a round of mini, a roster and a plan."""
    assert cli("partnerships", "add", CAMDEN).exit_code == 0
    assert cli("partnerships", "add", "E06999999", "--name", FORMULA).exit_code == 0
    done = cli("round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council,health",
               "-p", CAMDEN, "-p", "E06999999")
    assert done.exit_code == 0, done.output
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"{CAMDEN},health,{MARKUP},nurse@example.nhs.uk\n"
                      f"{CAMDEN},council,+44 20 7974 4444,director@camden.example.gov.uk\n",
                      encoding="utf-8")
    done = cli("roster", "import", str(roster))
    assert done.exit_code == 0, done.output
    done = cli("plan", "add", CAMDEN, "--bank", "mini", "--wave", WAVE, "--area", "vision",
               "--target", "Established", "--action", "@SUM(A1:A9) agreed", "--owner",
               "Head of service", "--due", "2027-03-31")
    assert done.exit_code == 0, done.output
    return cli


LISTINGS = {
    "partnerships list": (("partnerships", "list"), lambda doc: doc,
                          ("code", "name", "region")),
    "banks list": (("banks", "list"), lambda doc: doc,
                   ("id", "title", "version", "areas", "questions")),
    "plan list": (("plan", "list", CAMDEN), lambda doc: doc,
                  ("id", "area", "target", "action", "owner", "due", "status")),
    "roster list": (("roster", "list"), lambda doc: doc,
                    ("partnership", "role", "respondent", "email", "organisation")),
    "status": (("status",), lambda doc: doc["partnerships"],
               ("code", "partnership", "state", "received", "still_to_come", "last")),
}


def _csv_rows(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def _unneutralised(value: str) -> str:
    return value[1:] if value.startswith("'") else value


@pytest.mark.parametrize("name", LISTINGS)
def test_csv_holds_the_rows_the_json_holds(ws, name):
    args, rows_of, header = LISTINGS[name]
    as_json = ws(*args, "--json")
    as_csv = ws(*args, "--csv")
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_json.output + as_csv.output
    documents = rows_of(json.loads(as_json.stdout))
    fields, rows = _csv_rows(as_csv.stdout)
    assert tuple(fields) == header
    assert len(rows) == len(documents) >= 1
    # The same records in the same order: each CSV row's first column is the JSON's key.
    key = header[0]
    json_key = "code" if name == "status" else key
    assert [_unneutralised(r[key]) for r in rows] == [str(d[json_key]) for d in documents]
    for row, doc in zip(rows, documents):
        for column in header:
            if column in doc and not isinstance(doc[column], (dict, list)):
                assert _unneutralised(row[column]) == ("" if doc[column] is None
                                                       else str(doc[column])), column


def test_csv_neutralises_formula_like_text_and_json_keeps_it(ws):
    fields, rows = _csv_rows(ws("partnerships", "list", "--csv").stdout)
    names = [r["name"] for r in rows]
    assert "'" + FORMULA in names and FORMULA not in names
    assert FORMULA in [p["name"] for p in json.loads(ws("partnerships", "list", "--json").stdout)]
    fields, rows = _csv_rows(ws("plan", "list", CAMDEN, "--csv").stdout)
    assert rows[0]["action"] == "'@SUM(A1:A9) agreed"
    fields, rows = _csv_rows(ws("roster", "list", "--csv").stdout)
    assert "'+44 20 7974 4444" in [r["respondent"] for r in rows]


def test_a_table_shows_peoples_text_as_written_not_as_markup(ws):
    shown = ws("roster", "list")
    assert shown.exit_code == 0
    flat = " ".join(shown.stdout.split())
    assert "[bold]Designated[/bold]" in flat
    assert FORMULA in ws("partnerships", "list").stdout  # shown, never run: a terminal


@pytest.mark.parametrize("args", [v[0] for v in LISTINGS.values()],
                         ids=list(LISTINGS))
def test_json_and_csv_together_is_a_usage_error(ws, args):
    done = ws(*args, "--json", "--csv")
    assert done.exit_code == 2
    assert "--json and --csv cannot be given together" in done.stderr
    assert done.stdout == ""


def test_an_empty_listing_is_a_header_in_csv_an_empty_list_in_json_and_a_sentence_else(cli):
    assert cli("partnerships", "add", CAMDEN).exit_code == 0
    assert cli("roster", "list", "--bank", "mini", "--wave", WAVE, "--csv").stdout == \
        "partnership,role,respondent,email,organisation\r\n"
    assert json.loads(cli("roster", "list", "--bank", "mini", "--wave", WAVE,
                          "--json").stdout) == []
    said = cli("roster", "list", "--bank", "mini", "--wave", WAVE)
    assert "Nobody is on the roster of mini 2026-27 yet" in said.stdout


def test_status_csv_says_what_the_table_says(ws):
    fields, rows = _csv_rows(ws("status", "--csv").stdout)
    camden = next(r for r in rows if r["code"] == CAMDEN)
    assert camden["received"] == "0/2" and camden["state"] == "not started"
    assert camden["still_to_come"] == "council, health"
    table = " ".join(ws("status").stdout.split())
    assert "0/2" in table and "council, health" in table
    assert "0 complete, 0 partial, 2 not started; 0 of 4 respondents received." in table


def test_privacy_check_lists_its_findings_as_csv_too(ws, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("question,value,evidence\n"
                       "vision.statement,yes,Ask jo.bloggs@example.com for the minutes\n",
                       encoding="utf-8")
    done = ws("interview", CAMDEN, "--bank", "mini", "--role", "council", "--respondent", "Jo",
              "--answers", str(answers))
    assert done.exit_code == 0, done.output
    as_csv = ws("privacy-check", "--csv")
    assert as_csv.exit_code == 1  # found: scripts gate on it, whatever the format
    fields, rows = _csv_rows(as_csv.stdout)
    assert fields == ["place", "partnership", "respondent", "question", "kinds", "masked"]
    found = json.loads(ws("privacy-check", "--json").stdout)
    # The rows the table shows: the question with the field the text was found in.
    assert [(r["partnership"], r["question"], r["masked"]) for r in rows] == \
        [(f["partnership"], f"{f['question']} ({f['field']})", f["masked"]) for f in found]
    assert all("jo.bloggs@example.com" not in r["masked"] for r in rows)
    assert ws("privacy-check", "--purge", "--csv").exit_code == 2
