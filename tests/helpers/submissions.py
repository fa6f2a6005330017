"""Phone and web submissions of the mini bank (tests/data/mini.toml) as ODK Central and
KoboToolbox hold them: two submitters, imported into a real workspace, and what must be stored."""

from __future__ import annotations

from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE
from stocktake.xlsform.export import form_identity, xlsform_bytes, xlsform_sheets
from stocktake.xlsform.pyxform_check import convert_xlsform
from stocktake.xlsform.submissions import partnership_lookup, read_submissions, store_submissions

from helpers.filling import WAVE


def mini_form(bank) -> tuple[list, str]:
    """(the XLSForm's sheets, the XForm pyxform makes of it) for `bank`, offering Camden and
    Birmingham. Needs pyxform."""
    sheets = xlsform_sheets(bank, [("E09000007", "Camden"), ("E08000025", "Birmingham")])
    return sheets, convert_xlsform(xlsform_bytes(sheets)).xform


def two_submissions(bank) -> list[dict]:
    """A council officer who answers everything, and an anonymous young person (field -> value,
    as the submitted XForm names them)."""
    ident = form_identity(bank)
    return [
        {"instance": "6f1c2a9e-0000-4000-8000-000000000001", "stocktake_form": ident,
         "partnership": "E09000007", "role": "council",
         "respondent": "Director of children's services", "vision.statement": "yes",
         "vision.statement_evidence": "CYPP 2026 p4", "vision.known": "3",
         "vision.consulted": "children staff", "risk.register": "partial",
         "risk.vacancies": "12.5", "risk.barrier": "Recruitment, again"},
        {"instance": "6f1c2a9e-0000-4000-8000-000000000002", "stocktake_form": ident,
         "partnership": "E08000025", "role": "young-people", "respondent": "",
         "vision.statement": "dk", "vision.consulted": "na", "risk.barrier": "Nobody asks us"},
    ]


def import_submissions(workspace, bank, *paths):
    """(the batches read from `paths`, the store's outcome) after importing them into
    `workspace` for WAVE, the partnerships known to the workspace."""
    lookup = partnership_lookup(workspace.partnerships())
    batches = [read_submissions(p, bank, lookup) for p in paths]
    return batches, store_submissions(workspace, bank, batches, WAVE)


def assert_stored_as_given(workspace, bank) -> None:
    """`two_submissions` stored exactly: the council officer's answers with evidence, the young
    person under a reference, Don't know and Not applicable as statuses."""
    council = workspace.responses("E09000007", bank.id, WAVE)
    assert [r.key.respondent for r in council] == ["Director of children's services"]
    answers = council[0].answers
    assert council[0].mode == "submission"
    assert council[0].instance_id == "6f1c2a9e-0000-4000-8000-000000000001"
    assert council[0].bank_hash == bank.hash
    assert (answers["vision.statement"].value, answers["vision.statement"].evidence) == \
        ("yes", "CYPP 2026 p4")
    assert answers["vision.known"].value == 3
    assert answers["vision.consulted"].value == ["children", "staff"]
    assert answers["risk.register"].value == "partial"
    assert answers["risk.vacancies"].value == 12.5
    assert answers["risk.barrier"].value == "Recruitment, again"
    assert all(a.status == ANSWERED for a in answers.values())
    young = workspace.responses("E08000025", bank.id, WAVE)
    assert [r.key.respondent for r in young] == ["young-people 6f1c2a9e"]
    assert young[0].role == "young-people"
    assert young[0].answers["vision.statement"].status == DONT_KNOW
    assert young[0].answers["vision.consulted"].status == NOT_APPLICABLE
    assert set(young[0].answers) == {"vision.statement", "vision.consulted", "risk.barrier"}
