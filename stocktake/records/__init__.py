"""The plain data the workspace keeps: responses and their answers, a round's roster and plan,
an action plan's items, and where answers came from (provenance). Nothing here reads or writes
files; the store, scoring, rounds, workbooks and reports all work with these records.
"""
