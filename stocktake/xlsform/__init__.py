"""XLSForm both ways: banks out to ODK/KoboToolbox forms, submissions and spreadsheet banks in.

    export.py        a bank -> the `survey`, `choices` and `settings` sheets of an XLSForm
    relevance.py     roles and skip conditions <-> XPath `relevant` expressions
    submissions.py   ODK Central and KoboToolbox exports -> checked responses
    authoring.py     an XLSForm with stocktake's extra columns -> bank TOML
    pyxform_check.py converting with pyxform (optional), its errors and warnings
"""
