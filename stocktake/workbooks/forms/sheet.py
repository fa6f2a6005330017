"""The form's fixed geometry, shared by the writer (layout) and the reader (reading): its sheets,
the header row, which column holds what, the columns' widths and the print scale.
"""

from __future__ import annotations



AGE_LABEL = "Your age group"
ANONYMOUS_INSTRUCTIONS = (
    "Do not write your name anywhere on this form: it is anonymous. Choose your age group in "
    "the yellow cell above, then pick an answer from the list in each yellow Answer cell "
    "(Not applicable or Don't know are there too, for any question). Leave a question blank if "
    "you would rather not answer it. Save the file and send it back.")
FORM_SHEET = "Form"
ABOUT_SHEET = "About"
LISTS_SHEET = "_lists"
# The name (or, on an anonymous form, the age group) is typed in D3, its label in C3: column B
# (Area) is hidden. Forms made before 7 December have them in C3 and B3; the reader finds the
# label wherever it is and reads the cell to its right.
NAME_CELL = "D3"
NAME_LABEL = "Your name"
# What a required question's text carries on the form (the reader strips it to compare).
REQUIRED_MARK = " (required)"
ROLE_LABEL = "Answering as"
HEADER_ROW = 7
ID_COLUMN = 8  # H, hidden
ANSWER_COLUMN = 6  # F
EVIDENCE_COLUMN = 7  # G
FORM_COLUMNS = ("No.", "Area", "Question", "Guidance", "Allowed answers", "Answer", "Evidence",
                "id")
NOT_APPLICABLE_TEXT, DONT_KNOW_TEXT = "Not applicable", "Don't know"
# Excel refuses an inline list longer than this; longer lists point at the hidden list sheet.
INLINE_LIST_LIMIT = 255
# Forms made by earlier versions offered scale entries "3 - descriptor", cut at this many
# characters with an ellipsis; such returns are still read by their leading level number.
DROPDOWN_TEXT_LIMIT = 110
INPUT_FILL = "FFF8D6"
ANSWER_WIDTH = 30  # the Answer column at its widest, in units of width
# Printed one page wide at FORM_PRINT_SCALE, set (A4 landscape at 90%, so 10-point text prints
# at 9 pt; issue 26): the columns A to G come to FORM_PRINT_WIDTH units, column B (Area, each
# area being the band over its questions) hidden and so not counted. A unit is a digit of the
# workbook's Calibri 11 (7 pixels, about 5.3 points with the cell's margin): Excel, and
# LibreOffice with Carlito (Calibri's metric twin, bundled with LibreOffice on Windows and
# macOS; Debian's fonts-crosextra-carlito), print 156 units about 780 points wide at 90%,
# within the 788 between FORM_SIDE_MARGIN (inches) each side. At 125 units, laid out for a
# LibreOffice that drew Calibri with a wider stand-in, Excel left a fifth of every page blank
# at the right. FORM_WIDTHS are the widths a form starts from: layout narrows the Answer
# column to its form's widest entry and shares the rest of FORM_PRINT_WIDTH between the
# question cell (Question and Guidance, merged) and Allowed answers by what they hold. Column
# D also holds the age-group dropdown (D3) of a children's form, so there it keeps a width
# that shows the longest entry whole.
FORM_WIDTHS = {1: 4, 2: 12, 3: 20, 4: 15, 5: 33, ANSWER_COLUMN: ANSWER_WIDTH, 7: 11, 8: 30}
FORM_PRINT_WIDTH = 156
FORM_PRINT_SCALE = 0.9
FORM_SIDE_MARGIN = 0.25
# Top and bottom margins and the header's and footer's distance from the page's edge (inches):
# the page header and footer are one line each, so the rows end close to the footer; they start
# 0.6 in down, where the header's line (0.2 in down, 10 points tall) is well clear of them.
FORM_TOP_MARGIN, FORM_BOTTOM_MARGIN, FORM_HEADER_MARGIN = 0.6, 0.45, 0.2
# The header row repeated atop each printed page: one line (points), since every heading fits
# its column on one line (print_setup.widen_for_headings); two lines took a row of text a page.
FORM_HEADER_HEIGHT = 17
# The narrowest the question cell or the Allowed answers column is made (layout balances them).
MIN_TEXT_WIDTH = 10
# The notes above the table span C to G, NOTES_WIDTH units (all but No.; B is hidden).
NOTES_COLUMNS = 7
NOTES_FIRST, NOTES_LAST = "C", "G"
NOTES_WIDTH = FORM_PRINT_WIDTH - FORM_WIDTHS[1]
# What the Answer column shows of an entry, as styles.wrapped_lines counts 10-point text (about
# 1.25 characters per unit of width, less one for the cell's margin). Excel draws a dropdown no
# wider than its cell and cuts longer entries, so every entry is kept within this.
ANSWER_CHARS = int(ANSWER_WIDTH * 1.25) - 1
