"""What the adviser leaves behind and what a national team publishes: the action plan, the
partnership report and the national findings report (HTML and Word, charts by matplotlib).

Entry points: `action_plan.new_plan_item`, `partnership_report.partnership_document`,
`national_report.national_document`, `html.render_html`, `word.write_docx`.
"""
