"""Interviews: the question flow as plain logic (`flow`), one interview's decisions (`session`: where its answers go, where it starts, what to ask next, notices and warnings), its questionary rendering (`prompts`, the only module importing questionary), whole `--answers` files checked before anything is stored (`answers_file`), an adviser's moderation (`moderation`) and the answers read back (`answer_listing`).

Entry points: `flow.InterviewFlow`, `session.InterviewSession`, `prompts.ask`, `answers_file.read_answers_file`, `moderation.record_moderation`, `answer_listing.answer_listing`.
"""
