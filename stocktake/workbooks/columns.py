"""The columns of an export's answers and scores, in order: the tidy CSV and JSON files and the
partnership workbook's Answers sheet share them, so they live where both can reach them.
"""

ANSWER_COLUMNS = ("partnership", "respondent", "role", "area", "question", "question_text",
                  "value", "score", "status", "evidence", "answered_at")
SCORE_COLUMNS = ("partnership", "name", "region", "bank", "wave", "area", "area_title", "score",
                 "level", "coverage", "respondents", "spread", "divergent", "moderated",
                 "self_assessed", "national_median", "national_quartile", "national_n",
                 "simulated")
# The tidy CSV and JSON answers add whether each answer was invented by `stocktake demo` (the
# workbook's Answers sheet keeps ANSWER_COLUMNS: its seal covers exactly those).
TIDY_ANSWER_COLUMNS = ANSWER_COLUMNS + ("simulated",)
