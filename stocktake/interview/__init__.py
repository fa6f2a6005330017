"""Interviews: the question flow as plain logic (`flow`), its questionary rendering (`prompts`, the only module importing questionary), and whole `--answers` files checked before anything is stored (`answers_file`).

Entry points: `flow.InterviewFlow`, `prompts.ask`, `answers_file.read_answers_file`.
"""
