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
from stocktake.xlsform.export import (EVIDENCE_SUFFIX, FORM_FIELD, PARTNERSHIP_FIELD,
                                      RESPONDENT_FIELD, alone_constraint)
from stocktake.xlsform.relevance import ROLE_FIELD, UnsupportedRelevant, parse_relevant

METADATA_TYPES = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
                  "subscriberid", "email", "audit", "start-geopoint"}
YES = {"yes", "true", "true()", "1"}
VERSION_WITH_HASH = re.compile(r"^(.*\S)\s+\(([0-9a-f]{12})\)$")
BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
OWN_MULTI_CONSTRAINT = "not((selected(., 'na') or selected(., 'dk')) and count-selected(.) > 1)"


def bank_data_from_xlsform(path: Path) -> dict:
    """The bank the XLSForm describes, as the dict a bank TOML file parses to.

    Raises StocktakeError listing every row stocktake cannot read (sheet and row) and then every
    problem the bank validator finds in the result.
    """
    from stocktake.banks.validation import validate_bank_data
    from stocktake.returns.file_checks import check_workbook_file
    from stocktake.returns.workbook_reader import MissingSheet, read_sheets

    from stocktake.returns.workbook_reader import sheet_names

    path = Path(path)
    check_workbook_file(path)
    # Sheet names are case-insensitive to pyxform (`Survey`, `CHOICES`): so here.
    named = {n.strip().lower(): n for n in reversed(sheet_names(path))}
    wanted = {base: named.get(base, base) for base in ("survey", "choices", "settings", "bands")}
    try:
        found = read_sheets(path, [wanted[b] for b in ("survey", "choices", "settings")],
                            optional=[wanted["bands"]])
    except MissingSheet as exc:
        raise StocktakeError(f"{path}: no '{exc.sheet}' sheet; an XLSForm bank needs survey, "
                             "choices and settings", hint="see README: Writing a bank in a "
                                                          "spreadsheet")
    sheets = {base: found[name] for base, name in wanted.items() if name in found}
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
    return data


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
        self.language = self.default_language()

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

    def table(self, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        rows = self.sheets.get(sheet) or []
        if not rows:
            return []
        header = [_text(h).lower() for h in rows[0]]
        # A language column (`label::English (en)`) stands in for a plain one: the settings'
        # default_language where it names one, else English, else the first.
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
        if _text(setting.get("min_coverage")):
            data["min_coverage"] = _number(setting.get("min_coverage"))
        # How the partnership score is made (issue 13); banks validate checks the values.
        if _text(setting.get("partnership_score")):
            data["partnership_score"] = _text(setting.get("partnership_score"))
        if _text(setting.get("min_roles")):
            data["min_roles"] = _number(setting.get("min_roles"))
        if _text(setting.get("safeguarding_notice")):
            data["safeguarding_notice"] = _text(setting.get("safeguarding_notice"))
        bands = [{"label": _text(r.get("label")), "min": _number(r.get("min")),
                  "colour": _text(r.get("colour")) or "#FFFFFF"} for _, r in self.table("bands")]
        if bands and not _default_bands(bands):
            data["bands"] = bands
        roles, areas, questions = self.survey(lists)
        data["roles"] = roles
        data["areas"] = areas
        data["questions"] = questions
        return {k: v for k, v in data.items() if v != ""}

    def choice_lists(self) -> dict[str, list[dict]]:
        lists: dict[str, list[dict]] = {}
        for row, record in self.table("choices"):
            name = _text(record.get("list_name") or record.get("list name"))
            option = {"row": row, "name": _text(record.get("name")),
                      "label": _text(record.get("label")), "score": record.get("score"),
                      "reported_apart": _text(record.get("reported_apart")).lower() in YES,
                      "anonymous": _text(record.get("anonymous")).lower() in YES,
                      "exclusive": _text(record.get("exclusive")).lower() in YES}
            if not name or not option["name"]:
                self.problem("choices", row, "a choice needs list_name and name")
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
            if lowered in METADATA_TYPES:
                continue
            if lowered == "begin_group":
                area_id = _text(record.get("area")) or name
                stack.append(area_id)
                area = {"id": area_id, "title": _text(record.get("label")),
                        "description": _text(record.get("description"))}
                linked = [i.strip() for i in _text(record.get("indicators")).split(";")
                          if i.strip()]
                if linked:
                    area["indicators"] = linked
                areas.append(area)
                continue
            if lowered == "end_group":
                if stack:
                    stack.pop()
                continue
            if lowered in ("begin_repeat", "end_repeat"):
                self.problem("survey", row, f"'{kind}': repeats cannot be expressed in a bank "
                                            "(each respondent answers each question once)")
                continue
            if lowered == "calculate":
                if name != FORM_FIELD:
                    self.problem("survey", row, f"calculation '{name}': a bank holds no "
                                                "calculations; stocktake scores the answers")
                continue
            if _text(record.get("choice_filter")):
                self.problem("survey", row, f"'{name}': cascading selects (choice_filter) "
                                            "cannot be expressed in a bank")
                continue
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
            before = len(self.problems)
            question = self.question(row, record, kind, name, lists, stack, by_id)
            if question is not None:
                questions.append(question)
                by_id[question["id"]] = question
            elif len(self.problems) > before and name:
                self.refused.add(name)
        if not roles:
            self.problem("survey", 1, "no `select_one` question named 'role'; its choices are "
                                      "the bank's roles")
        return roles, areas, questions

    def question(self, row, record, kind, name, lists, stack, by_id) -> dict | None:
        parts = kind.split(" ")
        base = parts[0].lower()
        if not name:
            self.problem("survey", row, f"a '{kind}' question without a name")
            return None
        q: dict[str, Any] = {"id": name, "area": _text(record.get("area")) or
                             (stack[-1] if stack else ""), "text": _text(record.get("label"))}
        if not q["area"]:
            self.problem("survey", row, f"'{name}' is in no area: put it inside a group, or "
                                        "fill its 'area' column")
            return None
        constraint = _text(record.get("constraint"))
        if base in ("select_one", "select_multiple"):
            if len(parts) != 2:
                self.problem("survey", row, f"'{kind}': only `select_one LIST` and "
                                            "`select_multiple LIST` (no or_other, no files)")
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
            elif names == [str(i) for i in range(1, len(names) + 1)] and not scored_options:
                q["type"] = "scale"
                q["levels"] = [o["label"] for o in real]
            else:
                q["type"] = "choice"
            if q["type"] in ("choice", "multi"):
                q["options"] = [{"id": o["name"], "label": o["label"],
                                 "score": _number(o["score"]) if _text(o["score"]) else 0,
                                 **({"exclusive": True} if o["exclusive"] else {})}
                                for o in real]
            own = alone_constraint([o["name"] for o in options if o["name"] in ("na", "dk")]
                                   + [o["name"] for o in real if o["exclusive"]])
            if constraint and constraint not in (OWN_MULTI_CONSTRAINT, own):
                self.problem("survey", row, f"'{name}': constraint '{constraint}' cannot be "
                                            "expressed in a bank")
        elif base in ("decimal", "integer"):
            q["type"] = "number"
            for part in [p for p in constraint.split(" and ") if p.strip()]:
                match = BOUND.match(part.strip())
                if not match:
                    self.problem("survey", row, f"'{name}': constraint '{constraint}': only "
                                                "`. >= MIN and . <= MAX` can be expressed")
                    break
                q["min" if match.group(1) == ">=" else "max"] = _number(match.group(2))
            if _text(record.get("unit")):
                q["unit"] = _text(record.get("unit"))
        elif base == "text":
            q["type"] = "text"
        elif base == "note":
            self.problem("survey", row, f"note '{name}': a bank has no notes; put the text in "
                                        "the next question's hint")
            return None
        else:
            self.problem("survey", row, f"'{name}': question type '{kind}' cannot be expressed "
                                        "in a bank (scale, choice, multi, yesno, number, text)")
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
        roles = _text(record.get("roles")).split()
        try:
            relevant = parse_relevant(_text(record.get("relevant")))
        except UnsupportedRelevant as exc:
            self.problem("survey", row, f"'{name}': relevant: {exc}")
            return None
        if roles and relevant.roles and sorted(roles) != sorted(relevant.roles):
            self.problem("survey", row, f"'{name}': the roles column ({' '.join(roles)}) and "
                                        f"relevant ({' '.join(relevant.roles)}) disagree")
        roles = roles or list(relevant.roles)
        if roles:
            q["roles"] = roles
        if relevant.condition is not None:
            q["when"] = self.condition(row, name, relevant.condition, by_id)
        return q

    def condition(self, row, name, condition, by_id) -> dict:
        source = by_id.get(condition.question)
        if source is None:
            if condition.question not in self.refused:  # else its own refusal says it all
                self.problem("survey", row, f"'{name}': relevant names '{condition.question}', "
                                            "which is not an earlier question")
            return {"question": condition.question}
        when: dict[str, Any] = {"question": condition.question}

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
                what = control.get(lowered[len(word) + 1:].strip())
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
    found = [(i, h[len(base) + 2:].strip()) for i, h in enumerate(header)
             if h.startswith(base + "::")]
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
