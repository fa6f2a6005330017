"""The question banks: the bank model and its TOML loading (`model`), whole-bank validation (`validation`), which questions apply to whom (`applicability`), and answer values as typed and written (`answer_values`).

Entry points: `loading.find_bank`, `loading.load_bank`, `validation.validate_bank_file`, `applicability.applicable_questions` (and `reachable_questions`, what may yet apply), `answer_values.parse_answer` (choice and multi options read by `answer_values.read_options` on every route).
"""
