"""partnership-2026 for the law of 2026-27, the [sources] table, measure links, and the period
banks true to their era (issue 24): the bank's structure, the model and validation of sources,
one test per kind of defect the review found (in all four banks), and the demo in each era."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest

from stocktake.banks.model import bank_from_data

from stocktake.banks.loading import find_bank, load_bank
from stocktake.banks.validation import validate_bank_data, validate_bank_file
from stocktake.errors import StocktakeError

from helpers.paths import DATA

EDITIONS = DATA / "editions"
BANKS = ("partnership-2026", "idea-stocktake", "joint-area-review", "tomorrows-children")
PERIOD_BANKS = ("idea-stocktake", "joint-area-review", "tomorrows-children")
WAVE = "2026-27"


@pytest.fixture(scope="module")
def p26():
    return find_bank("partnership-2026")


def partner_roles(bank, question) -> set[str]:
    return set(question.roles or bank.role_ids) - set(bank.apart_role_ids)


def apart_only(bank, question) -> bool:
    return bool(question.roles) and set(question.roles) <= set(bank.apart_role_ids)


# ---------------------------------------------------------------- the bank's structure


def test_every_area_has_a_question_asked_of_two_partner_roles(p26):
    for area in p26.areas:
        widest = max(len(partner_roles(p26, q)) for q in p26.questions_in(area.id))
        assert widest >= 2, area.id


def test_childrens_and_parents_questions_are_first_person_without_adult_guidance(p26):
    # Notes for the adviser ("Evidence: ...", "Ask ...", a statute) are never shown to a child.
    adult = re.compile(r"Evidence|\bAsk\b|\bLook (at|for)\b|\[|\bAct\b|\bs\d|section|statutory")
    asked = [q for q in p26.questions if apart_only(p26, q)]
    assert len(asked) >= 15
    for q in asked:
        assert re.search(r"\b(I|my|me|we|our|us)\b", q.text), q.id
        assert not re.search(r"\byou\b", q.text, re.IGNORECASE), q.id
        assert not adult.search(q.guidance), (q.id, q.guidance)


# Source id prefix -> (the Act's legislation.gov.uk path, the section as the id names it).
ACTS = {"CWSA26": "/ukpga/2026/21/", "CA89": "/ukpga/1989/41/", "CSWA17": "/ukpga/2017/16/",
        "CDA98": "/ukpga/1998/37/", "DAA21": "/ukpga/2021/17/"}


def test_every_cited_source_is_in_the_sources_table_with_the_primary_texts_address(p26):
    cited = {s for q in p26.questions for s in q.sources} | {s for a in p26.areas for s in a.sources}
    table = {s.id: s for s in p26.sources}
    assert cited and cited <= set(table)
    for sid in cited:
        url = urlparse(table[sid].url)
        assert url.scheme == "https" and table[sid].title, sid
        act, _, section = sid.partition("-s")
        if act in ACTS:
            # A statute: its own section on legislation.gov.uk.
            assert url.netloc == "www.legislation.gov.uk", sid
            assert url.path.startswith(ACTS[act] + "section/" + section), (sid, url.path)
        elif sid != "ILACS26":  # Ofsted's announcement is cited from its published text
            assert url.netloc == "www.gov.uk", sid


# The duties a 2026-27 review is built around (issue 24) and the sources they must cite.
DUTIES = {
    "family-help.macpt-nominated": "CWSA26-s3", "family-help.child-protection-teams": "CWSA26-s3",
    "practice.duty-to-share": "CWSA26-s4", "practice.consistent-identifier": "CWSA26-s4",
    "corporate-parenting.staying-close": "CWSA26-s7",
    "education-inclusion.not-in-school": "CWSA26-s38",
    "kinship.local-offer": "KIN24", "kinship.financial-support": "KIN24",
    "corporate-parenting.staying-put": "CA89-s23CZA",
    "corporate-parenting.personal-advisers": "CSWA17-s3",
    "workforce.agency-rules": "AGENCY24", "self-evaluation.ilacs-2026": "ILACS26",
    "family-help.domestic-abuse": "DAA21-s3",
}


def test_banks_show_lists_each_duty_with_its_source(cli, p26):
    result = cli("banks", "show", "partnership-2026")
    assert result.exit_code == 0, result.output
    flat = re.sub(r"[│┃\s]+", " ", result.stdout)
    for qid, sid in DUTIES.items():
        assert sid in p26.question(qid).sources, qid
        assert qid in result.stdout.replace("\n", "") or qid.split(".")[1] in result.stdout
        source = p26.source_for(sid)
        assert sid in flat
        # The whole address is printed, folded over lines if it must be: no ellipsis.
        assert source.url.replace("https://", "") in re.sub(r"\s*│\s*", "", result.stdout), sid
    assert "…" not in result.stdout.split("Sources (the primary texts")[1]


def test_new_roles_have_what_existing_roles_have_and_are_asked(p26):
    for role in ("probation", "adult-services"):
        r = p26.role(role)
        assert r.title and not r.reported_apart and not r.anonymous
        assert len(p26.questions_for_role(role)) >= 2
    assert "probation" in p26.question("youth-justice.partnership").roles


def test_each_new_question_names_its_roles_and_why_in_a_comment(p26):
    old = load_bank(EDITIONS / "partnership-2026-1.1.toml")
    assert old.version == "1.1" and p26.version == "2.0"
    text = p26.source.read_text(encoding="utf-8")
    blocks = text.split("[[questions]]")
    new = [q.id for q in p26.questions if not old.has_question(q.id)]
    assert len(new) >= 40
    for qid in new:
        index = next(i for i, b in enumerate(blocks) if f'\nid = "{qid}"\n' in b)
        before = blocks[index - 1].rstrip().splitlines()
        assert before[-1].startswith("#"), qid  # the comment just above [[questions]]


@pytest.mark.store_damaged_on_purpose(
    "answers to edition 1.1 kept beside 2.0: doctor checks them against the current edition")
def test_trend_compares_the_two_editions_area_by_area(cli, tmp_path):
    old = EDITIONS / "partnership-2026-1.1.toml"
    assert cli("demo", "--bank", "partnership-2026", "--wave", WAVE, "--partnerships", "2",
               "--json").exit_code == 0
    assert cli("demo", "--bank", str(old), "--wave", "2025-26", "--partnerships", "2",
               "--json").exit_code == 0
    code = json.loads(cli("partnerships", "list", "--json").stdout)[0]["code"]
    result = cli("trend", code, "--bank", "partnership-2026", "--from", "2025-26", "--to", WAVE,
                 "--from-bank", str(old), "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["versions"] == {"from": ["1.1"], "to": ["2.0"], "changed": True}
    areas = {a["id"]: a for a in got["areas"]}
    assert areas["safeguarding"]["change"] is not None  # in both editions: compared
    assert areas["kinship"]["change"] is None  # new in 2.0: shown, not compared


# ---------------------------------------------------------------- [sources] in the model

SMALL = {
    "id": "small", "title": "Small", "version": "1.0", "description": "d",
    "roles": [{"id": "council", "title": "Council"}],
    "areas": [{"id": "a", "title": "A", "description": "d"}],
    "questions": [{"id": "a.q", "area": "a", "type": "yesno", "text": "Q?"}],
}


def small(**extra) -> dict:
    data = json.loads(json.dumps(SMALL))
    for key, value in extra.items():
        data[key] = value
    return data


def test_sources_are_parsed_onto_the_bank_its_questions_and_areas():
    data = small(sources={"X-s1": {"title": "X Act s1", "url": "https://www.legislation.gov.uk/x"}})
    data["questions"][0]["sources"] = ["X-s1"]
    data["areas"][0]["sources"] = ["X-s1"]
    assert validate_bank_data(data) == []
    bank = bank_from_data(data)
    assert [(s.id, s.title, s.url) for s in bank.sources] == \
        [("X-s1", "X Act s1", "https://www.legislation.gov.uk/x")]
    assert bank.question("a.q").sources == ("X-s1",) and bank.area("a").sources == ("X-s1",)
    assert bank.to_dict()["sources"][0]["url"] == "https://www.legislation.gov.uk/x"
    with pytest.raises(StocktakeError, match="no source 'Y'"):
        bank.source_for("Y")


def test_an_unknown_source_id_is_an_error_naming_the_question(tmp_path):
    path = tmp_path / "bank.toml"
    path.write_text('''id = "small"
title = "Small"
version = "1.0"
description = "d"

[sources]
KNOWN = { title = "Known", url = "https://www.gov.uk/known" }

[[roles]]
id = "council"
title = "Council"

[[areas]]
id = "a"
title = "A"
description = "d"
sources = ["MISSING-AREA"]

[[questions]]
id = "a.q"
area = "a"
type = "yesno"
sources = ["KNOWN", "TYPO"]
text = "Q?"
''', encoding="utf-8")
    problems = [p.render() for p in validate_bank_file(path)]
    assert any("question a.q" in p and "unknown source 'TYPO'" in p and "KNOWN" in p
               and f"{path}:23:" in p for p in problems), problems
    assert any("area a" in p and "MISSING-AREA" in p for p in problems), problems
    with pytest.raises(StocktakeError) as caught:
        load_bank(path)  # a wrong citation is not a links-only problem: the bank is refused
    assert "TYPO" in " ".join(caught.value.details)


@pytest.mark.parametrize("entry, said", [
    ({"title": "No address"}, "has no 'url'"),
    ({"title": "Blank", "url": "  "}, "has no 'url'"),
    ({"title": "Not the web", "url": "file:///etc/passwd"}, "must be an https web address"),
    ({"title": "Plain", "url": "http://www.gov.uk/x"}, "must be an https web address"),
    ({"url": "https://www.gov.uk/x"}, "missing 'title'"),
    ({"title": "T", "url": "https://www.gov.uk/x", "link": "y"}, "unknown key 'link'"),
])
def test_a_source_without_a_usable_url_or_title_is_an_error(entry, said):
    problems = [p.render() for p in validate_bank_data(small(sources={"S1": entry}))]
    assert any("source S1" in p and said in p for p in problems), problems


def test_sources_must_be_a_table_and_citations_a_list():
    assert any("[sources] must be a table" in p.render()
               for p in validate_bank_data(small(sources=["x"])))
    data = small(sources={"S": {"title": "T", "url": "https://www.gov.uk/s"}})
    data["questions"][0]["sources"] = "S"
    assert any("'sources' must be a list" in p.render() for p in validate_bank_data(data))


def test_a_bank_without_sources_keeps_the_hash_it_had_before_sources_existed():
    # Computed by stocktake at commit d301953, before [sources], `context` and `period`
    # existed, for this file (tomorrows-children 2.0 as shipped then): a workbook exported with
    # that edition must still merge.
    before = "ddacbd94cc691f530bbbf42ed3850b2a024762633efdee8400a209130fd83c4b"
    bank = load_bank(EDITIONS / "tomorrows-children-2.0-before-sources.toml")
    assert not bank.sources and not bank.period
    assert bank.hash == before


def test_sources_enter_the_hash_only_when_set():
    plain = bank_from_data(small())
    cited = small(sources={"S": {"title": "T", "url": "https://www.gov.uk/s"}})
    assert bank_from_data(cited).hash != plain.hash
    retitled = small(sources={"S": {"title": "T2", "url": "https://www.gov.uk/s"}})
    assert bank_from_data(retitled).hash != bank_from_data(cited).hash
    # Links and the period change no question: out of the hash.
    linked = small(period="2005-06")
    linked["areas"][0]["context"] = ["ReReferral"]
    assert bank_from_data(linked).hash == plain.hash


def test_a_period_must_be_a_financial_year():
    assert any("'period' must be a financial year" in p.render()
               for p in validate_bank_data(small(period="the 2000s")))
    assert validate_bank_data(small(period="2002-03")) == []


# ---------------------------------------------------------------- kind: misattributed duty


def test_the_corporate_parenting_principles_are_asked_of_the_council_only():
    # CSWA 2017 s1 binds "a local authority in England": no other body is asked about them.
    for bank_id in BANKS:
        bank = find_bank(bank_id)
        for q in bank.questions:
            if "corporate parenting principles" in (q.text + q.guidance).lower():
                assert q.roles == ("council",), (bank_id, q.id)
    p26 = find_bank("partnership-2026")
    assert "CSWA17-s1" in p26.question("corporate-parenting.principles").sources
    # Partners are asked what they offer, with no duty claimed for them.
    offer = p26.question("corporate-parenting.partner-offer")
    assert "council" not in offer.roles and not offer.sources


# ---------------------------------------------------------------- kind: a role that cannot see it


@pytest.mark.parametrize("bank_id, qid, only", [
    ("partnership-2026", "family-help.lead-practitioner", {"council"}),
    ("partnership-2026", "corporate-parenting.staying-put", {"council"}),
    ("partnership-2026", "family-help.macpt-nominated", {"council", "health", "police"}),
    ("joint-area-review", "enjoy-and-achieve.attendance", {"council", "schools"}),
    ("tomorrows-children", "commissioning.joint-plan",
     {"council", "health", "district", "voluntary"}),
])
def test_questions_are_asked_only_of_roles_that_can_see_the_answer(bank_id, qid, only):
    assert set(find_bank(bank_id).question(qid).roles) == only


def test_a_count_from_the_case_system_is_asked_of_the_council_alone():
    for bank_id in BANKS:
        for q in find_bank(bank_id).questions:
            if "case system" in q.guidance:
                assert q.roles == ("council",), (bank_id, q.id)


# ---------------------------------------------------------------- kind: several questions in one


@pytest.mark.parametrize("bank_id, gone, now", [
    ("partnership-2026", "safeguarding.joint-leadership",
     ["safeguarding.arrangements-signed", "safeguarding.shared-budget",
      "safeguarding.yearly-report"]),
    ("partnership-2026", None, ["voice.parents-listened", "voice.parents-told-next"]),
    ("partnership-2026", None, ["family-help.family-network-asked", "family-help.family-meeting"]),
    ("joint-area-review", "stay-safe.referrals-assessments",
     ["stay-safe.referrals", "stay-safe.assessments"]),
    ("joint-area-review", None, ["economic-wellbeing.care-leavers",
                                 "economic-wellbeing.care-leavers-eet"]),
    ("joint-area-review", None, ["be-healthy.sexual-health", "be-healthy.teenage-parents"]),
    ("tomorrows-children", None, ["assessment.shared-recording", "assessment.single-point"]),
    ("idea-stocktake", None, ["outcomes.positive-contribution", "outcomes.preventing-offending"]),
    ("idea-stocktake", None, ["outcomes.economic-wellbeing", "outcomes.family-poverty"]),
])
def test_double_barrelled_questions_are_split(bank_id, gone, now):
    bank = find_bank(bank_id)
    if gone:
        assert not bank.has_question(gone)
    for qid in now:
        text = bank.question(qid).text
        assert not re.search(r", and (to )?(get|the|assessments|into|tackled|kept|a single)\b",
                             text), (qid, text)
        assert " and explained " not in text and ", and offered " not in text, qid


def test_no_question_joins_two_asks_with_and():
    joined = re.compile(r"\?,? and |, and (do|does|is|are|what|how|to get|assessments|"
                        r"kept|tackled|offered|explained)\b| and explained ")
    for bank_id in BANKS:
        for q in find_bank(bank_id).questions:
            assert not joined.search(q.text), (bank_id, q.id, q.text)


# ---------------------------------------------------------------- kind: levels change dimension


def test_outcome_levels_rate_safety_not_the_figures():
    levels = find_bank("partnership-2026").question("outcomes.safe").levels
    assert not any("no figures" in level.lower() for level in levels)
    assert all("safe" in level.lower() for level in levels)


def test_no_scale_starts_by_rating_whether_there_is_data_unless_it_asks_about_data():
    data_words = re.compile(r"\b(no figures|no data|not measured)\b", re.IGNORECASE)
    asks_about_data = re.compile(r"measur|figure|data|review|record|know", re.IGNORECASE)
    for bank_id in BANKS:
        for q in find_bank(bank_id).questions:
            if q.levels and data_words.search(q.levels[0]):
                assert asks_about_data.search(q.text), (bank_id, q.id, q.levels[0])


# ---------------------------------------------------------------- kind: filed in the wrong area


def test_the_framework_outcomes_area_holds_only_the_framework_outcomes(p26):
    assert not p26.has_question("outcomes.yp-sexual-health")
    assert not p26.has_question("outcomes.yp-choices-after-16")
    assert p26.question("health-wellbeing.yp-sexual-health").area == "health-wellbeing"
    assert p26.question("education-inclusion.yp-choices-after-16").area == "education-inclusion"
    for q in p26.questions_in("outcomes"):
        assert "NF23" in q.sources and "national framework" in q.guidance, q.id


def test_every_question_sits_in_the_area_its_id_names():
    for bank_id in BANKS:
        for q in find_bank(bank_id).questions:
            assert q.id.split(".", 1)[0] == q.area, (bank_id, q.id)


# ---------------------------------------------------------------- kind: anachronism in a period bank


LATER = {  # what each period could not know: bodies, laws and findings from after it
    "tomorrows-children": ("Children Act 2004", "IDeA stocktake", "Every Child Matters",
                           "section 10 agreement", "Local Safeguarding Children Board",
                           "director of children's services", "children's trust"),
    "joint-area-review": ("revoked in 2010", "Working Together 2023", "ILACS",
                          "safeguarding partners", "integrated care board"),
    "idea-stocktake": ("joint strategic needs assessment", "ILACS", "safeguarding partners",
                       "integrated care board", "EHC plan"),
}


@pytest.mark.parametrize("bank_id", PERIOD_BANKS)
def test_period_banks_speak_only_of_their_era(bank_id):
    bank = find_bank(bank_id)
    end = int(bank.period[:2] + bank.period[-2:]) if len(bank.period) == 7 else 0
    for q in bank.questions:
        said = " ".join([q.text, q.guidance, *q.levels, *(o.label for o in q.options)])
        for later in LATER[bank_id]:
            assert later.lower() not in said.lower(), (bank_id, q.id, later)
        for year in re.findall(r"\b(?:19|20)\d\d\b", said):
            assert int(year) <= end, (bank_id, q.id, year)
    if bank_id == "tomorrows-children":
        level = bank.question("commissioning.joint-plan").levels[-1]
        assert "Health Act 1999 section 31" in level


# ---------------------------------------------------------------- measure links


def test_one_figure_drives_one_areas_flag_in_every_shipped_bank():
    for bank_id in BANKS:
        bank = find_bank(bank_id)
        evidence = [m for a in bank.areas for m in a.indicators]
        assert len(evidence) == len(set(evidence)), bank_id
        assert validate_bank_file(bank.source) == []


def test_a_figure_linked_to_two_areas_is_refused_by_validate_but_still_loads(tmp_path):
    data = small()
    data["areas"] = [{"id": "a", "title": "A", "description": "d", "indicators": ["ReReferral"]},
                     {"id": "b", "title": "B", "description": "d", "indicators": ["ReReferral"]}]
    data["questions"].append({"id": "b.q", "area": "b", "type": "yesno", "text": "Q?"})
    problems = validate_bank_data(data)
    assert [p.links_only for p in problems] == [True]
    assert "already evidence for area 'a'" in problems[0].render()
    # An older edition kept for trend still opens; its repeat link reads as context, not a flag.
    from stocktake.evidence.report import bank_links

    links = bank_links([bank_from_data(data)])
    assert links["ReReferral"] == ("small/a", "small/b (context)")


def test_a_measure_cannot_be_both_evidence_and_context_for_one_area():
    data = small()
    data["areas"][0].update(indicators=["ReReferral"], context=["ReReferral"])
    assert any("both evidence and context" in p.render() for p in validate_bank_data(data))


def test_send_plans_on_time_is_evidenced_by_ehc_plans_issued_within_20_weeks(p26):
    assert "SEN_EHC_All_20wks" in p26.area("send").indicators
    assert "SEN_EHC_All_20wks" in p26.question("send.plans-on-time").guidance


def test_children_in_care_measures_are_labelled_and_are_context_for_areas_about_every_child():
    from stocktake.evidence.indicators import shipped_dictionary

    known = shipped_dictionary()
    missing = known["Children_missing"]
    assert missing.cohort == "children in care"
    assert missing.label.endswith("(children in care only)")
    assert known["ReReferral"].cohort == "" and known["LAC"].cohort == ""  # all children; the
    assert known["CareLeaverAcc"].cohort == ""  # care population itself; care leavers say so
    everyone = {("partnership-2026", "harm-outside-home"), ("partnership-2026", "youth-justice"),
                ("joint-area-review", "be-healthy"), ("joint-area-review", "stay-safe"),
                ("joint-area-review", "enjoy-and-achieve"),
                ("joint-area-review", "positive-contribution")}
    for bank_id, area_id in everyone:
        area = find_bank(bank_id).area(area_id)
        assert not [m for m in area.indicators if known[m].cohort], (bank_id, area_id)


def test_context_links_are_shown_and_never_flagged_and_period_links_say_present_day(p26):
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import PRESENT_DAY, bank_links, partnership_evidence

    view = partnership_evidence(load_indicators(), "E09000007", bank_links([p26]))
    shown = {m.measure.id for m in view.measures
             if any(k.startswith("partnership-2026/harm-outside-home") for k in m.areas)}
    assert shown == {"Children_missing", "Children_Away"}
    assert view.bands_for("partnership-2026/harm-outside-home") == []
    old = find_bank("joint-area-review")
    past = partnership_evidence(load_indicators(), "E09000007", bank_links([old]))
    assert all(PRESENT_DAY in k for m in past.measures for k in m.areas)
    assert len(past.bands_for("joint-area-review/stay-safe")) == \
        len(old.area("stay-safe").indicators)  # evidence still counts; context does not


def test_every_output_names_present_day_equivalents_and_children_in_care_only(cli, tmp_path):
    from openpyxl import load_workbook

    assert cli("demo", "--bank", "joint-area-review", "--wave", WAVE, "--partnerships", "1",
               "--json").exit_code == 0
    code = json.loads(cli("partnerships", "list", "--json").stdout)[0]["code"]
    shown = cli("evidence", code, "--bank", "joint-area-review")
    assert shown.exit_code == 0, shown.output
    assert "present-day equivalents" in shown.stdout
    assert "(children in care only)" in re.sub(r"\s+", " ", shown.stdout)
    page = tmp_path / "report.html"
    assert cli("report", code, "--bank", "joint-area-review", "--wave", WAVE, "--out",
               str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "present-day equivalent" in html and "(children in care only)" in html
    out = tmp_path / "out"
    assert cli("export", code, "--bank", "joint-area-review", "--wave", WAVE, "--out",
               str(out)).exit_code == 0
    sheet = load_workbook(next(out.glob("*.xlsx")))["Evidence"]
    labels = [str(r[0]) for r in sheet.iter_rows(values_only=True) if r[0]]
    measures = [t for t in labels if re.search(r"\[[^\]]+\]", t)]
    assert measures and all("Present-day equivalent" in t for t in measures)
    assert any("(children in care only)" in t for t in measures)


# ---------------------------------------------------------------- the demo in the bank's era


def test_demo_runs_on_partnership_2026_in_its_own_era(cli):
    from stocktake.demo.simulation import simulate_demo

    import random

    result = cli("demo", "--bank", "partnership-2026", "--partnerships", "3", "--json")
    assert result.exit_code == 0, result.output
    bank = find_bank("partnership-2026")
    demo = simulate_demo(bank, WAVE, random.Random(3), partnerships=20, respondents=12)
    notes = {a.evidence for p in demo.partnerships for r in p.responses
             for a in r.answers.values() if a.evidence}
    names = {r.key.respondent for p in demo.partnerships for r in p.responses}
    text = " ".join(notes)
    for old in ("Children and young people's plan", "Trust board minutes", "section 75",
                "Area Child Protection Committee"):
        assert old not in text, old
    for today in ("yearly report", "Families First Partnership plan", "kinship local offer",
                  "Youth justice plan", "ILACS self-evaluation"):
        assert today.lower() in text.lower(), today
    assert any("(early-years)" in n for n in names)
    assert not any("Nursery school head teacher (schools)" == n for n in names)
    assert any("(probation)" in n for n in names) and any("(adult-services)" in n for n in names)


def test_demo_of_a_2002_03_bank_speaks_before_the_children_act_2004():
    import random

    from stocktake.demo.simulation import simulate_demo

    bank = find_bank("tomorrows-children")
    demo = simulate_demo(bank, WAVE, random.Random(2), partnerships=20, respondents=8)
    first = demo.partnerships[0].responses[0].key.respondent
    assert first == "Director of social services (council)"
    said = " ".join([r.key.respondent for p in demo.partnerships for r in p.responses]
                    + [a.evidence for p in demo.partnerships for r in p.responses
                       for a in r.answers.values()])
    for later in ("Director of children's services", "ICB", "Children and young people's plan",
                  "Local Safeguarding Children Board", "safeguarding partners", "section 75",
                  "SEND inspection", "ILACS"):
        assert later not in said, later


def test_the_report_names_each_areas_duties_with_where_to_read_them(cli, tmp_path, p26):
    assert cli("demo", "--bank", "partnership-2026", "--wave", WAVE, "--partnerships", "1",
               "--json").exit_code == 0
    code = json.loads(cli("partnerships", "list", "--json").stdout)[0]["code"]
    page = tmp_path / "report.html"
    assert cli("report", code, "--bank", "partnership-2026", "--wave", WAVE, "--out",
               str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    for area in p26.areas:
        for sid in area.sources:
            assert p26.source_for(sid).url in html, (area.id, sid)
    assert html.count("Duties and guidance:") == sum(1 for a in p26.areas if a.sources)
