"""Running a round: who is asked (the roster and the round's plan), forms for all of them, who
has answered (status), and who to chase.

Entry points: `roster.read_roster_file`, `roster.check_roster_rows`, `plan.RoundPlan`,
`plan.expected_respondents`, `status.round_status`, `manifest.form_file_names`.
"""
