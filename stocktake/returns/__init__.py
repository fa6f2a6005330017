"""What comes back: reading returned workbooks (`workbook_reader`), refusing hostile files (`file_checks`), and the seal that proves an export unedited (`seal`).

Entry points: `workbook_reader.read_sheets`, `file_checks.check_workbook_file`, `seal.compute_seal`.
"""
