"""The national merge: returned partnership workbooks read in, checked against their seals,
scored and folded into the national benchmark workbook (`merge`).

Entry points: `merge.merge_workbooks`, `merge.collect_files`, `merge.BankShelf`.
"""
