"""The codebook (issue 29): every variable and value of the data files, the same names and codes
the files use, written as a workbook, CSV or Markdown and as the national workbook's sheet."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from stocktake.analysis.data_files import data_set, wide_value
from stocktake.analysis.formats import LIMITS, cut, table_bytes
from stocktake.analysis.table import Column, Table
from stocktake.banks.codebook import (DK_CODE, NA_CODE, NAME_LIMIT, RESERVED, codebook,
                                      variable_name)
from stocktake.banks.loading import available_banks, find_bank
from stocktake.errors import StocktakeError
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer

SHIPPED = sorted(b.id for b in available_banks())
STATA_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_every_question_has_its_columns_and_every_value_its_code(bank_id):
    bank = find_bank(bank_id)
    book = codebook(bank)
    names = [v.name for v in book.variables]
    assert len(names) == len(set(names))
    assert all(STATA_NAME.match(n) and len(n) <= NAME_LIMIT and n not in RESERVED
               for n in names), names
    for q in bank.questions:
        columns = book.question_columns(q.id)
        if q.type == "multi":
            assert [c.option for c in columns] == [o.id for o in q.options]
        else:
            assert len(columns) == 1 and columns[0].text == q.text
        for c in columns:
            values = book.values_of(c.name)
            codes = [v.code for v in values]
            missing = [v.code for v in values if v.missing]
            assert missing == ([NA_CODE, DK_CODE] if q.type != "text" else ["na", "dk"])
            if q.type == "scale":
                assert [(v.code, v.label) for v in values if not v.missing] == \
                    list(enumerate(q.levels, start=1))
            if q.type == "choice":
                assert [v.option for v in values if not v.missing] == [o.id for o in q.options]
                assert codes[:len(q.options)] == list(range(1, len(q.options) + 1))
            if q.type in ("yesno", "multi"):
                assert sorted(c for c in codes if c not in missing) == [0, 1]
    assert book.hash == bank.hash and book.edition == bank.version


def test_names_are_stable_short_and_distinct():
    long_id = "commissioning.pooled-budgets-and-joint-commissioning-arrangements"
    first = variable_name(long_id, "mental-health")
    assert first == variable_name(long_id, "mental-health")
    assert len(first) == NAME_LIMIT and STATA_NAME.match(first)
    assert first != variable_name(long_id, "mental-health-services")
    assert variable_name("in") != "in" and variable_name("9lives").startswith("q_")
    taken = {"vision_x"}
    assert variable_name("vision.x", taken=taken) == "vision_x_2"


def test_question_names_never_take_a_column_of_the_respondent():
    """A question whose id reads as a fixed column (role, age_band) gets a name of its own."""
    from stocktake.banks.codebook import RESPONDENT_COLUMNS

    bank = find_bank("idea-stocktake")
    first, second = bank.questions[:2]
    clashing = replace(bank, questions=(replace(first, id="role"), replace(second, id="age-band"),
                                        *bank.questions[2:]))
    names = [v.name for v in codebook(clashing).variables[:2]]
    assert names == ["role_2", "age_band_2"]
    assert not set(v.name for v in codebook(clashing).variables) & set(RESPONDENT_COLUMNS)


def test_spss_text_longer_than_it_holds_is_cut_not_wrapped(tmp_path):
    """ReadStat writes a text value past SPSS's 32,767 bytes wrapped round (120,000 bytes came
    back as 20,000): an evidence note that long is cut at the limit; Stata keeps it whole."""
    pyreadstat = pytest.importorskip("pyreadstat")
    note = "Evidence: the board's minutes, " + "é" * 70_000
    table = Table("long", (Column("evidence", "Evidence note", [note, "", "short"]),))
    for fmt, reader, whole in (("spss", pyreadstat.read_sav, False),
                               ("stata", pyreadstat.read_dta, True)):
        path = tmp_path / f"t.{fmt}"
        path.write_bytes(table_bytes(table, fmt))
        data, _ = reader(path, output_format="dict")
        back = list(data["evidence"])
        if whole:
            assert back[0] == note
        else:
            assert len(back[0].encode()) <= 32767 and back[0].endswith("...")
            assert note.startswith(back[0][:-3])
        assert back[1:] == ["", "short"]


def test_text_a_c_library_would_cut_short_is_kept(tmp_path):
    """A NUL ends a C string: ReadStat wrote "a\\x00b" as "a", silently. Labels, values and the
    file label keep what follows, the NUL shown as U+FFFD; a lone surrogate too."""
    pyreadstat = pytest.importorskip("pyreadstat")
    table = Table("long", (Column("evidence", "Evidence\x00 note", ["a\x00b", "x\ud800y"]),
                           Column("n", "n", [1, 2], numeric=True,
                                  value_labels={1: "o\x00ne"})), label="lab\x00el")
    for fmt, reader in (("spss", pyreadstat.read_sav), ("stata", pyreadstat.read_dta)):
        path = tmp_path / f"t.{fmt}"
        path.write_bytes(table_bytes(table, fmt))
        data, meta = reader(path, output_format="dict")
        assert list(data["evidence"]) == ["a\ufffdb", "x\ufffdy"]
        assert meta.column_names_to_labels["evidence"] == "Evidence\ufffd note"
        assert meta.variable_value_labels["n"][1] == "o\ufffdne"
        assert meta.file_label == "lab\ufffdel"


def test_text_values_repeated_or_of_other_kinds_are_written_as_each_would_be_alone(tmp_path):
    """Text values are cut once per distinct value (a long table repeats its texts on every
    row): a value repeated, one past the limit, one that is not text, and a missing one come
    back as each would alone."""
    pyreadstat = pytest.importorskip("pyreadstat")
    past = "x" * (LIMITS["spss"]["text"] + 5)
    values = ["short", past, None, "short", past, 7, "a\x00b", "short"]
    unhashable = ["short", ["a", "b"], None]
    for column in (values, unhashable):
        table = Table("long", (Column("evidence", "Evidence note", column),))
        path = tmp_path / "t.sav"
        path.write_bytes(table_bytes(table, "spss"))
        data, _ = pyreadstat.read_sav(path, output_format="dict")
        expected = ["" if v is None else cut(str(v), LIMITS["spss"]["text"]) for v in column]
        assert list(data["evidence"]) == expected
    assert expected[1] == "['a', 'b']"
    assert cut(past, LIMITS["spss"]["text"]).endswith("...")
    assert cut("a\x00b", 10) == "a\ufffdb"


def test_wide_values_code_each_kind_of_answer():
    bank = find_bank("idea-stocktake")
    kinds = {q.type: q for q in bank.questions}
    choice, multi = kinds["choice"], kinds["multi"]
    assert wide_value(kinds["scale"], Answer(kinds["scale"].id, ANSWERED, 3)) == 3
    assert wide_value(choice, Answer(choice.id, ANSWERED, choice.options[1].id)) == 2
    assert wide_value(kinds["yesno"], Answer(kinds["yesno"].id, ANSWERED, "no")) == 0
    chosen = Answer(multi.id, ANSWERED, [multi.options[0].id])
    assert wide_value(multi, chosen, multi.options[0].id) == 1
    assert wide_value(multi, chosen, multi.options[1].id) == 0
    assert wide_value(multi, Answer(multi.id, DONT_KNOW, None), multi.options[1].id) == DK_CODE
    assert wide_value(kinds["number"], Answer(kinds["number"].id, NOT_APPLICABLE, None)) \
        == NA_CODE
    assert wide_value(kinds["text"], Answer(kinds["text"].id, DONT_KNOW, None)) == "dk"
    assert wide_value(kinds["scale"], None) is None


def test_a_number_question_that_allows_a_missing_code_is_refused():
    bank = find_bank("idea-stocktake")
    number = next(q for q in bank.questions if q.type == "number")
    changed = replace(bank, questions=tuple(replace(q, min=-1000.0) if q is number else q
                                            for q in bank.questions))
    with pytest.raises(StocktakeError) as caught:
        data_set(changed, "2026-27", [])
    assert number.id in caught.value.message and "-97" in caught.value.message


@pytest.mark.parametrize("fmt", ["spss", "stata"])
def test_long_labels_are_cut_to_the_formats_limits(fmt, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    text = "Ceci n'est pas une question très courte " * 12  # accents: bytes, not characters
    table = Table("wide", (Column("q1", text, [1, 2, NA_CODE], numeric=True,
                                  value_labels={1: text, 2: "Two", NA_CODE: "Not applicable"},
                                  missing=(NA_CODE, DK_CODE)),), label="x " * 60)
    path = tmp_path / f"t.{'sav' if fmt == 'spss' else 'dta'}"
    path.write_bytes(table_bytes(table, fmt))
    reader = pyreadstat.read_sav if fmt == "spss" else pyreadstat.read_dta
    _, meta = reader(path)
    label = meta.column_names_to_labels["q1"]
    assert len(label.encode()) <= LIMITS[fmt]["variable"] and label.endswith("...")
    assert text.startswith(label[:-3])
    value = meta.variable_value_labels["q1"][1]
    assert len(value.encode()) <= LIMITS[fmt]["value"]
    assert cut("é" * 10, 7) == "éé..."  # never half a character


def test_codebook_command_writes_xlsx_csv_and_markdown(cli, tmp_path):
    bank = find_bank("idea-stocktake")
    book = codebook(bank)
    for suffix in ("xlsx", "csv", "md"):
        result = cli("codebook", "idea-stocktake", "--out", tmp_path / f"cb.{suffix}")
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"cb.{suffix}").stat().st_mode & 0o777 == 0o600
    wb = load_workbook(tmp_path / "cb.xlsx")
    assert wb.sheetnames == ["About", "Variables", "Values"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["hash"] == bank.hash and about["edition"] == bank.version
    assert "README" in about["scoring"] and "mean of the partner roles" in about["scoring"]
    variables = list(wb["Variables"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in variables] == [v.name for v in book.variables]
    conditioned = next(v for v in book.variables if v.condition)
    assert conditioned.condition == "asked only if vision.has-statement is Yes"
    assert dict((r[0], r[12]) for r in variables)[conditioned.name] == conditioned.condition
    assert wb["Values"].max_row - 1 == len(book.values)
    rows = list(csv.DictReader((tmp_path / "cb.csv").read_text(encoding="utf-8-sig")
                               .splitlines()))
    assert len(rows) == len(book.variables) + len(book.values)
    assert {r["bank_hash"] for r in rows} == {bank.hash}
    na = [r for r in rows if r["row"] == "value" and r["code"] == str(NA_CODE)]
    assert len(na) == sum(1 for v in book.variables if v.numeric)
    md = (tmp_path / "cb.md").read_text(encoding="utf-8")
    assert bank.hash in md and md.count("\n### `") == len(book.variables)


def test_codebook_command_refuses_what_it_cannot_write(cli, tmp_path):
    result = cli("codebook", "idea-stocktake", "--out", tmp_path / "cb.txt")
    assert result.exit_code == 2 and ".xlsx, .csv or .md" in result.stderr
    assert not (tmp_path / "cb.txt").exists()
    # An unknown bank is a usage error (exit 2), as an unknown --bank is everywhere.
    result = cli("codebook", "no-such-bank", "--out", tmp_path / "cb.md")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "cb.md").exists()


def test_bank_text_is_data_in_the_markdown(tmp_path):
    from stocktake.analysis.codebook_files import codebook_markdown

    bank = find_bank("idea-stocktake")
    q = bank.questions[0]
    hostile = replace(bank, questions=(replace(q, text="| pipe <script>x</script> *bold*"),
                                       *bank.questions[1:]))
    md = codebook_markdown(codebook(hostile))
    assert "<script>" not in md and "\\| pipe" in md and "\\*bold\\*" in md


def test_the_national_workbook_has_the_codebook_sheet(cli, tmp_path):
    ws = tmp_path / "ws"
    assert cli("demo", "--partnerships", "3", "--respondents", "3", "--out",
               tmp_path / "demo").exit_code == 0
    assert cli("export", "--all", "--wave", "2026-27", "--out", tmp_path / "x").exit_code == 0
    result = cli("merge", tmp_path / "x", "--out", tmp_path / "n.xlsx")
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "n.xlsx")
    assert wb.sheetnames.index("Codebook") == wb.sheetnames.index("About") - 1
    sheet = wb["Codebook"]
    assert sheet.oddHeader.left.text == wb["Contents"].oddHeader.left.text
    book = codebook(find_bank("idea-stocktake"))
    names = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "variable"]
    assert names == [v.name for v in book.variables]
    listed = [r[0] for r in wb["Contents"].iter_rows(values_only=True)]
    assert listed[-2:] == ["Codebook", "About"]  # in tab order
    assert ws.exists()
