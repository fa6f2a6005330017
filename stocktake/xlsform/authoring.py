"""Writing a bank in a spreadsheet: an XLSForm with stocktake's extra columns, as bank TOML.

What the sheets hold (the same shape `export.py` writes, so a bank survives the round trip):

* `survey`: a `select_one role` question named `role` (its choices are the bank's roles), then
  one `begin_group`/`end_group` per area (the group's name, or its `area` column, is the area id;
  its label the title; `description` the description) holding the questions. Each question:
  `name` -> id, `label` -> text, `hint` -> guidance, `required`, `relevant` (roles and one skip
  condition, see relevance.py), and the extra columns `roles` (ids, space-separated), `weight`,
  `scored` (yes/no), `unit`, `area`.
* Types: select_one with names `1`..`N` and no scores -> scale (labels are the levels);
  select_one with names `yes` and `no` and no scores -> yesno; other select_one -> choice;
  select_multiple -> multi; decimal or integer -> number (min/max from a constraint written
  `. >= 0 and . <= 100`); text -> text. Choice names `na` and `dk` are stocktake's own answers.
* `choices`: `list_name`, `name`, `label`, and the extra `score`.
* `settings`: `form_id` -> id, `form_title` -> title, `version` (a trailing "(hash)" that
  export adds is dropped), extra `description` and `min_coverage`; an optional `bands` sheet.

The `partnership`, `respondent`, `stocktake_form` and `<id>_evidence` fields that export adds
are skipped, and so are the tools' metadata (`start`, `end`, ...). What a bank cannot hold
(repeats, calculations, notes, cascading selects, other question types, other XPath) is named
with its sheet and row.

    data = bank_data_from_xlsform(Path("my-bank.xlsx"))     # TOML-shaped dict, validated
    Path("my-bank.toml").write_text(bank_toml(data))
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stocktake.errors import StocktakeError
from stocktake.xlsform.export import (EVIDENCE_SUFFIX, FORM_FIELD, NOTICE_SUFFIX,
                                      PARTNERSHIP_FIELD,
                                      RESPONDENT_FIELD, alone_constraint)
from stocktake.xlsform.relevance import ROLE_FIELD, UnsupportedRelevant, parse_relevant

METADATA_TYPES = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
                  "subscriberid", "email", "audit", "start-geopoint"}
YES = {"yes", "true", "true()", "1"}
VERSION_WITH_HASH = re.compile(r"^(.*\S)\s+\(([0-9a-f]{12})\)$")
BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
OWN_MULTI_CONSTRAINT = "not((selected(., 'na') or selected(., 'dk')) and count-selected(.) > 1)"


def bank_data_from_xlsform(path: Path) -> dict:
    """The bank the XLSForm describes, as the dict a bank TOML file parses to; see
    :func:`xlsform_bank`, which also gives the notes of what was not carried."""
    return xlsform_bank(path)[0]


def xlsform_bank(path: Path) -> tuple[dict, list[str]]:
    """(bank data, notes) for an XLSForm (.xlsx, or .xls as pyxform reads it).

    Any form pyxform accepts becomes a bank: groups are areas, selects are choices (unscored
    where neither levels nor scores are given), and what a bank cannot hold (repeats, GPS,
    media, notes, calculations, filters, other XPath) is left out with a note naming its
    sheet and row. Raises StocktakeError listing every row stocktake cannot read at all, then
    every problem the bank validator finds in the result.
    """
    from stocktake.banks.validation import validate_bank_data

    path = Path(path)
    sheets = _xlsform_sheets(path)
    reader = _Reader(path, sheets)
    data = reader.read()
    if reader.problems:
        raise StocktakeError(f"{path}: {len(reader.problems)} row(s) stocktake cannot use; no "
                             "bank was written", details=reader.problems,
                             hint="change or delete the rows named, then import again")
    # No path: the validator would read the file as TOML text to find line numbers.
    problems = validate_bank_data(data, None)
    if problems:
        raise StocktakeError(f"{path}: the bank it describes has {len(problems)} problem(s)",
                             details=[f"{path}: {p.where}: {p.message}" for p in problems],
                             hint="fix them in the spreadsheet and import again")
    return data, reader.notes


def _xlsform_sheets(path: Path) -> dict:
    """The form's sheets by lower-cased name (pyxform's names are case-insensitive):
    survey, choices, and settings, bands and sources where present."""
    if path.suffix.lower() == ".xls":
        found = _xls_sheets(path)
    else:
        from stocktake.returns.file_checks import check_workbook_file
        from stocktake.returns.workbook_reader import read_sheets, sheet_names

        check_workbook_file(path)
        named = {n.strip().lower(): n for n in reversed(sheet_names(path))}
        wanted = [named[b] for b in ("survey", "choices", "settings", "bands", "sources")
                  if b in named]
        found = {name.strip().lower(): rows
                 for name, rows in read_sheets(path, [], optional=wanted).items()}
    found.setdefault("choices", [])  # a form without selects needs no choices sheet
    for needed in ("survey",):
        if needed not in found:
            raise StocktakeError(f"{path}: no '{needed}' sheet; an XLSForm bank needs survey "
                                 "and choices (and settings, for its id and title)",
                                 hint="see README: Writing a bank in a spreadsheet")
    return found


XLS_LIMIT = 16 * 1024 * 1024


def check_xls_file(path: Path) -> None:
    """WorkbookRefused unless `path` is a readable Excel 97-2003 (.xls) file of at most
    XLS_LIMIT bytes: checked before pyxform or xlrd reads it."""
    from stocktake.returns.file_checks import OLE_MAGIC, WorkbookRefused

    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookRefused(path, f"cannot read it ({exc.strerror or exc})",
                              hint="check the path")
    if head != OLE_MAGIC:
        raise WorkbookRefused(path, "named .xls but not an Excel 97-2003 workbook",
                              hint="save it as .xlsx or .xls from Excel and try again")
    if size > XLS_LIMIT:
        raise WorkbookRefused(path, f"{size // (1024 * 1024)} MiB; an XLSForm takes far less",
                              hint="save it as .xlsx and try again")


def _xls_sheets(path: Path) -> dict:
    """An old-style .xls read with xlrd (as pyxform reads one), row by row as each row holds
    cells (ragged), so a stray far cell costs one row, not a grid."""
    from stocktake.returns.file_checks import WorkbookRefused

    check_xls_file(path)
    try:
        import xlrd
    except ImportError:
        raise StocktakeError(f"{path}: reading .xls needs xlrd",
                             hint="pip install 'stocktake[xlsform]', or save it as .xlsx")
    try:
        book = xlrd.open_workbook(str(path), ragged_rows=True, on_demand=True)
    except Exception as exc:  # noqa: BLE001 - any failure on an untrusted file is a refusal
        raise WorkbookRefused(path, f"cannot be read as an .xls workbook ({type(exc).__name__}"
                                    "; a password-protected file cannot be read)")
    try:
        found = {}
        for name in book.sheet_names():
            key = name.strip().lower()
            if key not in ("survey", "choices", "settings", "bands") or key in found:
                continue
            sheet = book.sheet_by_name(name)
            found[key] = [[_xls_value(cell) for cell in sheet.row(r)]
                          for r in range(sheet.nrows)]
        return found
    finally:
        book.release_resources()


def _xls_value(cell) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def bank_toml(data: dict) -> str:
    """The bank as TOML text (tomli-w: a well-kept writer for the format tomllib reads)."""
    try:
        import tomli_w
    except ImportError:
        raise StocktakeError("tomli-w is not installed, so the bank cannot be written",
                             hint="pip install 'stocktake[xlsform]'")
    header = "# Written by `stocktake banks import-xlsform`; check with `stocktake banks " \
             "validate`.\n\n"
    return header + tomli_w.dumps(data)


class _Reader:
    def __init__(self, path: Path, sheets: dict):
        self.path = path
        self.sheets = sheets
        self.problems: list[str] = []
        # Questions refused, so that rows depending on them are not refused a second time.
        self.refused: set[str] = set()
        # What the form holds that a bank does not carry, per question: the import goes on.
        self.notes: list[str] = []
        self.language = self.default_language()
        self.loose_area: dict | None = None  # where questions in no group go

    def default_language(self) -> str:
        """The settings sheet's `default_language` ("English (en)", "English" or "en"),
        lower-cased; "" when it gives none."""
        rows = self.sheets.get("settings") or []
        if len(rows) < 2:
            return ""
        header = [_text(h).lower() for h in rows[0]]
        if "default_language" not in header:
            return ""
        at = header.index("default_language")
        return _text(rows[1][at] if at < len(rows[1]) else "").lower()

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.problems.append(f"{self.path}: sheet '{sheet}', row {row}: {message}")

    def note(self, sheet: str, row: int, message: str) -> None:
        self.notes.append(f"sheet '{sheet}', row {row}: {message}")

    def bank_id(self, row: int, name: str) -> str:
        """A question's bank id for its XLSForm name: the name itself where a bank id may be
        so (lower-case letters, digits, '-', '_', '.'), else a lower-cased, cleaned form of it,
        noted, and made unique."""
        if re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            return name
        made = _slug(name) or "q"
        if not made[0].isalnum():
            made = "q" + made
        taken: set[str] = getattr(self, "_ids", set())
        base, n = made, 1
        while made in taken:
            n += 1
            made = f"{base}-{n}"
        taken.add(made)
        self._ids = taken
        self.note("survey", row, f"'{name}' is the bank's question '{made}' (a bank id is "
                                 "lower-case letters, digits, '-', '_' and '.')")
        return made

    def table(self, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        rows = self.sheets.get(sheet) or []
        if not rows:
            return []
        header = [_text(h).lower() for h in rows[0]]
        # A language column (`label::English (en)`) stands in for a plain one: the settings'
        # default_language where it names one, else English, else the first.
        if "label" not in header and "caption" in header:
            header[header.index("caption")] = "label"  # pyxform's alias (aliases.survey_header)
        for base in ("label", "hint"):
            if base not in header:
                chosen = _language_column(header, base, self.language)
                if chosen is not None:
                    header[chosen] = base
        out = []
        for index, cells in enumerate(rows[1:], start=2):
            record = {h: cells[i] if i < len(cells) else None for i, h in enumerate(header) if h}
            if any(_text(v) for v in record.values()):
                out.append((index, record))
        return out

    # ------------------------------------------------------------ sheets

    def read(self) -> dict:
        lists = self.choice_lists()
        settings = self.table("settings")
        setting = settings[0][1] if settings else {}
        version = _text(setting.get("version"))
        match = VERSION_WITH_HASH.match(version)
        data: dict[str, Any] = {
            "id": _text(setting.get("form_id")), "title": _text(setting.get("form_title")),
            "version": match.group(1) if match else version,
            "description": _text(setting.get("description")),
        }
        if not settings or not all(data[k] for k in ("id", "title", "version")):
            # pyxform needs no settings (nor an id, title or version): a form from the field
            # may have none, and its form_id may not be a bank id ("ID").
            stem = re.sub(r"[^a-z0-9_.-]+", "-", (data["id"] or self.path.stem).lower())
            given = {k: data[k] for k in ("id", "title", "version")}
            data["id"] = stem.strip("-") or "form"
            data["title"] = data["title"] or self.path.stem
            data["version"] = data["version"] or "1"
            if given != {k: data[k] for k in ("id", "title", "version")}:
                self.note("settings", 2, ("no settings sheet: " if not settings else "")
                          + f"the bank is '{data['id']}', version "
                                         f"{data['version']}, titled '{data['title']}' (the "
                                         "form's settings give no usable id, title or version)")
        if not data["description"] and (not settings or not _has_stocktake_columns(
                self.sheets)):
            data["description"] = f"Imported from the XLSForm '{self.path.stem}'."
        if _text(setting.get("min_coverage")):
            data["min_coverage"] = _number(setting.get("min_coverage"))
        # How the partnership score is made (issue 13); banks validate checks the values.
        if _text(setting.get("partnership_score")):
            data["partnership_score"] = _text(setting.get("partnership_score"))
        if _text(setting.get("min_roles")):
            data["min_roles"] = _number(setting.get("min_roles"))
        if _text(setting.get("safeguarding_notice")):
            data["safeguarding_notice"] = _text(setting.get("safeguarding_notice"))
        if _text(setting.get("period")):
            data["period"] = _text(setting.get("period"))
        # The [sources] table: a row each (id, title, url); banks validate checks them.
        sources = {_text(r.get("id")): {"title": _text(r.get("title")), "url": _text(r.get("url"))}
                   for _, r in self.table("sources") if _text(r.get("id"))}
        if sources:
            data["sources"] = sources
        bands = [{"label": _text(r.get("label")), "min": _number(r.get("min")),
                  "colour": _text(r.get("colour")) or "#FFFFFF"} for _, r in self.table("bands")]
        if bands and not _default_bands(bands):
            data["bands"] = bands
        roles, areas, questions = self.survey(lists)
        used = {q["area"] for q in questions}
        for area in [a for a in areas if a["id"] not in used]:
            self.note("survey", 1, f"group '{area['id']}' holds no question a bank carries, so "
                                   "it is no area")
        data["roles"] = roles
        data["areas"] = [a for a in areas if a["id"] in used]
        data["questions"] = questions
        if not questions:
            raise StocktakeError(f"{self.path}: no question in the form is one a bank can ask "
                                 "(scale, choice, multi, yesno, number, text), so no bank was "
                                 "written", details=[f"{self.path}: {n}" for n in self.notes],
                                 hint="a bank needs at least one such question")
        if data["id"] != data["id"].lower() or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*",
                                                                 data["id"]):
            given = data["id"]
            data["id"] = _slug(given) or "form"
            self.note("settings", 2, f"form_id '{given}' is the bank id '{data['id']}'")
        return {k: v for k, v in data.items() if v != ""}

    def choice_lists(self) -> dict[str, list[dict]]:
        lists: dict[str, list[dict]] = {}
        for row, record in self.table("choices"):
            name = _text(record.get("list_name") or record.get("list name"))
            option = {"row": row, "name": _text(record.get("name")),
                      "label": _text(record.get("label")) or _text(record.get("name")),
                      "score": record.get("score"),
                      "reported_apart": _text(record.get("reported_apart")).lower() in YES,
                      "anonymous": _text(record.get("anonymous")).lower() in YES,
                      "exclusive": _text(record.get("exclusive")).lower() in YES}
            if not name or not option["name"]:
                self.problem("choices", row, "a choice needs list_name and name")
                continue
            same = [o for o in lists.get(name, []) if o["name"] == option["name"]]
            if same:
                # Filtered lists (choice_filter) repeat a name under each filter value.
                self.note("choices", row, f"choice '{option['name']}' of list '{name}' repeats "
                                          f"row {same[0]['row']}: the first is kept")
                continue
            lists.setdefault(name, []).append(option)
        return lists

    def survey(self, lists: dict) -> tuple[list, list, list]:
        roles: list[dict] = []
        areas: list[dict] = []
        questions: list[dict] = []
        by_id: dict[str, dict] = {}
        stack: list[str] = []
        for row, record in self.table("survey"):
            kind = canonical_type(" ".join(_text(record.get("type")).split()))
            name = _text(record.get("name"))
            lowered = kind.lower().replace(" ", "_", 1) if kind.lower().startswith(
                ("begin ", "end ")) else kind.lower()
            if not kind:
                continue  # a comment row (text in other columns, no type): pyxform skips it
            if lowered in METADATA_TYPES:
                continue
            if lowered == "begin_group":
                area_id = _text(record.get("area")) or name
                if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", area_id):
                    given, area_id = area_id, _slug(area_id) or f"group-{row}"
                    self.note("survey", row, f"group '{given}' is the bank's area '{area_id}' "
                                             "(an area id is lower-case letters, digits, '-', "
                                             "'_' and '.')")
                stack.append(area_id)
                area: dict[str, Any] = {
                    "id": area_id, "title": _text(record.get("label")) or name or area_id,
                    "description": _text(record.get("description"))}
                for key in ("indicators", "context"):
                    linked = [i.strip() for i in _text(record.get(key)).split(";") if i.strip()]
                    if linked:
                        area[key] = linked
                if _text(record.get("sources")):
                    area["sources"] = _text(record.get("sources")).split()
                areas.append(area)
                continue
            if lowered == "end_group":
                if stack:
                    stack.pop()
                continue
            if lowered in ("begin_repeat", "end_repeat"):
                if lowered == "begin_repeat":
                    self.note("survey", row, f"repeat '{name}' not carried: its questions are "
                                             "asked once each (a bank has no repeats)")
                continue
            if lowered == "calculate":
                if name != FORM_FIELD:
                    self.note("survey", row, f"calculation '{name}' not carried: a bank holds "
                                             "no calculations; stocktake scores the answers")
                    self.refused.add(name)
                continue
            if _text(record.get("choice_filter")):
                self.note("survey", row, f"'{name}': its choice filter (a cascading select) is "
                                         "not carried: every choice is offered")
            if name == ROLE_FIELD and lowered.startswith("select_one"):
                for option in lists.get(kind.split(" ", 1)[-1], []):
                    role = {"id": option["name"], "title": option["label"]}
                    role.update({k: True for k in ("reported_apart", "anonymous") if option[k]})
                    roles.append(role)
                continue
            if name in (PARTNERSHIP_FIELD, RESPONDENT_FIELD):
                continue
            if name.endswith(EVIDENCE_SUFFIX) and (name[:-len(EVIDENCE_SUFFIX)] in by_id or
                                                   name[:-len(EVIDENCE_SUFFIX)] in self.refused):
                continue
            # The safeguarding notice shown after a question (stocktake's own export): the
            # bank carries it as the settings' notice and the question's `notice` column.
            if lowered == "note" and name.endswith(NOTICE_SUFFIX) and \
                    name[:-len(NOTICE_SUFFIX)] in by_id:
                continue
            question = self.question(row, record, kind, name, lists, stack, by_id)
            if question is not None:
                questions.append(question)
                by_id[name] = question  # by its name in the form, which conditions use
            elif name:
                self.refused.add(name)
        if not roles:
            roles.append({"id": "respondent", "title": "Respondent"})
            self.note("survey", 1, "no `select_one` question named 'role': one role, "
                                   "'respondent', answers every question (add a role question, "
                                   "its choices the partners, to ask them apart)")
        if self.loose_area is not None:
            areas.insert(0, self.loose_area)
        return roles, areas, questions

    def question(self, row, record, kind, name, lists, stack, by_id) -> dict | None:
        parts = kind.split(" ")
        base = parts[0].lower()
        if not name:
            self.note("survey", row, f"a '{kind}' row without a name is left out")
            return None
        q: dict[str, Any] = {"id": self.bank_id(row, name), "area": _text(record.get("area")) or
                             (stack[-1] if stack else ""), "text": _text(record.get("label"))}
        if not q["area"]:
            if self.loose_area is None:
                self.loose_area = {"id": "questions", "title": "Questions",
                                   "description": "Questions the form puts in no group."}
                self.note("survey", row, f"'{name}' and the other questions in no group go in "
                                         "one area, 'questions' (a group is an area)")
            q["area"] = "questions"
        constraint = _text(record.get("constraint"))
        if base in ("select_one", "select_multiple"):
            if [p.lower() for p in parts[2:]] in (["or_other"], ["or", "specify", "other"]):
                self.note("survey", row, f"'{name}': its 'or_other' (Other, please specify) is "
                                         "not carried")
                parts = parts[:2]
            if len(parts) != 2:
                self.problem("survey", row, f"'{kind}': only `select_one LIST` and "
                                            "`select_multiple LIST` (no files)")
                return None
            options = lists.get(parts[1])
            if options is None:
                self.problem("survey", row, f"'{name}': no choice list '{parts[1]}' on the "
                                            "choices sheet")
                return None
            real = [o for o in options if o["name"] not in ("na", "dk")]
            names = [o["name"] for o in real]
            scored_options = any(_text(o["score"]) for o in real)
            if base == "select_multiple":
                q["type"] = "multi"
            elif names == ["yes", "no"] and not scored_options:
                q["type"] = "yesno"
            elif names == [str(i) for i in range(1, len(names) + 1)] and not scored_options \
                    and 3 <= len(names) <= 6:  # a bank's scale has 3 to 6 levels
                q["type"] = "scale"
                q["levels"] = [o["label"] for o in real]
            else:
                q["type"] = "choice"
            if q["type"] in ("choice", "multi"):
                q["options"] = [{"id": o["name"], "label": o["label"],
                                 "score": _number(o["score"]) if _text(o["score"]) else 0,
                                 **({"exclusive": True} if o["exclusive"] else {})}
                                for o in real]
                if not scored_options:
                    # No scores given: the answers are kept, and count towards nothing.
                    q["scored"] = False
            own = alone_constraint([o["name"] for o in options if o["name"] in ("na", "dk")]
                                   + [o["name"] for o in real if o["exclusive"]])
            if constraint and constraint not in (OWN_MULTI_CONSTRAINT, own):
                self.note("survey", row, f"'{name}': constraint '{constraint}' not carried")
        elif base in ("decimal", "integer"):
            q["type"] = "number"
            for part in [p for p in constraint.split(" and ") if p.strip()]:
                match = BOUND.match(part.strip())
                if not match:
                    self.note("survey", row, f"'{name}': constraint '{constraint}' not carried "
                                             "(a bank bounds a number by `. >= MIN and . <= "
                                             "MAX` only)")
                    q.pop("min", None)
                    q.pop("max", None)
                    break
                q["min" if match.group(1) == ">=" else "max"] = _number(match.group(2))
            if _text(record.get("unit")):
                q["unit"] = _text(record.get("unit"))
        elif base == "text":
            q["type"] = "text"
        elif base == "note":
            self.note("survey", row, f"note '{name}' not carried: a bank has no notes (put the "
                                     "text in the next question's hint)")
            return None
        else:
            what = _NOT_CARRIED.get(base, "a kind of answer a bank does not take")
            self.note("survey", row, f"'{name}' not carried: question type '{kind}' ({what}); "
                                     "a bank asks scale, choice, multi, yesno, number and text "
                                     "questions")
            return None
        if _text(record.get("hint")):
            q["guidance"] = _text(record.get("hint"))
        if _text(record.get("required")).lower() in YES:
            q["required"] = True
        if _text(record.get("weight")):
            q["weight"] = _number(record.get("weight"))
        if _text(record.get("scored")):
            q["scored"] = _text(record.get("scored")).lower() in YES
        for key in ("min_age", "max_age"):
            if _text(record.get(key)):
                age = _number(record.get(key))
                q[key] = int(age) if isinstance(age, float) and age.is_integer() else age
        if _text(record.get("notice")):
            # Level numbers for scales, option ids and yes/no otherwise, as the bank writes them.
            q["notice"] = [int(v) if q.get("type") == "scale" and v.isdigit() else v
                           for v in _text(record.get("notice")).split()]
        if _text(record.get("sources")):
            q["sources"] = _text(record.get("sources")).split()
        roles = _text(record.get("roles")).split()
        try:
            relevant = parse_relevant(_text(record.get("relevant")))
        except UnsupportedRelevant as exc:
            self.note("survey", row, f"'{name}': its relevant is not carried, so it is asked "
                                     f"of everyone ({exc})")
            relevant = parse_relevant("")
        if roles and relevant.roles and sorted(roles) != sorted(relevant.roles):
            self.problem("survey", row, f"'{name}': the roles column ({' '.join(roles)}) and "
                                        f"relevant ({' '.join(relevant.roles)}) disagree")
        roles = roles or list(relevant.roles)
        if roles:
            q["roles"] = roles
        if relevant.condition is not None:
            when = self.condition(row, name, relevant.condition, by_id)
            if when is not None:
                q["when"] = when
        return q

    def condition(self, row, name, condition, by_id) -> dict | None:
        source = by_id.get(condition.question)
        if source is None:
            if condition.question in self.refused:  # its own note or refusal says why
                self.note("survey", row, f"'{name}': its condition on '{condition.question}' "
                                         "(not carried) is dropped: it is always asked")
                return None
            self.problem("survey", row, f"'{name}': relevant names '{condition.question}', "
                                        "which is not an earlier question")
            return {"question": condition.question}
        when: dict[str, Any] = {"question": source["id"]}

        def typed(value):
            # The form stores levels as names '1'..'N'; the bank writes them as numbers.
            if source["type"] in ("scale", "number"):
                return _number(value)
            return str(value)

        if condition.at_least is not None:
            when["at_least"] = _number(condition.at_least)
        elif condition.in_ is not None:
            when["in"] = [typed(v) for v in condition.in_]
        else:
            when["is"] = typed(condition.is_)
        return when


# What the question types a bank does not take hold, for the note that says so.
_NOT_CARRIED = {
    "geopoint": "GPS", "geotrace": "GPS", "geoshape": "GPS", "start-geopoint": "GPS",
    "image": "media", "audio": "media", "video": "media", "file": "media",
    "background-audio": "media", "barcode": "a scanned code", "date": "a date",
    "time": "a time", "datetime": "a date and time", "range": "a slider", "rank": "a ranking",
    "acknowledge": "an acknowledgement", "hidden": "a hidden value",
    "select_one_from_file": "choices from a file", "select_multiple_from_file":
        "choices from a file", "select_one_external": "choices from a file",
}


def _slug(text: str) -> str:
    """Text as a bank id may be written: lower-case, anything else a '-', no leading mark."""
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-_.")


def _has_stocktake_columns(sheets: dict) -> bool:
    """Whether the survey sheet has any of the columns stocktake's own forms carry."""
    rows = sheets.get("survey") or [[]]
    header = {_text(h).lower() for h in rows[0]} if rows else set()
    return bool(header & {"area", "roles", "weight", "scored", "unit", "min_age", "max_age",
                          "notice"})


