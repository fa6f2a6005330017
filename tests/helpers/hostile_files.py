"""Building returned files the way a hostile or careless partner would: About values changed in
a real workbook, and an export's plain seal recomputed so only a keyed seal can tell; sheets
with a far cell, a claimed grid or a lying deflate stream; and workbooks no reader may open
(nested entities, a zip bomb)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def set_about(path: Path, changes: dict[str, Any], *, rows_too: bool = True) -> Path:
    """Change About values (column A key, column B value) in place; with `rows_too`, a changed
    partnership code is changed in every row of the data sheets as well."""
    wb = load_workbook(path)
    about = wb["About"]
    old_code = None
    for row in about.iter_rows():
        key = row[0].value
        if key in changes:
            if key == "partnership":
                old_code = row[1].value
            row[1].value = changes[key]
            row[1].data_type = "s" if isinstance(changes[key], str) else row[1].data_type
    if rows_too and old_code is not None:
        for name in ("Answers", "_responses", "_moderations"):
            if name not in wb.sheetnames:
                continue
            ws = wb[name]
            header = [c.value for c in ws[1]]
            if "partnership" not in header:
                continue
            col = header.index("partnership") + 1
            for r in range(2, ws.max_row + 1):
                if ws.cell(r, col).value == old_code:
                    ws.cell(r, col).value = changes["partnership"]
                    ws.cell(r, col).data_type = "s"
    wb.save(path)
    return path


def recompute_seal(path: Path, bank) -> str:
    """Put the plain SHA-256 seal of the workbook's data back in its About sheet, as anyone
    holding the file can (the method is public)."""
    from stocktake.national.reading import _records
    from stocktake.returns.about import about_values
    from stocktake.returns.seal import (ANSWER_FIELDS, MODERATION_FIELDS, RESPONSE_FIELDS,
                                canonical_answer_lists, canonical_lists, canonical_rows,
                                seal_of)
    from stocktake.returns.workbook_reader import read_sheets

    sheets = read_sheets(path, ["About", "Answers", "_responses"], optional=["_moderations"],
                         empty_as_none=False)
    about = about_values(sheets["About"])
    seal = seal_of(
        canonical_rows("header", [about])[0],
        canonical_lists("responses", _records(path, sheets["_responses"], RESPONSE_FIELDS, "r")),
        canonical_answer_lists(_records(path, sheets["Answers"], ANSWER_FIELDS, "a"), bank),
        canonical_lists("moderations", _records(
            path, sheets.get("_moderations") or [list(MODERATION_FIELDS)], MODERATION_FIELDS,
            "m")))
    set_about(path, {"seal": seal}, rows_too=False)
    return seal


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time in ns, by relative path."""
    found = {}
    for item in root.rglob("*"):
        if item.is_file() or item.is_symlink():
            st = item.lstat()
            found[str(item.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


# ---------------------------------------------------------------- workbooks that claim too much


def sheet_part_of(path: Path, sheet: str) -> str:
    """The zip member holding `sheet` (through workbook.xml and its relationships)."""
    import zipfile

    from stocktake.returns.workbook_reader import sheet_part

    with zipfile.ZipFile(path) as archive:
        part = sheet_part(archive, set(archive.namelist()), sheet)
    assert part is not None, f"{path} has no sheet {sheet}"
    return part


def rewrite_part(src: Path, dst: Path, part: str, change) -> Path:
    """Copy the workbook `src` to `dst` with the bytes of member `part` passed through
    `change`, every other member as it was."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


def with_far_cell(src: Path, dst: Path, sheet: str, ref: str = "XFD1048576",
                  text: str = "oops") -> Path:
    """One entry typed in the sheet's last cell (Ctrl+End, a slip in the Name Box)."""
    import re

    row = int(re.sub(r"\D", "", ref))
    cell = (f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
            ).encode()

    def change(xml: bytes) -> bytes:
        if b"</sheetData>" in xml:
            return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)
        return xml.replace(b"<sheetData/>", b"<sheetData>" + cell + b"</sheetData>", 1)

    return rewrite_part(src, dst, sheet_part_of(src, sheet), change)


def with_claimed_dimension(src: Path, dst: Path, sheet: str,
                           ref: str = "A1:XFD1048576") -> Path:
    """The sheet's <dimension> claims the whole grid; its cells are as they were."""
    import re

    def change(xml: bytes) -> bytes:
        tag = f'<dimension ref="{ref}"/>'.encode()
        if re.search(rb"<dimension\b[^>]*/>", xml):
            return re.sub(rb"<dimension\b[^>]*/>", tag, xml, count=1)
        return re.sub(rb"(<sheetData)", tag + rb"\1", xml, count=1)

    return rewrite_part(src, dst, sheet_part_of(src, sheet), change)


def with_lying_deflate(src: Path, dst: Path, sheet: str, pad_mib: int = 512) -> Path:
    """The sheet's part padded inside <sheetData> with `pad_mib` MiB of spaces (a deflate stream
    of a few hundred KiB), while its zip headers declare the unpadded size and CRC: a reader
    that trusts the header and inflates on is flooded."""
    import struct
    import zipfile
    import zlib

    part = sheet_part_of(src, sheet)
    with zipfile.ZipFile(src) as zin:
        original = zin.read(part)
        others = [(i.filename, zin.read(i)) for i in zin.infolist() if i.filename != part]
    head, _, tail = original.partition(b"<sheetData>")
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = [squeeze.compress(head + b"<sheetData>")]
    spaces = b" " * (1 << 20)
    raw += [squeeze.compress(spaces) for _ in range(pad_mib)]
    raw += [squeeze.compress(tail), squeeze.flush()]
    data = b"".join(raw)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in others:
            zout.writestr(name, content)
    body = dst.read_bytes()
    end = body.rfind(b"PK\x05\x06")
    entries = struct.unpack("<H", body[end + 10:end + 12])[0]
    directory_size, directory_at = struct.unpack("<II", body[end + 12:end + 20])
    directory = body[directory_at:directory_at + directory_size]
    body = body[:directory_at]
    name = part.encode()
    crc, size = zlib.crc32(original), len(original)
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x5C21, crc, len(data),
                        size, len(name), 0) + name
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5C21, crc,
                          len(data), size, len(name), 0, 0, 0, 0, 0, len(body)) + name
    body += local + data
    directory += central
    dst.write_bytes(body + directory + struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, entries + 1, entries + 1, len(directory), len(body),
        0))
    return dst


