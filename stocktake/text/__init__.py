"""Text as offices save it: text files with any byte-order mark (`text_files`), CSV habits of Excel and others (`csv_files`), the rules text must meet to round-trip through a workbook (`text_rules`) and a terminal (`terminal_text`), and listing the first problems with a count of the rest (`problems`).

Entry points: `text_files.read_text_file`, `csv_files.csv_records`, `text_rules.checked_text`, `terminal_text.check_line`, `problems.ProblemList`.
"""
