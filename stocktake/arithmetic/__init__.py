"""The arithmetic scoring, evidence and banks share, as pure functions: scores compared at the
precision they are published, and the spreadsheet functions (QUARTILE.INC) reproduced exactly.
"""
