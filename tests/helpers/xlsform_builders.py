"""Submissions exports built exactly as ODK Central and KoboToolbox write them, for tests.

Column names come from the XForm pyxform makes of the exported XLSForm (the form the tools are
given), in the form's schema order, so the tests read what a real export of that form holds.

ODK Central `submissions.csv` (getodk/central-backend, test/integration/api/submissions.js and
test/integration/other/select-many.js): header
`SubmissionDate,<fields, group path joined by '-'>,KEY,SubmitterID,SubmitterName,
AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion`, the
`meta-instanceID` field among the fields where the form puts it (`uuid:...` values, KEY the
same), comma-separated, select_multiple values space-separated, and with splitSelectMultiples
one `<field>/<choice>` column of 0/1 after each select_multiple.

KoboToolbox (kobotoolbox/kpi, kpi/tests/test_mock_data_exports.py; export settings
`lang: _xml`, `group_sep: /`, `multiple_select: both|details`, seen in the kpi API's
export_settings; group_sep is free text, and formpack's fields.py joins both the group path and
a select_multiple's option columns with it): header the fields with their group path joined by
'/' (or `group_sep`), select_multiple as a
summary column of space-separated names followed by `<field>/<choice>` columns of 0/1, then
`_id,_uuid,_submission_time,_validation_status,_notes,_status,_submitted_by,__version__,_tags,
_index`. CSV is ';'-separated with every value quoted and CRLF line ends; XLSX has one sheet
named after the form, `_id` and `_index` as numbers. `__version__` holds Kobo's own version id
(kpi#3046: Kobo replaces the XLSForm version), which is why the form carries `stocktake_form`.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

XF = "{http://www.w3.org/2002/xforms}"
CENTRAL_TAIL = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
                "FormVersion"]
KOBO_TAIL = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index"]


def field_paths(xform: str) -> list[tuple[str, ...]]:
    """Leaf fields of the XForm's main instance, in order, as paths of element names."""
    root = ET.fromstring(xform)
    data = next(iter(root.iter(f"{XF}instance")))[0]
    paths: list[tuple[str, ...]] = []

    def walk(element, prefix):
        for child in element:
            name = child.tag.split("}")[-1]
            if len(child):
                walk(child, prefix + (name,))
            else:
                paths.append(prefix + (name,))

    walk(data, ())
    return paths


def choices_of(sheets, list_name: str) -> list[str]:
    return [row[1] for row in sheets.choices[1:] if row[0] == list_name]


def central_csv(path: Path, xform: str, sheets, submissions: list[dict], *, version: str,
                split: bool = False, group_paths: bool = True) -> Path:
    """`submissions` map field name (last path part) -> value; `instance` gives the id.

    `group_paths=False` is Central's `?groupPaths=false` export: field names without groups.
    """
    paths = field_paths(xform)
    if not group_paths:
        paths = [p[-1:] for p in paths]
    multis = {row[1]: row[0].split(" ", 1)[1] for row in sheets.survey[1:]
              if str(row[0]).startswith("select_multiple ")}
    header = ["SubmissionDate"]
    for p in paths:
        header.append("-".join(p))
        if split and p[-1] in multis:
            header += ["-".join(p) + "/" + c for c in choices_of(sheets, multis[p[-1]])]
    header += CENTRAL_TAIL
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for s in submissions:
        row = ["2026-05-01T10:00:00.000Z"]
        for p in paths:
            if p[-1] == "instanceID":
                row.append("uuid:" + s["instance"])
                continue
            value = s.get(p[-1], "")
            row.append(value)
            if split and p[-1] in multis:
                chosen = str(value).split()
                row += ["1" if c in chosen else "0" for c in choices_of(sheets, multis[p[-1]])]
        row += ["uuid:" + s["instance"], "5", "Alice", "0", "0", "", "", "", "0", version]
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _kobo_rows(xform: str, sheets, submissions: list[dict], mode: str = "both",
               group_sep: str = "/", submitted: str = "2026-05-01T10:00:00"):
    paths = [p for p in field_paths(xform) if p[0] != "meta"]
    multis = {row[1]: row[0].split(" ", 1)[1] for row in sheets.survey[1:]
              if str(row[0]).startswith("select_multiple ")}
    header = []
    for p in paths:
        name = group_sep.join(p)
        if p[-1] in multis:
            if mode in ("both", "summary"):
                header.append(name)
            if mode in ("both", "details"):
                # formpack: "{label}{group_sep}{option}" (FormChoiceFieldWithMultipleSelect)
                header += [name + (group_sep or "/") + c
                           for c in choices_of(sheets, multis[p[-1]])]
        else:
            header.append(name)
    header += KOBO_TAIL
    rows = []
    for index, s in enumerate(submissions, start=1):
        row = []
        for p in paths:
            value = s.get(p[-1], "")
            if p[-1] in multis:
                if mode in ("both", "summary"):
                    row.append(value)
                chosen = str(value).split()
                if mode in ("both", "details"):
                    row += ["1" if c in chosen else "0" if value else ""
                            for c in choices_of(sheets, multis[p[-1]])]
            else:
                row.append(value)
        row += [float(60 + index), s["instance"], submitted, "", "",
                "submitted_via_web", "", "vBdzksT2SSU9LZi88pxHxQ", "", float(index)]
        rows.append(row)
    return header, rows


def kobo_xlsx(path: Path, xform: str, sheets, submissions: list[dict], *, mode: str = "both",
              title: str = "Mini bank for tests", group_sep: str = "/",
              submitted: str = "2026-05-01T10:00:00") -> Path:
    from openpyxl import Workbook

    header, rows = _kobo_rows(xform, sheets, submissions, mode, group_sep, submitted)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def kobo_csv(path: Path, xform: str, sheets, submissions: list[dict], *,
             mode: str = "both", group_sep: str = "/",
             submitted: str = "2026-05-01T10:00:00") -> Path:
    header, rows = _kobo_rows(xform, sheets, submissions, mode, group_sep, submitted)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([("%d" % v) if isinstance(v, float) else v for v in row])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


# ---------------------------------------------------------------- a bank written in a spreadsheet

def authoring_workbook(path, survey, choices, settings=None):
    """A bank written as an XLSForm workbook at `path`: `survey`, `choices` and `settings` sheets
    of rows (lists of cells); the settings default to a bank called my-bank."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices),
                        ("settings", settings or [["form_title", "form_id", "version",
                                                   "description"],
                                                  ["My bank", "my-bank", "1", "Mine."]])):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# The role question and its two roles, rows of the survey and choices sheets.
ROLE_ROWS = [["select_one role", "role", "Which partner are you?"]]
ROLE_CHOICES = [["list_name", "name", "label", "score"], ["role", "council", "Council", None],
                ["role", "health", "Health", None]]
