"""Type answers into a form in a running LibreOffice Calc, as a person would, and save as .xlsx.

Run with the Python that has LibreOffice's `uno` module (Debian's python3-uno):

    /usr/bin/python3 libreoffice_typist.py FORM.xlsx OUT.xlsx ENTRIES.json PROFILE_DIR

ENTRIES.json maps cell references on the Form sheet to what is typed there, in order; the keys
"!unprotect", "!insert_row_before..." and "!delete_row..." (value: a row number) change the
sheet as a person would before typing on; a reference written "~F12" is typed through Calc's
input line, so Calc formats the cell as it does for keys typed (15% gets a percent format). Each entry goes in
through setFormula, which is what the input line does with typed text (numbers become numbers),
on the sheet as it arrives: protected, with its dropdown validations.
"""

import json
import sys

import uno

from libreoffice_session import calc_document, prop


def main():
    src, dst, entries_path, profile = sys.argv[1:5]
    entries = json.load(open(entries_path, encoding="utf-8"))
    with calc_document(src, profile, "typist") as (ctx, doc):
        sheet = doc.Sheets.getByName("Form")
        dispatcher = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx)
        for ref, text in entries.items():
            # What a person does to the sheet itself: lift the (password-less) protection,
            # insert or delete a whole row, as with the row header's context menu.
            if ref == "!unprotect":
                sheet.unprotect("")
            elif ref.startswith("!insert_row_before"):
                sheet.Rows.insertByIndex(int(text) - 1, 1)
            elif ref.startswith("!delete_row"):
                sheet.Rows.removeByIndex(int(text) - 1, 1)
            elif ref.startswith("~"):
                # Through the input line, as keys typed into the cell: Calc then recognises
                # 15% or 3/4 and gives the cell a percent or date format, as a person sees.
                cell = sheet.getCellRangeByName(ref[1:])
                controller = doc.getCurrentController()
                controller.select(cell)
                dispatcher.executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0,
                                           (prop("StringName", text),))
            else:
                sheet.getCellRangeByName(ref).setFormula(text)
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))


if __name__ == "__main__":
    main()
