"""Checking a question bank whole, so that every problem is reported at once.

    problems = validate_bank_file(Path("question_banks/idea-stocktake.toml"))
    for p in problems:
        print(p.render())   # file:line: question vision.x: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stocktake.banks.format import (MAX_AGE, MIN_AGE, PARTNERSHIP_SCORE_METHODS, QUESTION_TYPES,
                                    SCORED_BY_DEFAULT, read_bank_toml)
from stocktake.records.responses import AGE_BANDS
from stocktake.errors import StocktakeError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")

TOP_KEYS = {"id", "title", "version", "description", "min_coverage", "bands", "roles", "areas",
            "questions", "safeguarding_notice", "partnership_score", "min_roles", "min_count",
            "reported_apart", "sources", "period"}
BAND_KEYS = {"label", "min", "colour"}
ROLE_KEYS = {"id", "title", "reported_apart", "anonymous"}
AREA_KEYS = {"id", "title", "description", "indicators", "context", "sources"}
SOURCE_KEYS = {"title", "url"}
# Sources are primary texts a practitioner can open: a web address, never a file or a script.
URL_PATTERN = re.compile(r"^https://[^\s/]+\.[^\s]+$")
PERIOD_PATTERN = re.compile(r"^\d{4}-\d{2}$")
QUESTION_KEYS = {"id", "area", "text", "type", "guidance", "levels", "options", "weight", "roles",
                 "required", "scored", "when", "min", "max", "unit", "min_age", "max_age",
                 "notice", "sources"}
OPTION_KEYS = {"id", "label", "score", "exclusive"}
WHEN_KEYS = {"question", "is", "in", "at_least"}
MIN_LEVELS, MAX_LEVELS = 3, 6


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "question vision.x", "area risk", "role police", "bank"
    message: str
    line: int | None = None
    # A problem in what the bank links, not in what it asks: `banks validate` refuses it, but the
    # bank still loads, so an older edition's file (kept for `trend --from-bank`) still opens.
    links_only: bool = False

    def render(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}"


def validate_bank_file(path: Path) -> list[Problem]:
    """All problems in one bank file; a TOML syntax error is a single problem with its line."""
    try:
        data = read_bank_toml(Path(path))
    except StocktakeError as exc:
        line = None
        match = re.search(r"at line (\d+)", exc.message)
        if match:
            line = int(match.group(1))
        message = exc.message.split(": ", 1)[1] if ": " in exc.message else exc.message
        return [Problem(str(path), "file", message, line)]
    return validate_bank_data(data, Path(path))


def validate_bank_data(data: dict, path: Path | None = None) -> list[Problem]:
    return _Checker(data, path).run()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Checker:
    def __init__(self, data: dict, path: Path | None):
        self.data = data
        self.file = str(path) if path else "<bank>"
        self.problems: list[Problem] = []
        self.occurrence: dict[str, int] = {}
        try:
            self.lines = path.read_text(encoding="utf-8-sig").splitlines() if path else []
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def line_of(self, ident: Any) -> int | None:
        """The line declaring the item now being checked: TOML parsers keep no positions, so
        find the nth `id = "<ident>"`, n counting the items with that id seen so far."""
        if not isinstance(ident, str):
            return None
        return self._line_of_nth(ident, self.occurrence.get(ident, 0))

    def begin_item(self, ident: Any) -> None:
        if isinstance(ident, str):
            self.occurrence[ident] = self.occurrence.get(ident, -1) + 1

    def add(self, where: str, message: str, ident: Any = None) -> None:
        self.problems.append(Problem(self.file, where, message, self.line_of(ident)))

    def unknown_keys(self, table: dict, allowed: set[str], where: str, ident: Any = None) -> None:
        for key in sorted(set(table) - allowed):
            close = [k for k in allowed if _similar(key, k)]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.add(where, f"unknown key '{key}'{hint}", ident)

    def run(self) -> list[Problem]:
        d = self.data
        self.unknown_keys(d, TOP_KEYS, "bank")
        for key in ("id", "title", "version", "description"):
            if key not in d:
                self.add("bank", f"missing '{key}'")
            elif not isinstance(d[key], str) or not d[key].strip():
                if not (key == "version" and _is_number(d[key])):
                    self.add("bank", f"'{key}' must be a non-empty string")
        if isinstance(d.get("id"), str) and not ID_PATTERN.match(d["id"]):
            self.add("bank", f"id '{d['id']}' may use only lowercase letters, digits, '-', '_' and '.'")
        if "min_coverage" in d and not (_is_number(d["min_coverage"]) and 0 <= d["min_coverage"] <= 1):
            self.add("bank", "min_coverage must be a number from 0 to 1")
        self.check_bands(d.get("bands"))
        roles = self.check_simple_list("roles", "role", ROLE_KEYS, ("id", "title"))
        areas = self.check_simple_list("areas", "area", AREA_KEYS, ("id", "title"))
        self.check_roles_privacy()
        self.check_indicators(d.get("areas"))
        self.check_period(d.get("period"))
        sources = self.check_sources(d.get("sources"))
        self.check_citations(sources)
        self.check_questions(d.get("questions"), set(roles), set(areas))
        self.check_notice_text()
        self.check_partnership_keys(roles)
        return self.problems

    def check_partnership_keys(self, roles: list[str]) -> None:
        """`partnership_score`, `min_roles` and `reported_apart`: how the partnership score is
        made; each problem names the line of the key."""
        d = self.data
        method = d.get("partnership_score")
        if method is not None and method not in PARTNERSHIP_SCORE_METHODS:
            self.add_at("bank", f"unknown partnership_score {method!r} (use "
                                f"{' or '.join(repr(m) for m in PARTNERSHIP_SCORE_METHODS)})",
                        "partnership_score")
        # A top-level list names apart roles for banks that keep role tables short.
        top_apart = d.get("reported_apart")
        apart: set[str] = set()
        if top_apart is not None:
            if not isinstance(top_apart, list) or not all(isinstance(r, str) for r in top_apart):
                self.add_at("bank", "'reported_apart' must be a list of role ids",
                            "reported_apart")
            else:
                for role in top_apart:
                    if role not in roles:
                        self.add_at("bank", f"reported_apart names unknown role '{role}' "
                                            f"(roles: {', '.join(roles)})", "reported_apart")
                    apart.add(role)
        for item in self.items("roles"):
            # (main's check_roles_privacy names a reported_apart that is not true or false)
            if isinstance(item, dict) and item.get("reported_apart") is True and \
                    isinstance(item.get("id"), str):
                apart.add(item["id"])
        minimum = d.get("min_roles")
        if minimum is not None:
            partners = [r for r in roles if r not in apart]
            if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
                self.add_at("bank", f"min_roles must be a whole number of 1 or more, not "
                                    f"{minimum!r}", "min_roles")
            elif roles and minimum > len(partners):
                self.add_at("bank", f"min_roles = {minimum} is more than the bank's "
                                    f"{len(partners)} partner role(s) (roles reported apart do "
                                    "not count): no area could ever be a partnership view",
                            "min_roles")

        count = d.get("min_count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)
                                  or count < 1):
            self.add_at("bank", f"min_count must be a whole number of 1 or more, not {count!r}",
                        "min_count")

    def add_at(self, where: str, message: str, key: str) -> None:
        """A problem on the line where a top-level `key = ...` is set."""
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        line = next((n for n, text in enumerate(self.lines, start=1) if pattern.match(text)),
                    None)
        self.problems.append(Problem(self.file, where, message, line))

    def check_roles_privacy(self) -> None:
        """`anonymous` needs `reported_apart`: children's answers are never averaged with the
        partners' answers, and a role that takes no name must not hide inside a mean."""
        seen: dict[str, int] = {}
        for role in self.items("roles"):
            if not isinstance(role, dict):
                continue
            ident = role.get("id")
            where = f"role {ident}"
            if isinstance(ident, str):
                seen[ident] = seen.get(ident, -1) + 1
            line = self._line_of_nth(ident, seen.get(ident, 0)) if isinstance(ident, str) else None
            for flag in ("reported_apart", "anonymous"):
                if flag in role and not isinstance(role[flag], bool):
                    self.problems.append(Problem(self.file, where, f"'{flag}' must be true or "
                                                                   "false", line))
            if role.get("anonymous") is True and role.get("reported_apart") is not True:
                self.problems.append(Problem(
                    self.file, where, "anonymous = true needs reported_apart = true: answers "
                    "given without a name are reported apart from the partners'", line))

    def items(self, key: str) -> list:
        """A top-level list as given, or nothing when it is not a list (reported elsewhere)."""
        value = self.data.get(key)
        return value if isinstance(value, list) else []

    def check_notice_text(self) -> None:
        text = self.data.get("safeguarding_notice")
        if text is not None and (not isinstance(text, str) or not text.strip()):
            self.add("bank", "'safeguarding_notice' must be a non-empty string")
            return
        marked = [q.get("id") for q in self.items("questions")
                  if isinstance(q, dict) and q.get("notice")]
        if marked and text is None:
            self.add("bank", f"question(s) {', '.join(map(str, marked))} mark answers for a "
                             "safeguarding notice, but the bank gives no 'safeguarding_notice' "
                             "text (what to do and whom to tell)")

    def _line_of_nth(self, ident: str, wanted: int) -> int | None:
        pattern = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(ident) + r'["\']')
        seen = 0
        for number, text in enumerate(self.lines, start=1):
            if pattern.match(text):
                if seen == wanted:
                    return number
                seen += 1
        return None

    def check_bands(self, bands: Any) -> None:
        if bands is None:
            return
        if not isinstance(bands, list) or not bands:
            self.add("bands", "[[bands]] must be a non-empty list of tables")
            return
        mins, labels = [], set()
        for band in bands:
            if not isinstance(band, dict):
                self.add("bands", "each band must be a table")
                continue
            label = band.get("label", "?")
            where = f"band {label}"
            self.unknown_keys(band, BAND_KEYS, where)
            if not isinstance(band.get("label"), str) or not band["label"].strip():
                self.add(where, "missing 'label'")
            elif label in labels:
                self.add(where, "duplicate band label")
            if isinstance(label, str):
                labels.add(label)
            if not _is_number(band.get("min")) or not 0 <= band["min"] <= 100:
                self.add(where, "'min' must be a number from 0 to 100")
            else:
                mins.append(band["min"])
            colour = band.get("colour")
            if colour is not None and (not isinstance(colour, str) or not COLOUR_PATTERN.match(colour)):
                self.add(where, f"colour {colour!r} must look like \"#RRGGBB\"")
        if mins and min(mins) != 0:
            self.add("bands", f"bands must cover 0 to 100, but the lowest starts at {min(mins)}; "
                              "give one band min = 0")
        if len(mins) != len(set(mins)):
            self.add("bands", "two bands start at the same 'min'")

    def check_simple_list(self, key: str, noun: str, allowed: set[str],
                          required: tuple[str, ...]) -> list[str]:
        items = self.data.get(key)
        if items is None:
            self.add("bank", f"missing [[{key}]]: a bank needs at least one {noun}")
            return []
        if not isinstance(items, list) or not items:
            self.add("bank", f"[[{key}]] must be a non-empty list of tables")
            return []
        ids: list[str] = []
        for item in items:
            if not isinstance(item, dict):
                self.add(key, f"each {noun} must be a table")
                continue
            ident = item.get("id")
            where = f"{noun} {ident}"
            self.begin_item(ident)
            self.unknown_keys(item, allowed, where, ident)
            for req in required:
                if not isinstance(item.get(req), str) or not item[req].strip():
                    self.add(where, f"missing '{req}'", ident)
            if isinstance(ident, str):
                if not ID_PATTERN.match(ident):
                    self.add(where, "id may use only lowercase letters, digits, '-', '_' and '.'", ident)
                if ident in ids:
                    self.add(where, f"duplicate {noun} id '{ident}'", ident)
                ids.append(ident)
        return ids

    def check_period(self, period: Any) -> None:
        if period is not None and not (isinstance(period, str) and PERIOD_PATTERN.match(period)):
            self.add_at("bank", f"'period' must be a financial year such as \"2005-06\", not "
                                f"{period!r}", "period")

    def check_sources(self, sources: Any) -> set[str]:
        """`[sources]`: a table of id -> {title, url}; every entry needs both, the URL an
        https address. Returns the ids defined."""
        if sources is None:
            return set()
        if not isinstance(sources, dict):
            self.add_at("sources", "[sources] must be a table of id = { title = ..., url = ... }",
                        "sources")
            return set()
        ids = set()
        for sid, entry in sources.items():
            where = f"source {sid}"
            line = self._line_of_key(sid)
            ids.add(sid)
            if not ID_PATTERN.match(sid.lower()):
                self.problems.append(Problem(self.file, where, "id may use only letters, digits, "
                                             "'-', '_' and '.'", line))
            if not isinstance(entry, dict):
                self.problems.append(Problem(self.file, where, "must be a table with 'title' and "
                                             "'url'", line))
                continue
            for key in sorted(set(entry) - SOURCE_KEYS):
                self.problems.append(Problem(self.file, where, f"unknown key '{key}'", line))
            title, url = entry.get("title"), entry.get("url")
            if not isinstance(title, str) or not title.strip():
                self.problems.append(Problem(self.file, where, "missing 'title'", line))
            if url is None or (isinstance(url, str) and not url.strip()):
                self.problems.append(Problem(
                    self.file, where, "has no 'url': give the address of the primary text "
                    "(legislation.gov.uk, gov.uk), or leave the source out", line))
            elif not isinstance(url, str) or not URL_PATTERN.match(url.strip()):
                self.problems.append(Problem(self.file, where, f"'url' must be an https web "
                                             f"address, not {url!r}", line))
        return ids

    def check_citations(self, known: set[str]) -> None:
        """`sources = [...]` on areas and questions: every id must be in [sources]."""
        for noun, key in (("area", "areas"), ("question", "questions")):
            items = self.data.get(key)
            if not isinstance(items, list):
                continue
            for item in items:
                if not isinstance(item, dict) or "sources" not in item:
                    continue
                ident = item.get("id")
                where = f"{noun} {ident}"
                cited = item["sources"]
                line = self._line_of_nth(ident, 0) if isinstance(ident, str) else None
                if not isinstance(cited, list) or not all(isinstance(c, str) for c in cited):
                    self.problems.append(Problem(self.file, where, "'sources' must be a list of "
                                                 "ids from the bank's [sources] table", line))
                    continue
                for sid in cited:
                    if sid not in known:
                        hint = (f"known: {', '.join(sorted(known))}" if known
                                else "the bank has no [sources] table")
                        self.problems.append(Problem(
                            self.file, where, f"cites unknown source '{sid}' ({hint})",
                            self._line_after(line, sid)))

    def _line_of_key(self, key: str) -> int | None:
        """The line defining `key = ...` (a [sources] entry), for the message."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, text in enumerate(self.lines, start=1):
            if pattern.match(text):
                return number
        return None

    def check_indicators(self, areas: Any) -> None:
        """`indicators = [...]` (evidence, banded into the area's self-view flag) and
        `context = [...]` (shown only) on an area: DfE LAIT measure ids, checked against LAIT's
        dictionary as shipped; an unknown id is named with its line and the nearest ids. A
        measure may be evidence for one area of a bank only (context anywhere)."""
        if not isinstance(areas, list) or not any(
                isinstance(a, dict) and ("indicators" in a or "context" in a) for a in areas):
            return
        from stocktake.evidence.indicators import shipped_dictionary, suggest

        known = shipped_dictionary()
        headers = [n for n, text in enumerate(self.lines, start=1)
                   if re.match(r"^\s*\[\[\s*areas\s*\]\]", text)]
        flagged_by: dict[str, str] = {}
        for position, area in enumerate(areas):
            if not isinstance(area, dict):
                continue
            ident = area.get("id")
            where = f"area {ident}"
            # The nth [[areas]] table is the nth area: its links are written below that line.
            start = headers[position] if position < len(headers) else None
            for key in ("indicators", "context"):
                if key not in area:
                    continue
                links = area[key]
                if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
                    self.problems.append(Problem(self.file, where, f"'{key}' must be a list of "
                                                 "DfE LAIT measure ids (strings)", start))
                    continue
                for measure_id in links:
                    if measure_id in known:
                        continue
                    self.problems.append(Problem(
                        self.file, where, f"unknown indicator '{measure_id}' (not in DfE LAIT's "
                        f"dictionary): {suggest(measure_id, known)}",
                        self._line_after(start, measure_id)))
                duplicates = sorted({x for x in links if links.count(x) > 1})
                for measure_id in duplicates:
                    self.problems.append(Problem(self.file, where,
                                                 f"indicator '{measure_id}' is listed twice", start))
            links = area.get("indicators", [])
            context = area.get("context", [])
            if not isinstance(links, list) or not isinstance(context, list):
                continue
            for measure_id in sorted(set(links) & set(context)):
                self.problems.append(Problem(
                    self.file, where, f"indicator '{measure_id}' is both evidence and context; "
                    "keep it in one list", self._line_after(start, measure_id)))
            # One published figure drives the self-view flag of one area only: linked as
            # evidence to several, one number would raise several flags (issue 24).
            for measure_id in links:
                if not isinstance(measure_id, str):
                    continue
                first = flagged_by.setdefault(measure_id, str(ident))
                if first != str(ident):
                    self.problems.append(Problem(
                        self.file, where, f"indicator '{measure_id}' is already evidence for area "
                        f"'{first}': one figure may drive one area's flag; list it under "
                        "`context` here (shown, never flagged), or link it to one area only",
                        self._line_after(start, measure_id), links_only=True))

    def _line_after(self, start: int | None, text: str) -> int | None:
        """The first line from `start` on that quotes `text`: where the bad id is written."""
        if start is None:
            return None
        quoted = (f'"{text}"', f"'{text}'")
        for number in range(start, len(self.lines) + 1):
            if any(q in self.lines[number - 1] for q in quoted):
                return number
        return start

    def check_questions(self, questions: Any, roles: set[str], areas: set[str]) -> None:
        if questions is None:
            self.add("bank", "missing [[questions]]")
            return
        if not isinstance(questions, list) or not questions:
            self.add("bank", "[[questions]] must be a non-empty list of tables")
            return
        earlier: dict[str, dict] = {}
        used_areas: set[str] = set()
        for q in questions:
            if not isinstance(q, dict):
                self.add("questions", "each question must be a table")
                continue
            ident = q.get("id")
            where = f"question {ident}"
            self.begin_item(ident)
            self.unknown_keys(q, QUESTION_KEYS, where, ident)
            if not isinstance(ident, str) or not ident:
                self.add("question ?", "missing 'id'")
            elif not ID_PATTERN.match(ident):
                self.add(where, "id may use only lowercase letters, digits, '-', '_' and '.'", ident)
            elif ident in earlier:
                self.add(where, f"duplicate question id '{ident}'", ident)
            for req in ("area", "text", "type"):
                if not isinstance(q.get(req), str) or not q[req].strip():
                    self.add(where, f"missing '{req}'", ident)
            area = q.get("area")
            if isinstance(area, str) and area and area not in areas:
                self.add(where, f"unknown area '{area}'", ident)
            if isinstance(area, str):
                used_areas.add(area)
            qtype = q.get("type")
            if isinstance(qtype, str) and qtype not in QUESTION_TYPES:
                self.add(where, f"unknown type '{qtype}' (use one of {', '.join(QUESTION_TYPES)})",
                         ident)
            self.check_question_shape(q, where, ident)
            q_roles = q.get("roles", [])
            if not isinstance(q_roles, list) or not all(isinstance(r, str) for r in q_roles):
                self.add(where, "'roles' must be a list of role ids", ident)
            else:
                for role in q_roles:
                    if role not in roles:
                        self.add(where, f"asks unknown role '{role}'", ident)
            weight = q.get("weight", 1)
            if not _is_number(weight) or weight <= 0:
                self.add(where, f"weight must be a number above 0, not {weight!r}", ident)
            for flag in ("required", "scored"):
                if flag in q and not isinstance(q[flag], bool):
                    self.add(where, f"'{flag}' must be true or false", ident)
            if "guidance" in q and not isinstance(q["guidance"], str):
                self.add(where, "'guidance' must be a string", ident)
            if "when" in q:
                self.check_when(q["when"], where, ident, earlier)
            self.check_ages(q, where, ident)
            if "notice" in q:
                self.check_notice(q, where, ident)
            if isinstance(ident, str) and ident not in earlier:
                earlier[ident] = q
        for area in sorted(areas - used_areas):
            self.occurrence[area] = 0
            self.add(f"area {area}", "has no questions", area)

    def check_ages(self, q: dict, where: str, ident: Any) -> None:
        ages = {}
        for key in ("min_age", "max_age"):
            if key not in q:
                continue
            value = q[key]
            if not isinstance(value, int) or isinstance(value, bool) \
                    or not MIN_AGE <= value <= MAX_AGE:
                self.add(where, f"'{key}' must be a whole number of years from {MIN_AGE} to "
                                f"{MAX_AGE}, not {value!r}", ident)
            else:
                ages[key] = value
        if len(ages) == 2 and ages["min_age"] > ages["max_age"]:
            self.add(where, "'min_age' must not be above 'max_age'", ident)
        if ages and not any(ages.get("min_age", MIN_AGE) <= b.min
                            and b.max <= ages.get("max_age", MAX_AGE) for b in AGE_BANDS):
            bands = ", ".join(f"{b.min}-{b.max}" for b in AGE_BANDS)
            self.add(where, f"no age band lies within these ages, so no child would be asked "
                            f"it (the bands are {bands})", ident)
        if ages:
            anonymous = {r["id"] for r in self.items("roles") if isinstance(r, dict)
                         and isinstance(r.get("id"), str) and r.get("anonymous") is True}
            asked = q.get("roles") or [r.get("id") for r in self.items("roles")
                                       if isinstance(r, dict)]
            if isinstance(asked, list) and \
                    not anonymous.intersection(a for a in asked if isinstance(a, str)):
                self.add(where, "'min_age'/'max_age' apply only to anonymous roles (children "
                                "and young people), and none is asked this question", ident)

    def check_notice(self, q: dict, where: str, ident: Any) -> None:
        notice = q["notice"]
        if not isinstance(notice, list) or not notice:
            self.add(where, "'notice' must be a list of the answers that call for the "
                            "safeguarding notice, e.g. notice = [\"often-unsafe\"]", ident)
            return
        qtype = q.get("type")
        allowed = _values_of(q)
        if qtype not in ("scale", "choice", "multi", "yesno") or allowed is None:
            self.add(where, f"'notice' is for scale, choice, multi and yesno questions, "
                            f"not {qtype}", ident)
            return
        noun = {"scale": "level", "yesno": "answer"}.get(qtype, "option")
        for value in notice:
            if isinstance(value, (list, dict, bool)) or value not in allowed:
                shown = ", ".join(sorted(map(str, allowed)))
                self.add(where, f"'notice' names {noun} {value!r}, which does not exist "
                                f"(it has {shown})", ident)

    def check_question_shape(self, q: dict, where: str, ident: Any) -> None:
        qtype = q.get("type")
        levels, options = q.get("levels"), q.get("options")
        if qtype == "scale":
            if not isinstance(levels, list) or not all(isinstance(x, str) and x.strip() for x in levels):
                self.add(where, "a scale needs 'levels', a list of descriptors (lowest first)", ident)
            elif not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
                self.add(where, f"a scale needs {MIN_LEVELS} to {MAX_LEVELS} levels, "
                                f"not {len(levels)}", ident)
        elif levels is not None:
            self.add(where, f"'levels' is only for scale questions, not {qtype}", ident)
        if qtype in ("choice", "multi"):
            self.check_options(options, where, ident, scored=q.get("scored", True), qtype=qtype)
        elif options is not None:
            self.add(where, f"'options' is only for choice and multi questions, not {qtype}", ident)
        for key in ("min", "max"):
            if key in q and (qtype != "number" or not _is_number(q[key])):
                self.add(where, f"'{key}' is a number, and only for number questions", ident)
        if "unit" in q and qtype != "number":
            self.add(where, "'unit' is only for number questions", ident)
        if _is_number(q.get("min")) and _is_number(q.get("max")) and q["min"] >= q["max"]:
            self.add(where, "'min' must be below 'max'", ident)
        scored = q.get("scored", SCORED_BY_DEFAULT.get(qtype, False) if isinstance(qtype, str)
                       else False)
        if qtype == "text" and scored is True:
            self.add(where, "a text question cannot be scored", ident)
        if qtype == "number" and scored is True and not ("min" in q and "max" in q):
            self.add(where, "a scored number question needs 'min' and 'max'", ident)

    def check_options(self, options: Any, where: str, ident: Any, scored: Any,
                      qtype: str = "multi") -> None:
        if not isinstance(options, list) or not options:
            self.add(where, "needs 'options', a list of { id, label, score }", ident)
            return
        seen: set[str] = set()
        for opt in options:
            if not isinstance(opt, dict):
                self.add(where, "each option must be a table { id, label, score }", ident)
                continue
            oid = opt.get("id")
            self.unknown_keys(opt, OPTION_KEYS, f"{where} option {oid}", ident)
            if not isinstance(oid, str) or not oid:
                self.add(where, "an option is missing its 'id'", ident)
            elif oid in seen:
                self.add(where, f"duplicate option id '{oid}'", ident)
            elif oid in ("na", "dk"):
                self.add(where, f"option id '{oid}' is reserved for not applicable / don't know",
                         ident)
            if isinstance(oid, str):
                seen.add(oid)
            if not isinstance(opt.get("label"), str) or not opt["label"].strip():
                self.add(where, f"option {oid} is missing its 'label'", ident)
            score = opt.get("score", 0)
            if not _is_number(score) or score < 0:
                self.add(where, f"option {oid} score must be a number >= 0", ident)
            if "exclusive" in opt:
                if not isinstance(opt["exclusive"], bool):
                    self.add(where, f"option {oid}: 'exclusive' is true or false", ident)
                elif opt["exclusive"] and qtype != "multi":
                    self.add(where, f"option {oid}: 'exclusive' is only for multi questions "
                                    "(a choice takes one option anyway)", ident)
        scores = [o.get("score", 0) for o in options if isinstance(o, dict) and _is_number(o.get("score", 0))]
        if scored is not False and scores and max(scores) <= 0:
            self.add(where, "a scored question needs at least one option with a score above 0", ident)

    def check_when(self, when: Any, where: str, ident: Any, earlier: dict[str, dict]) -> None:
        if not isinstance(when, dict):
            self.add(where, "'when' must be a table such as { question = \"x\", is = \"yes\" }", ident)
            return
        self.unknown_keys(when, WHEN_KEYS, f"{where} when", ident)
        target = when.get("question")
        tests = [k for k in ("is", "in", "at_least") if k in when]
        if len(tests) != 1:
            self.add(where, "'when' needs exactly one of 'is', 'in' or 'at_least'", ident)
        if not isinstance(target, str):
            self.add(where, "'when' must name a 'question'", ident)
            return
        if target not in earlier:
            if target == ident:
                self.add(where, "'when' names the question itself", ident)
            else:
                self.add(where, f"'when' names unknown or later question '{target}'", ident)
            return
        source = earlier[target]
        allowed = _values_of(source)
        if "is" in when:
            self._check_when_value(when["is"], source, allowed, where, ident, target)
        if "in" in when:
            if not isinstance(when["in"], list) or not when["in"]:
                self.add(where, "'when.in' must be a non-empty list", ident)
            else:
                for value in when["in"]:
                    self._check_when_value(value, source, allowed, where, ident, target)
        if "at_least" in when:
            if source.get("type") not in ("scale", "number"):
                self.add(where, f"'at_least' needs a scale or number question, but '{target}' "
                                f"is {source.get('type')}", ident)
            elif not _is_number(when["at_least"]):
                self.add(where, "'at_least' must be a number", ident)
            elif source.get("type") == "scale" and allowed and when["at_least"] not in allowed:
                self.add(where, f"'{target}' cannot reach level {when['at_least']}", ident)

    def _check_when_value(self, value: Any, source: dict, allowed: set | None, where: str,
                          ident: Any, target: str) -> None:
        if allowed is not None and (isinstance(value, (list, dict)) or value not in allowed):
            shown = ", ".join(sorted(map(str, allowed)))
            self.add(where, f"'when' value {value!r} is not one '{target}' can take ({shown})", ident)


def _values_of(question: dict) -> set | None:
    """The values a question's answer can take, where that set is finite."""
    qtype = question.get("type")
    if qtype == "yesno":
        return {"yes", "no"}
    if qtype == "scale" and isinstance(question.get("levels"), list):
        return set(range(1, len(question["levels"]) + 1))
    if qtype in ("choice", "multi") and isinstance(question.get("options"), list):
        return {o.get("id") for o in question["options"]
                if isinstance(o, dict) and not isinstance(o.get("id"), (list, dict))}
    return None


def _similar(a: str, b: str) -> bool:
    """Cheap typo detection: one edit apart, or the same letters."""
    if a == b:
        return False
    if sorted(a) == sorted(b):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.8


def scoring_advice(bank) -> list[str]:
    """What to add to score a valid bank that scores little or nothing (a form imported from
    the field, say): one line per area with no scored question, and a line naming the choice
    questions left unscored. Empty for a bank whose every area is scored."""
    scored_areas = {q.area for q in bank.questions if q.scored and q.type != "text"}
    unscored_choices = [q.id for q in bank.questions
                        if q.type in ("choice", "multi") and not q.scored]
    lines = []
    for area in bank.areas:
        if area.id not in scored_areas:
            lines.append(f"{bank.id}: area '{area.id}' scores nothing yet: to score it, make a "
                         "question a scale (choices named 1, 2, 3, ... as levels), give a "
                         "choice question's options a score (the choices sheet's `score` "
                         "column, or `score =` in the bank file) and set `scored = true`, or "
                         "add a yes/no question")
    if unscored_choices:
        shown = ", ".join(unscored_choices[:10]) + (
            f" and {len(unscored_choices) - 10} more" if len(unscored_choices) > 10 else "")
        lines.append(f"{bank.id}: {len(unscored_choices)} choice question(s) unscored ({shown}): "
                     "give each option a score to count them")
    return lines