def canonical_type(kind: str) -> str:
    """A survey `type` as stocktake reads it: pyxform's own spellings of a select (`select
    one LIST`, `select1 LIST`, `select all that apply LIST`, `select_one LIST`, ...), taken from
    pyxform's alias table (pyxform.aliases.select) where pyxform is installed, become
    `select_one LIST` or `select_multiple LIST`; `begin`/`end` with pyxform's control words
    (`group`, `repeat`, `looped group`, ...) become `begin_group`, `begin_repeat` and so on.
    Anything else is returned as it was, for the reader to accept or name."""
    try:
        from pyxform.aliases import control, select
    except ImportError:  # the xlsform extra is optional: the canonical spellings still work
        control = {"group": "group", "repeat": "repeat"}
        select = {"select_one": "select one", "select_multiple": "select all that apply"}
    lowered = kind.lower()
    for word in ("begin", "end"):
        for sep in (" ", "_"):
            if lowered.startswith(word + sep):
                rest = lowered[len(word) + 1:].strip()
                what = control.get(rest) or control.get(rest.split(" ", 1)[0])
                if what is not None:
                    return f"{word}_{'group' if what == 'group' else 'repeat'}"
    # Longest spelling first: "select one from" before "select one".
    for alias in sorted(select, key=len, reverse=True):
        if "file" in alias or "external" in alias or not lowered.startswith(alias + " "):
            continue
        target = {"select one": "select_one",
                  "select all that apply": "select_multiple"}.get(select[alias])
        if target is None:
            break
        return f"{target} {kind[len(alias):].strip()}"
    return kind


