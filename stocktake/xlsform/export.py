"""A bank as an XLSForm: the `survey`, `choices` and `settings` sheets ODK and KoboToolbox take.

The form asks `partnership`, `role` and `respondent` first, then one group per area (named by the
area id) holding each question named by its id, each followed by an optional `<id>_evidence`
note. Scale levels are choices `1`..`N`; choice and multi options keep their ids as choice names;
scored questions also offer `na` (Not applicable) and `dk` (Don't know), as everywhere else in
stocktake. A hidden `stocktake_form` field carries the bank's id, version and content hash into
every submission, because KoboToolbox replaces the form's `version` with its own (kpi#3046) and
neither tool's export names the form; `submissions.py` refuses rows made with another edition.

stocktake's own columns (`area`, `roles`, `weight`, `scored`, `unit`, `description` on
`survey`; `score` on `choices`; `description`, `min_coverage` on `settings`; a `bands` sheet)
are ignored by pyxform and read back by `authoring.py`.

    sheets = xlsform_sheets(bank, partnerships=[("E09000007", "Camden")])
    write_xlsform(Path("idea.xlsx"), sheets)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from stocktake.banks.model import Bank, Question
from stocktake.errors import StocktakeError
from stocktake.xlsform.relevance import ROLE_FIELD, literal, ref, relevant_expression

FORM_FIELD = "stocktake_form"
PARTNERSHIP_FIELD = "partnership"
RESPONDENT_FIELD = "respondent"
EVIDENCE_SUFFIX = "_evidence"
# The note after a question whose answers call for the safeguarding notice, shown on the phone
# when one of them is chosen (as the interview shows it): a child answering "I often feel
# unsafe" on a phone is told where to turn there and then, not only the adviser afterwards.
NOTICE_SUFFIX = "_notice"
TOP_LEVEL_FIELDS = (FORM_FIELD, PARTNERSHIP_FIELD, ROLE_FIELD, RESPONDENT_FIELD)
NOT_APPLICABLE = ("na", "Not applicable")
DONT_KNOW = ("dk", "Don't know")
DEFAULT_ANONYMOUS_ROLES = ("young-people",)

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint",
                  "constraint_message", "calculation", "appearance",
                  "area", "roles", "weight", "scored", "unit", "description",
                  "min_age", "max_age", "notice", "indicators", "context", "sources")
# `reported_apart` and `anonymous` are kept on the role choices, `exclusive` on multi options,
# so a bank survives the round trip.
CHOICES_COLUMNS = ("list_name", "name", "label", "score", "reported_apart", "anonymous",
                   "exclusive")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "instance_name", "description",
                    "min_coverage", "safeguarding_notice", "partnership_score", "min_roles",
                    "period")
BANDS_COLUMNS = ("label", "min", "colour")
# The bank's [sources] table, a row each, so that the duties it cites survive the round trip.
SOURCES_COLUMNS = ("id", "title", "url")


@dataclass(frozen=True)
class XLSFormSheets:
    """Rows of each sheet, header first; what `write_xlsform` saves and pyxform converts."""

    survey: list[list]
    choices: list[list]
    settings: list[list]
    bands: list[list]
    sources: list[list] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[list]]:
        sheets = {"survey": self.survey, "choices": self.choices, "settings": self.settings,
                  "bands": self.bands}
        if len(self.sources) > 1:  # a bank without [sources] writes the form it always did
            sheets["sources"] = self.sources
        return sheets


def form_identity(bank: Bank) -> str:
    """What `stocktake_form` holds in every submission: `<id> <version> <sha256>`."""
    return f"{bank.id} {bank.version} {bank.hash}"


def form_version(bank: Bank) -> str:
    """The XLSForm `version`: the bank version and the first 12 hex digits of its hash."""
    return f"{bank.version} ({bank.hash[:12]})"


def xlsform_sheets(bank: Bank, partnerships: Sequence[tuple[str, str]],
                   anonymous_roles: Iterable[str] = DEFAULT_ANONYMOUS_ROLES) -> XLSFormSheets:
    """The XLSForm of `bank` as rows.

    `partnerships` are the (code, name) pairs offered for `partnership`; `anonymous_roles` (those
    of them the bank has) are not asked their name. Raises StocktakeError for a question id that
    cannot be an XML element name (XForms name every field by element).
    """
    if not partnerships:
        raise StocktakeError("no partnerships to offer in the form",
                             hint="give --partnership CODE, or add partnerships to the workspace")
    # The bank's own `anonymous = true` roles are never asked a name either.
    anonymous = tuple(r for r in bank.role_ids
                      if r in tuple(anonymous_roles) or bank.is_anonymous(r))
    survey = [list(SURVEY_COLUMNS)]
    choices = [list(CHOICES_COLUMNS)]

    def add(**cells) -> None:
        survey.append([cells.get(c, "") for c in SURVEY_COLUMNS])

    def choice(list_name: str, name: str, label: str, score="", exclusive: bool = False) -> None:
        choices.append([list_name, name, label, score, "", "", "yes" if exclusive else ""])

    add(type="calculate", name=FORM_FIELD, calculation=literal(form_identity(bank)))
    add(type=f"select_one {PARTNERSHIP_FIELD}", name=PARTNERSHIP_FIELD,
        label="Which partnership (local authority) are you answering for?", required="yes",
        appearance="autocomplete")
    for code, name in partnerships:
        choice(PARTNERSHIP_FIELD, code, f"{name} ({code})")
    add(type=f"select_one {ROLE_FIELD}", name=ROLE_FIELD, label="Which partner are you?",
        required="yes")
    for role in bank.roles:
        choice(ROLE_FIELD, role.id, role.title)
        choices[-1][4:6] = ["yes" if role.reported_apart else "", "yes" if role.anonymous else ""]
    anonymous_test = " or ".join(f"selected({ref(ROLE_FIELD)}, {literal(r)})" for r in anonymous)
    add(type="text", name=RESPONDENT_FIELD, label="Your name and post",
        hint="Each person answers once; the name keeps your answers apart from colleagues'.",
        required="yes", relevant=f"not({anonymous_test})" if anonymous else "")
    for area in bank.areas:
        group = group_name(area.id)
        # The published measures an area links travel with it, so the bank comes back whole;
        # LAIT ids hold spaces, so they are joined with "; ".
        add(type="begin_group", name=group, label=area.title, area=area.id,
            description=area.description, indicators="; ".join(area.indicators),
            context="; ".join(area.context), sources=" ".join(area.sources))
        for question in bank.questions_in(area.id):
            _question_rows(bank, question, add, choice)
        add(type="end_group", name=group)
    settings: list[list[Any]] = [list(SETTINGS_COLUMNS),
                                 [bank.title, bank.id, form_version(bank),
                                  f"concat({ref(PARTNERSHIP_FIELD)}, ' ', {ref(ROLE_FIELD)})",
                                  bank.description, bank.min_coverage,
                                  bank.safeguarding_notice, bank.partnership_score,
                                  bank.min_roles, bank.period]]
    bands = [list(BANDS_COLUMNS)] + [[b.label, b.min, b.colour] for b in bank.bands]
    sources = [list(SOURCES_COLUMNS)] + [[src.id, src.title, src.url] for src in bank.sources]
    _check_unique_names(survey)
    return XLSFormSheets(survey, choices, settings, bands, sources)


def _check_unique_names(survey: list[list]) -> None:
    """XLSForm names must be unique among siblings; say which bank ids collide, so a form that
    ODK and Kobo would refuse is not written even where pyxform is not installed."""
    scopes: list[dict[str, int]] = [{}]
    clashes = []
    for number, row in enumerate(survey[1:], start=2):
        kind, name = row[0], row[1]
        if kind == "end_group":
            scopes.pop()
            continue
        if name in scopes[-1]:
            clashes.append(f"survey row {number}: '{name}' repeats row {scopes[-1][name]}")
        scopes[-1][name] = number
        if kind == "begin_group":
            scopes.append({})
    if clashes:
        raise StocktakeError("the form would use a name twice", details=clashes,
                             hint="rename the question or area in the bank (a question id "
                                  "ending '_evidence' clashes with the evidence note of another)")


def group_name(area_id: str) -> str:
    """The group an area's questions sit in: the area id, unless a top-level field has that name
    (idea-stocktake has a `partnership` area), when it is `<id>_area`; XLSForm names must be
    unique among siblings."""
    name = _xml_name(area_id, "area")
    return f"{name}_area" if name in TOP_LEVEL_FIELDS else name


def _question_rows(bank: Bank, q: Question, add, choice) -> None:
    name = _xml_name(q.id, "question")
    extra = {"area": q.area, "roles": " ".join(q.roles), "weight": _number(q.weight),
             "scored": "yes" if q.scored else "no", "unit": q.unit,
             "min_age": "" if q.min_age is None else q.min_age,
             "max_age": "" if q.max_age is None else q.max_age,
             "notice": " ".join(str(v) for v in q.notice), "sources": " ".join(q.sources)}
    common = {"name": name, "label": q.text, "hint": q.guidance,
              "required": "yes" if q.required else "",
              "relevant": relevant_expression(bank, q.roles, q.when), **extra}
    offers_unknown = q.scored
    if q.type == "scale":
        add(type=f"select_one {name}", **common)
        for level, text in enumerate(q.levels, start=1):
            choice(name, str(level), text)
    elif q.type in ("choice", "multi"):
        kind = "select_one" if q.type == "choice" else "select_multiple"
        constraint = message = ""
        if q.type == "multi":
            # "Not applicable", "Don't know" and exclusive options ("None of these") alone,
            # never beside other options.
            exclusive = [o for o in q.options if o.exclusive]
            alone = (["na", "dk"] if offers_unknown else []) + [o.id for o in exclusive]
            constraint = alone_constraint(alone)
            labels = (["Not applicable", "Don't know"] if offers_unknown else []) + \
                [o.label for o in exclusive]
            message = f"Choose {' or '.join(labels)} on its own" if labels else ""
        add(type=f"{kind} {name}", constraint=constraint, constraint_message=message, **common)
        for option in q.options:
            choice(name, option.id, option.label, _number(option.score), option.exclusive)
    elif q.type == "yesno":
        add(type=f"select_one {name}", **common)
        choice(name, "yes", "Yes")
        choice(name, "no", "No")
    elif q.type == "number":
        bounds = []
        if q.min is not None:
            bounds.append(f". >= {_number(q.min)}")
        if q.max is not None:
            bounds.append(f". <= {_number(q.max)}")
        unit = f" {q.unit}" if q.unit else ""
        message = {2: f"A number from {_number(q.min)} to {_number(q.max)}{unit}",
                   1: f"A number {'of at least ' + _number(q.min) if q.min is not None else 'of at most ' + _number(q.max)}{unit}",
                   0: ""}[len(bounds)]
        add(type="decimal", constraint=" and ".join(bounds), constraint_message=message,
            **common)
    else:
        add(type="text", **common)
    if q.type in ("scale", "choice", "multi", "yesno") and offers_unknown:
        choice(name, *NOT_APPLICABLE)
        choice(name, *DONT_KNOW)
    if q.notice and bank.safeguarding_notice:
        add(type="note", name=f"{name}{NOTICE_SUFFIX}",
            label=f"Safeguarding notice: {bank.safeguarding_notice}",
            relevant=notice_expression(q))
    if q.type != "text":
        add(type="text", name=f"{name}{EVIDENCE_SUFFIX}",
            label="Evidence for your answer (optional)",
            hint="A document, meeting or example that shows it.",
            relevant=f"{ref(name)} != ''")


def notice_expression(q: Question) -> str:
    """The XLSForm condition true when `q` is answered with one of the answers its bank marks
    for the safeguarding notice (`q.notice`: levels, option ids, yes or no)."""
    # As Question.calls_for_notice compares them: the stored value's text.
    values = [literal(str(v)) for v in q.notice]
    if q.type == "multi":
        return " or ".join(f"selected({ref(q.id)}, {v})" for v in values)
    return " or ".join(f"{ref(q.id)} = {v}" for v in values)


def _xml_name(ident: str, noun: str) -> str:
    # Bank ids may start with a digit; XML element names may not, and XForms name fields by
    # element, so such a bank cannot become a form without renaming.
    if not (ident[:1].isalpha() or ident[:1] == "_"):
        raise StocktakeError(f"{noun} id '{ident}' starts with a digit, which an XLSForm name "
                             "cannot", hint="rename it in the bank (e.g. add a letter in front)")
    return ident


def alone_constraint(option_ids: Sequence[str]) -> str:
    """The XLSForm constraint that lets each of these choices be ticked only on its own ('' for
    none): ODK and Kobo then refuse "None of these" beside another option, as stocktake does."""
    if not option_ids:
        return ""
    either = " or ".join(f"selected(., {literal(i)})" for i in option_ids)
    return f"not(({either}) and count-selected(.) > 1)"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def write_xlsform(path: Path, sheets: XLSFormSheets) -> Path:
    """Save the sheets as an .xlsx, atomically, owner-only (its folder created 0700);
    StocktakeError naming the file if it cannot be written."""
    from stocktake.files.output_files import write_output_bytes

    return write_output_bytes(Path(path), xlsform_bytes(sheets))


def xlsform_bytes(sheets: XLSFormSheets) -> bytes:
    """The .xlsx as bytes; every text cell stays text, never a formula (bank text is data)."""
    import io

    from openpyxl import Workbook

    from stocktake.privacy.injection import write_text_row

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.as_dict().items():
        sheet = workbook.create_sheet(title)
        for index, row in enumerate(rows, start=1):
            write_text_row(sheet, index, row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
