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
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    src, dst, entries_path, profile = sys.argv[1:5]
    entries = json.load(open(entries_path, encoding="utf-8"))
    pipe = f"stocktake_typist_{int(time.time() * 1000)}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
         "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        if ctx is None:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
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
        try:
            doc.close(True)
        except Exception:  # after typing through the frame Calc may drop the bridge; it is saved
            return
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away as the office quits
            pass
    finally:
        try:
            office.wait(30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
