"""A hidden LibreOffice Calc for one script, driven through its Python bridge (`uno`).

Imported by the scripts that run under the Python with Debian's python3-uno
(libreoffice_typist.py, libreoffice_dropdowns.py):

    with calc_document("form.xlsx", "/tmp/profile", "typist") as (ctx, doc):
        sheet = doc.Sheets.getByName("Form")
"""

import subprocess
import time
from contextlib import contextmanager

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextmanager
def calc_document(src, profile, name):
    """(component context, document): `src` opened hidden in an office started for this
    script alone (its own profile folder and pipe); the document closed and the office
    stopped after, killed if it has not quit within 30 s."""
    pipe = f"stocktake_{name}_{int(time.time() * 1000)}"
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
        yield ctx, doc
        try:
            doc.close(True)
        except Exception:  # after typing through the frame Calc may drop the bridge
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