def _language_column(header: list[str], base: str, language: str) -> int | None:
    """The index of the `base::LANGUAGE` column to read: the one `language` names (by its
    whole name, its name before the code, or its code), else English, else the first."""
    # `label::English (en)`, or the older single colon (`label:English`) forms still carry.
    found = [(i, h[len(base):].lstrip(":").strip()) for i, h in enumerate(header)
             if h.startswith(base + ":")]
    if not found:
        return None

    def names(lang: str) -> set[str]:
        match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", lang)
        return {lang, match.group(1).strip(), match.group(2).strip()} if match else {lang}

    for wanted in ([language] if language else []) + ["english", "en"]:
        for index, lang in found:
            if wanted in names(lang):
                return index
    return found[0][0]


def _default_bands(bands: list[dict]) -> bool:
    """Bands equal to the default are left out, as export found them: banks.py hashes the
    default bands (int minimums) apart from the same bands written out (float minimums)."""
    from stocktake.banks.model import DEFAULT_BANDS

    return [(b["label"], b["min"], b["colour"]) for b in bands] == \
        [(b.label, b.min, b.colour) for b in DEFAULT_BANDS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any):
    """A number where the cell holds one; otherwise its text, for the validator to name."""
    try:
        number = float(_text(value))
    except ValueError:
        return _text(value)
    if number != number or number in (float("inf"), float("-inf")):
        return _text(value)
    return int(number) if number.is_integer() else number
