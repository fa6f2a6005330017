"""Who answers a demo stocktake and what they cite, in the era of the bank (issue 24).

A bank written for a past period (`period = "2002-03"`) is answered by the posts of that time and
cites the documents of that time: a director of social services and an Area Child Protection
Committee's report in 2002-03, a director of children's services and a children and young
people's plan in 2005-08, the safeguarding partners' yearly report and the kinship local offer
today. No title names a person, so the demo never looks as if it holds personal data.

    era = era_for(bank)          # "2002-03", "2005-08" or "today"
    job_titles(bank)["council"][0]      # the council's first respondent
    evidence_topics(bank), general_evidence(bank)

Evidence notes are templates: {y} is the wave's first year, {py} the year before, {y1}...{y3}
the following years' last two digits, {y1p} the wave's own last two digits, {pct} a share that
follows the respondent's view and {replies} a number of survey replies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from stocktake.banks.model import Bank

ERAS = ("2002-03", "2005-08", "today")

# ---------------------------------------------------------------- job titles

_TODAY: dict[str, tuple[str, ...]] = {
    "council": (
        "Director of children's services", "Lead member for children's services",
        "Head of family help", "Head of children's social care", "Head of education and inclusion",
        "Principal social worker", "Virtual school head", "Head of commissioning for children",
        "Head of youth services", "Service manager, children in care",
        "Head of SEND services", "Head of quality assurance", "Kinship care team manager",
    ),
    "schools": (
        "Primary head teacher", "Secondary head teacher", "Chair of governors",
        "Special school head teacher", "Designated safeguarding lead",
        "Special educational needs co-ordinator", "Academy trust chief executive",
        "Alternative provision head teacher",
    ),
    "health": (
        "Designated nurse", "Designated doctor for safeguarding", "ICB director of nursing",
        "Health visiting team lead", "School nursing lead", "Named GP for safeguarding",
        "CAMHS service manager", "Community paediatrician", "Named midwife",
        "Designated nurse for children in care",
    ),
    "police": (
        "Detective inspector, public protection", "Chief inspector, local policing",
        "Detective sergeant, multi-agency child protection team", "Sergeant, missing children team",
        "Superintendent, safeguarding",
    ),
    "district": (
        "Head of housing", "Community safety manager", "Leisure and wellbeing manager",
        "District council chief executive", "Homelessness prevention lead",
    ),
    "voluntary": (
        "Chief executive, local children's charity", "Youth club co-ordinator",
        "Manager, parent carer forum", "Family support service manager",
        "Chair, voluntary sector children's forum", "Young carers project lead",
        "Kinship carers' group co-ordinator", "Domestic abuse service manager",
    ),
    "young-people": (
        "Member of the youth parliament", "Children in care council member", "Young inspector",
        "School council representative", "Young carers group member",
    ),
    # The roles only partnership-2026 has: nursery heads answer as early years, not schools.
    "early-years": (
        "Nursery school head teacher", "Family hub manager", "Childminder network co-ordinator",
        "Early years setting manager", "Early years designated safeguarding lead",
    ),
    "further-education": (
        "College principal", "College designated safeguarding lead", "Sixth-form college head",
        "College head of learner support",
    ),
    "youth-justice": (
        "Head of the youth justice service", "Youth justice practice manager",
        "Youth justice education officer", "Youth justice health worker",
    ),
    "probation": (
        "Head of the probation delivery unit", "Probation officer seconded to youth justice",
        "Senior probation officer, transitions",
    ),
    "adult-services": (
        "Director of adult social services", "Adult mental health service manager",
        "Substance misuse service manager", "Transitions team manager, adult social care",
    ),
    "housing": (
        "Head of housing options", "Housing association safeguarding lead",
        "Care leavers' housing pathway lead", "Homelessness prevention lead",
    ),
    "parents-carers": (
        "Parent of a child with a social worker", "Kinship carer", "Parent carer forum member",
        "Foster carer", "Parent of a disabled child",
    ),
}

# 2005-08: children's trusts and Local Safeguarding Children Boards, primary care trusts.
_2005_08: dict[str, tuple[str, ...]] = {
    **_TODAY,
    "council": (
        "Director of children's services", "Lead member for children's services",
        "Head of children's social care", "Head of education and inclusion",
        "Children's trust manager", "Head of commissioning for children",
        "Head of youth services", "Service manager, looked-after children",
        "Head of special educational needs", "Head of performance and quality",
    ),
    "schools": (
        "Primary head teacher", "Secondary head teacher", "Chair of governors",
        "Special school head teacher", "Designated teacher for child protection",
        "Special educational needs co-ordinator", "Nursery school head teacher",
        "Pupil referral unit head teacher",
    ),
    "health": (
        "Designated nurse", "Designated doctor for child protection", "PCT director of nursing",
        "Health visiting team lead", "School nursing lead", "Named GP for child protection",
        "CAMHS service manager", "Community paediatrician", "Named midwife",
    ),
    "police": (
        "Detective inspector, child abuse investigation unit", "Chief inspector, local policing",
        "Youth offending team police officer", "Sergeant, missing persons",
    ),
    "voluntary": (
        "Chief executive, local children's charity", "Youth club co-ordinator",
        "Manager, parent partnership service", "Family support service manager",
        "Chair, voluntary sector children's forum", "Young carers project lead",
    ),
    "parents-carers": ("Parent", "Foster carer", "Parent of a disabled child"),
}

# 2002-03: before the Children Act 2004: social services and education departments, Area Child
# Protection Committees, primary care trusts. No director of children's services yet.
_2002_03: dict[str, tuple[str, ...]] = {
    **_2005_08,
    "council": (
        "Director of social services", "Chief education officer",
        "Lead councillor for social services", "Head of children and families (social services)",
        "Principal officer, child protection", "Head of family support",
        "Quality Protects manager", "Education welfare service manager",
    ),
    "police": (
        "Detective inspector, child protection unit", "Chief inspector, local policing",
        "Youth offending team police officer",
    ),
    "parents-carers": ("Parent", "Foster carer", "Parent of a disabled child"),
}

_TITLES = {"2002-03": _2002_03, "2005-08": _2005_08, "today": _TODAY}

# ---------------------------------------------------------------- evidence notes

_EVIDENCE_2000S: dict[str, tuple[str, ...]] = {
    "vision": ("Children and young people's plan {y}-{y3}, section 2",
               "Staff survey {py}: {pct}% aware of the vision",
               "Vision statement signed by partners, children's trust board minutes, March"),
    "consult": ("Consultation report: 'Your say' survey, {replies} replies",
                "Parent partnership service feedback log, {py}-{y1p}",
                "Report to the board on what changed after consultation, June"),
    "particip": ("Youth council minutes, June", "Participation strategy {y}-{y2}",
                 "Young inspectors' report on the leaving care service"),
    "involvement": ("Youth council minutes, June", "Participation strategy {y}-{y2}",
                    "Community panel notes, quarter 2"),
    "partnership": ("Children's trust board terms of reference, revised {py}",
                    "Partnership agreement under the Health Act 1999 (section 31), signed {py}",
                    "Schools forum minutes, January"),
    "commission": ("Joint commissioning strategy {y}-{y2}",
                   "Partnership agreement under the Health Act 1999 (section 31), signed {py}",
                   "Commissioning intentions paper to the primary care trust, quarter 3"),
    "leadership": ("Children's trust board minutes, March", "Lead member briefing notes, {py}",
                   "Annual performance assessment letter {py}"),
    "communications": ("Communications plan and timeline, version 3",
                       "Staff newsletter readership survey {py}: {pct}% read it monthly",
                       "Partnership website statistics, quarter 1"),
    "change": ("Integration programme plan, version 4", "Programme board highlight report, May",
               "Staff survey {py}: {pct}% understand the integrated model"),
    "risk": ("Risk register for the integration programme, reviewed quarterly",
             "Internal audit of case transfers, {py}",
             "Local Safeguarding Children Board annual report {py}-{y1p}"),
    "roles": ("Lead professional guidance, version 2", "Induction pack for integrated teams",
              "Role descriptions for locality team managers, {py}"),
    "workforce": ("Workforce development plan {y}-{y1}", "Multi-agency training programme {y}-{y1}",
                  "Staff survey {py}: {pct}% feel supported"),
    "recruitment": ("Workforce development plan {y}-{y1}",
                    "Social worker vacancy report, quarter 2", "Exit interview analysis {py}"),
    "workload": ("Caseload monitoring report, September", "Team manager supervision audit, {py}"),
    "assessment": ("Common assessment framework audit, {py}", "Case file audit, quarter 1"),
    "performance": ("Performance scorecard to the board, quarter 1",
                    "Annual performance assessment self-assessment {py}"),
    "resources": ("Medium-term financial plan {y}-{y3}", "Children's services needs analysis {py}"),
    "outcomes": ("Children and young people's plan review {py}", "Outcomes framework {y}-{y1}"),
    "health": ("Children's services needs analysis {py}, health chapter",
               "Primary care trust child health report, quarter 2"),
    "safe": ("Local Safeguarding Children Board annual report {py}-{y1p}",
             "Section 11 audit return {py}"),
    "achieve": ("School performance tables {py}", "Looked-after children's education report {py}"),
    "contribution": ("Youth justice plan {y}-{y1}", "Anti-bullying survey {py}: {pct}% feel safe"),
    "economic": ("Connexions NEET and not-known report, quarter 2", "Leaving care service plan {py}"),
    "capacity": ("Annual performance assessment self-assessment {py}",
                 "Improvement plan progress report, quarter 2"),
    "service": ("Children and young people's plan {y}-{y3}, section 2",
                "Performance scorecard to the board, quarter 1"),
}
_GENERAL_2000S = (
    "Children and young people's plan {y}-{y3}, section 2",
    "Children's trust board minutes, March",
    "Performance scorecard to the board, quarter 1",
    "Annual performance assessment self-assessment {py}",
    "Section 11 audit return {py}",
)

# Before the 2004 Act: children's services plans, Area Child Protection Committees, Quality
# Protects, social services inspections, and no children's trusts, common assessment framework
# or lead professionals yet.
_BEFORE_2004 = (
    ("Children and young people's plan", "Children's services plan"),
    ("Local Safeguarding Children Board", "Area Child Protection Committee"),
    ("Children's trust board", "Chief officers' group"), ("children's trust board", "chief officers' group"),
    ("Annual performance assessment self-assessment", "Performance assessment framework return"),
    ("Annual performance assessment letter", "Social services inspection report"),
    ("Common assessment framework audit", "Framework for the assessment of children in need: audit"),
    ("Lead professional guidance, version 2", "Joint working protocol, version 2"),
    ("Section 11 audit return", "Child protection procedures audit"),
)


def _before_2004(notes: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for note in notes:
        for later, then in _BEFORE_2004:
            note = note.replace(later, then)
        out.append(note)
    return tuple(out)


_EVIDENCE_2002_03: dict[str, tuple[str, ...]] = {
    **{word: _before_2004(notes) for word, notes in _EVIDENCE_2000S.items()},
    "resources": ("Children's services plan {y}-{y1}, resources section",
                  "Social services budget report, quarter 2", "Quality Protects grant return {py}"),
    "recruitment": ("Social services workforce plan {y}-{y1}",
                    "Social worker vacancy report, quarter 2", "Exit interview analysis {py}"),
    "workload": ("Caseload monitoring report, September", "Unallocated cases report, quarter 2"),
    "commission": ("Joint commissioning strategy {y}-{y2}",
                   "Partnership agreement under the Health Act 1999 (section 31), signed {py}",
                   "Commissioning paper to the primary care trust board, quarter 3"),
    "assessment": ("Framework for the assessment of children in need: audit {py}",
                   "Case file audit, quarter 1"),
    "performance": ("Quality Protects management action plan {py}",
                    "Performance assessment framework return {py}"),
    "involvement": ("Youth forum minutes, June", "Consultation report: {replies} replies"),
    "leadership": ("Chief officers' group minutes, March", "Social services inspection report {py}"),
}
_GENERAL_2002_03 = (
    "Children's services plan {y}-{y1}, section 2",
    "Area Child Protection Committee annual report {py}-{y1p}",
    "Chief officers' group minutes, March",
    "Quality Protects management action plan {py}",
)

# Today: the documents a 2026-27 review reads (issue 24).
_EVIDENCE_TODAY: dict[str, tuple[str, ...]] = {
    "safeguarding": ("Safeguarding partners' yearly report {py}-{y1p}",
                     "Published safeguarding arrangements, revised {py}",
                     "Independent scrutineer's report, {py}", "Threshold document, revised {py}"),
    "practice": ("Multi-agency case audit report, quarter 2", "Information sharing policy, revised {y}",
                 "Staff survey {py}: {pct}% confident to share information"),
    "family-help": ("Families First Partnership plan {y}-{y2}",
                    "Family help team structure chart, {y}",
                    "Multi-agency child protection team terms of reference, {y}"),
    "macpt": ("Multi-agency child protection team terms of reference, {y}",
              "Nomination letters to the multi-agency child protection team, {y}"),
    "child-protection": ("Multi-agency child protection team terms of reference, {y}",
                         "Section 47 enquiry audit, quarter 1"),
    "fgdm": ("Family group conference service report {py}-{y1p}",),
    "domestic-abuse": ("Domestic abuse strategy {y}-{y2}", "MARAC performance report, quarter 2"),
    "outcomes": ("Performance scorecard against the national framework outcomes, quarter 1",
                 "Families First Partnership plan {y}-{y2}, outcomes section"),
    "corporate-parenting": ("Corporate parenting board minutes, March",
                            "Care leavers' local offer, revised {py}",
                            "Staying put policy, {py}"),
    "kinship": ("Kinship local offer, published {py}", "Kinship carers' survey {py}: {pct}% aware of the offer",
                "Virtual school head's annual report {py}"),
    "homes-in-care": ("Sufficiency strategy {y}-{y3}", "Placements panel report, quarter 2",
                      "Virtual school head's annual report {py}"),
    "send": ("SEND and AP partnership strategy {y}-{y3}", "Area SEND inspection report {py}",
             "Alternative provision commissioning plan {y}-{y1}"),
    "education-inclusion": ("Children missing education report, term 1",
                            "Part-time timetables register, term 1",
                            "Suspensions report by group, {py}-{y1p}"),
    "health-wellbeing": ("ICB children's mental health waiting times report, quarter 2",
                         "Mental health support teams in schools: coverage report, {py}"),
    "youth-justice": ("Youth justice plan {y}-{y1}", "Youth justice management board minutes, June"),
    "harm-outside-home": ("Exploitation and missing panel minutes, quarter 2",
                          "Return home interviews report, quarter 1"),
    "workforce": ("Agency social worker data return to DfE, quarter 2",
                  "Principal social worker's annual report {py}",
                  "Social work health check {py}: {pct}% feel supported"),
    "voice": ("Children in care council minutes, June", "'You said, we did' report, {py}"),
    "self-evaluation": ("ILACS self-evaluation {y}, updated for the revised framework",
                        "Annual engagement meeting notes, {py}"),
}
_GENERAL_TODAY = (
    "Safeguarding partners' yearly report {py}-{y1p}",
    "Families First Partnership plan {y}-{y2}",
    "ILACS self-evaluation {y}",
    "Performance scorecard to the partners, quarter 1",
)

_TOPICS = {"2002-03": _EVIDENCE_2002_03, "2005-08": _EVIDENCE_2000S, "today": _EVIDENCE_TODAY}
_GENERAL = {"2002-03": _GENERAL_2002_03, "2005-08": _GENERAL_2000S, "today": _GENERAL_TODAY}


def era_for(bank: "Bank") -> str:
    """"today" for a bank without a `period`; "2002-03" for one before the Children Act 2004
    (periods starting before 2004); "2005-08" for the other period banks."""
    period = getattr(bank, "period", "")
    if not period:
        return "today"
    return "2002-03" if int(period[:4]) < 2004 else "2005-08"


def job_titles(bank: "Bank") -> Mapping[str, tuple[str, ...]]:
    """Role id -> the posts of the bank's era that answer for it; the council's first is the
    council's first respondent. A role with none listed answers as "Respondent N"."""
    return _TITLES[era_for(bank)]


def evidence_topics(bank: "Bank") -> Mapping[str, tuple[str, ...]]:
    """Word in a question id -> evidence notes of the bank's era (templates, see module doc)."""
    return _TOPICS[era_for(bank)]


def general_evidence(bank: "Bank") -> tuple[str, ...]:
    """Evidence notes of the bank's era for a question no topic word matches."""
    return _GENERAL[era_for(bank)]
