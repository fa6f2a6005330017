"""Open a response form in LibreOffice Calc and report its Answer dropdowns as Calc reads them.

Run with the Python that has LibreOffice's `uno` module (Debian's python3-uno):

    /usr/bin/python3 libreoffice_dropdowns.py FORM.xlsx OUT.json PROFILE_DIR

OUT.json: {"lists": {"F10": ["1", "2", ...], ...}, "typed": N, "invalid": [refs]}: every list
validation on the Form sheet's Answer column (F) with the entries Calc offers, then each entry
put into its cell as a person choosing it would (setFormula, which is what choosing from the
list does: "1" becomes the number 1), and the cells Calc's own validity check then marks.
"""

import json
import sys

from libreoffice_session import calc_document


def main():
    src, dst, profile = sys.argv[1:4]
    with calc_document(src, profile, "dropdowns") as (ctx, doc):
        sheet = doc.Sheets.getByName("Form")
        lists_sheet = doc.Sheets.getByName("_lists")
        used = sheet.createCursor()
        used.gotoEndOfUsedArea(False)
        lists = {}
        for row in range(used.RangeAddress.EndRow + 1):
            validation = sheet.getCellByPosition(5, row).getPropertyValue("Validation")
            if validation.Type.value != "LIST":
                continue
            formula = validation.getFormula1()
            if formula.startswith('"'):
                entries = [e[1:-1].replace('""', '"') for e in formula.split(";")]
            else:  # a range on the hidden list sheet: $_lists.$A$1:$A$6
                ref = formula.split(".", 1)[1].replace("$", "")
                entries = [r[0] for r in lists_sheet.getCellRangeByName(ref).getDataArray()]
            lists[f"F{row + 1}"] = entries
        sheet.unprotect("")
        typed, invalid = 0, []
        for ref, entries in lists.items():
            cell = sheet.getCellRangeByName(ref)
            for entry in entries:
                cell.setFormula(entry)
                typed += 1
                # True when any cell of the sheet holds a value its validation refuses.
                if sheet.showInvalid():
                    invalid.append(f"{ref}={entry}")
            cell.setFormula("")
        with open(dst, "w", encoding="utf-8") as out:
            json.dump({"lists": lists, "typed": typed, "invalid": invalid}, out)


if __name__ == "__main__":
    main()
