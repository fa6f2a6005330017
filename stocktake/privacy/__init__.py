"""Personal data and hostile text: finding and masking personal data (`personal_data`), purging it from history and backups (`erasure`), and the spreadsheet-injection guard (`injection`).

Entry points: `personal_data.find_personal_data`, `personal_data.redact_text`, `erasure.purge_workspace`, `injection.set_text_cell`.
"""