# Runs stocktake in the child: the address-space limit is set there, and the peak resident
# size is read from /proc/self/status (VmHWM, the high-water mark of this program's own memory;
# rusage's ru_maxrss would count the pages of the pytest process the child was forked from).
_BOUNDED_CHILD = """
import atexit, os, resource, sys
cap = int(os.environ["STOCKTAKE_TEST_MEMORY_CAP"])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
def _peak():
    with open("/proc/self/status") as status:
        kib = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    # And the largest of its own children (a merge's readers and its rows writer), each its own
    # program's peak: they run beside this one, so a figure per process is what a limit meets.
    kib = max(kib, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    with open(os.environ["STOCKTAKE_TEST_PEAK_FILE"], "w") as out:
        out.write(str(kib // 1024))
atexit.register(_peak)
sys.argv = ["stocktake", *sys.argv[1:]]
from stocktake.cli.main import run
run()
"""


def run_bounded(args: list, *, env: dict | None = None, cwd: Path | None = None,
                memory_mib: int = 2048, timeout: float = 300):
    """Run `stocktake ARGS` in a child process limited to `memory_mib` of address space (so a
    regression fails here instead of taking the machine down); returns (exit code, stdout,
    stderr, the child's own peak resident MiB, or None when it died before saying)."""
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        child_env = dict(os.environ if env is None else env)
        child_env.update(STOCKTAKE_TEST_MEMORY_CAP=str(memory_mib * 1024 * 1024),
                         STOCKTAKE_TEST_PEAK_FILE=str(peak_file))
        try:
            done = subprocess.run([sys.executable, "-c", _BOUNDED_CHILD, *map(str, args)],
                                  capture_output=True, env=child_env, cwd=cwd,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            return (-9, (exc.stdout or b"").decode("utf-8", "replace"),
                    (exc.stderr or b"").decode("utf-8", "replace") + "\n(timed out)", None)
        peak = int(peak_file.read_text()) if peak_file.exists() else None
        return (done.returncode, done.stdout.decode("utf-8", "replace"),
                done.stderr.decode("utf-8", "replace"), peak)


# ---------------------------------------------------------------- many returns, cheaply


class ReAimer:
    """Copies of one real export re-aimed at other authorities, at the cost of a zip rewrite:
    the export's code and name are replaced in every part's text and its plain seal is worked
    out anew from the rows read once, as a partnership that exported its own answers would
    have it. 150 copies take a second or two, where 150 exports take a minute."""

    def __init__(self, export: Path, bank):
        from stocktake.national.reading import _records
        from stocktake.returns.about import about_values
        from stocktake.returns.seal import (ANSWER_FIELDS, MODERATION_FIELDS, RESPONSE_FIELDS,
                                            canonical_answer_lists, canonical_lists,
                                            canonical_rows)
        from stocktake.returns.workbook_reader import read_sheets

        self.export = Path(export)
        sheets = read_sheets(self.export, ["About", "Answers", "_responses"],
                             optional=["_moderations"], empty_as_none=False)
        about = about_values(sheets["About"])
        self.code = str(about["partnership"])
        self.name = str(about.get("partnership_name") or "")
        self.seal = str(about["seal"])
        self.header = canonical_rows("header", [about])[0]
        with_age = "age_band" in [str(h).strip() for h in sheets["_responses"][0]]
        self.responses = canonical_lists("responses", _records(
            self.export, sheets["_responses"],
            RESPONSE_FIELDS if with_age else RESPONSE_FIELDS[:-1], "r"))
        self.answers = canonical_answer_lists(_records(self.export, sheets["Answers"],
                                                       ANSWER_FIELDS, "a"), bank)
        self.moderations = canonical_lists("moderations", _records(
            self.export, sheets.get("_moderations") or [list(MODERATION_FIELDS)],
            MODERATION_FIELDS, "m"))
        with zipfile_open(self.export) as archive:
            self.parts = [(i.filename, archive.read(i)) for i in archive.infolist()]

    def copy(self, code: str, name: str, out: Path) -> Path:
        import zipfile

        from stocktake.returns.seal import HEADER_FIELDS, seal_of

        at = HEADER_FIELDS.index("partnership")
        header = list(self.header)
        header[at] = code

        def aimed(rows):
            return [[code if i == 0 and v == self.code else v for i, v in enumerate(row)]
                    for row in rows]

        seal = seal_of(header, aimed(self.responses), aimed(self.answers),
                       aimed(self.moderations))
        from xml.sax.saxutils import escape

        swaps = [(self.code.encode(), code.encode()), (self.seal.encode(), seal.encode())]
        if self.name:
            swaps.append((escape(self.name).encode(), escape(name).encode()))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for filename, data in self.parts:
                for old, new in swaps:
                    data = data.replace(old, new)
                archive.writestr(filename, data)
        return out


def zipfile_open(path: Path):
    import zipfile

    return zipfile.ZipFile(path)


# ---------------------------------------------------------------- workbooks no reader may open

# Nine nested entities, each ten of the one before: a billion "lol"s if a parser expands them.
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE worksheet [\n'
    ' <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
              for i in range(1, 10))
    + ']>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    '</worksheet>')


def real_workbook(path: Path) -> Path:
    """A plain one-sheet workbook saved by openpyxl at `path` (Camden, 3 in its first row)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Camden"
    wb.active["B1"] = 3
    wb.save(path)
    return path


def replace_part(source: Path, target: Path, part: str, data: bytes | str,
                 extra: dict[str, bytes] | None = None) -> Path:
    """A copy of a real workbook with one part's bytes replaced (and extra parts added)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, data if item.filename == part else src.read(item.filename))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return target


def billion_laughs_workbook(tmp_path: Path) -> Path:
    """tmp_path/laughs.xlsx: a real workbook whose sheet is BILLION_LAUGHS."""
    return replace_part(real_workbook(tmp_path / "plain.xlsx"), tmp_path / "laughs.xlsx",
                        "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


def zip_bomb_workbook(path: Path) -> Path:
    """1 GiB of zeros in one part, streamed in 1 MiB chunks: about 1 MiB on disk, 3 s to build."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = bytes(1024 * 1024)
            for _ in range(1024):
                part.write(chunk)
    return path
