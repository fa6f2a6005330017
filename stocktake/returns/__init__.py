"""What comes back: reading returned workbooks (`workbook_reader`), refusing hostile files (`file_checks`), the seal that proves an export unedited (`seal`), which answers call for the safeguarding notice (`notices`), and the one intake every route stores returned answers through (`intake`).

Entry points: `workbook_reader.read_sheets`, `file_checks.check_workbook_file`, `seal.compute_seal`, `notices.notices_called_for`, `intake.take_in`.
"""
