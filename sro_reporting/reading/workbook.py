"""Reading a workbook's first sheet safely and fast: calamine where it serves, openpyxl where it cannot.

A workbook is a zip of XML files, so before any reader sees it the archive is checked: its
members, their unpacked size (in total and against the packed size: a zip bomb unpacks a
thousand times over) and the sheet's extent. A sheet is read as a grid from A1 to its last
cell; a sparse one (a stray cell in column XFD or row 1,048,576) would make that grid huge, so
its cells are first moved together (the empty rows and columns between them taken out), with
each row's and column's place in the sheet kept for line numbers and headers.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

MAX_EXPANDED = 512 << 20  # bytes a workbook may unpack to, as inflated (not as its zip headers declare)
MAX_RATIO = 100  # unpacked bytes per packed byte (workbooks pack 5-20 to 1; a zip bomb about 1,000)
SLACK = 16 << 20  # unpacked bytes allowed whatever the ratio (a small workbook's styles and themes)
MAX_CELLS = 4_000_000  # cells of the grid read (rows x columns): read within about 1 GiB (a cell costs ~200 bytes)
SPARSE = 4  # a grid this many times the cells it holds (and over `DENSE_ENOUGH`) is moved together first
DENSE_ENOUGH = 1_000_000
MAX_XML = 1 << 20  # bytes of the workbook's own index files (workbook.xml and its relations)
HEAD = 1 << 16  # bytes at the top of a sheet whose cell references give its width
_R = rb"r\s*=\s*[\"']"  # a reference attribute, as XML may write it
_CELL = re.compile(rb"(<(?:\w+:)?c\b[^>]*?\s" + _R + rb")([A-Z]{1,3})([0-9]{1,7})([\"'])")
_ROW = re.compile(rb"(<(?:\w+:)?row\b[^>]*?\s" + _R + rb")([0-9]{1,7})([\"'])")
_ROW_NUMBER = re.compile(rb"row\b[^>]*?\s" + _R + rb"([0-9]{1,7})")  # starts with a word: found fast
_PAST_AZ = re.compile(_R + rb"(?:[A-Z]{3}|[B-Z][A-Z])[0-9]")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_DROPPED = re.compile(rb"<(?:\w+:)?(dimension|mergeCells|conditionalFormatting|dataValidations|hyperlinks)\b"
                      rb"(?:[^>]*/>|.*?</(?:\w+:)?\1>)", re.DOTALL)
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Sheet:
    """A sheet read as a grid: its rows of values, each row's number (1-based) and each column's index (0-based)."""

    rows: list[list[object]]
    row_numbers: list[int]
    column_indexes: list[int]


def column_index(letters: bytes) -> int:
    """Return the 0-based index of a column's letters.

    >>> column_index(b"A"), column_index(b"XFD")
    (0, 16383)
    """
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def column_letters(index: int) -> bytes:
    """Return the letters of a 0-based column index.

    >>> column_letters(0), column_letters(16383)
    (b'A', b'XFD')
    """
    letters = b""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters


def _checked(data: bytes) -> zipfile.ZipFile:
    """Open the archive; raise ValueError where it is damaged or would unpack to too much."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ValueError("not a workbook (.xlsx): the file is not a zip archive, or it is cut short") from exc
    limit = min(MAX_EXPANDED, MAX_RATIO * len(data) + SLACK)
    declared = sum(i.file_size for i in archive.infolist())
    if declared > limit:
        raise ValueError(f"workbook unpacks to {declared:,} bytes from {len(data):,}; refused as a zip bomb "
                         "(save the sheet as CSV if it is real)")
    for info in archive.infolist():
        _inflate_check(data, info)
    return archive


def _inflate_check(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate one member as any reader would (its packed bytes to the end of their stream), counting what comes
    out; raise ValueError where that is more than its header declares, or its stream or checksum is damaged.

    A reader other than zipfile (calamine) may trust the stream over the header: so the bytes a workbook can
    unpack to are bounded by what it really inflates to, not by what its headers say.
    """
    name = info.filename
    header = data[info.header_offset:info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ValueError(f"workbook is damaged: part {name} is missing or cut short")
    start = info.header_offset + 30 + sum(struct.unpack("<HH", header[26:30]))
    packed = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        out, crc, done = len(packed), zlib.crc32(packed), len(packed) == info.compress_size
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater, out, crc = zlib.decompressobj(-zlib.MAX_WBITS), 0, 0
        try:
            for at in range(0, len(packed), 1 << 16):
                piece = inflater.decompress(packed[at:at + (1 << 16)], info.file_size + 1 - out)
                while True:
                    out, crc = out + len(piece), zlib.crc32(piece, crc)
                    if out > info.file_size:
                        raise ValueError(f"workbook part {name} unpacks to more than its header declares "
                                         f"({info.file_size:,} bytes); refused as a zip bomb")
                    if not inflater.unconsumed_tail:
                        break
                    piece = inflater.decompress(inflater.unconsumed_tail, info.file_size + 1 - out)
        except zlib.error as exc:
            raise ValueError(f"workbook is damaged: part {name} cannot be unpacked ({exc})") from exc
        done = inflater.eof
    else:
        raise ValueError(f"workbook part {name} uses a compression other than deflate; save it again from Excel")
    if not done or out != info.file_size:
        raise ValueError(f"workbook is damaged: part {name} is cut short")
    if crc != info.CRC:
        raise ValueError(f"workbook is damaged: part {name} fails its checksum (bad CRC)")


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Return a member's bytes, read no further than `limit` (zipfile stops at the declared size)."""
    try:
        with archive.open(name) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ValueError(f"workbook is damaged: part {name} cannot be unpacked ({exc})") from exc
    if len(data) > limit:
        raise ValueError(f"workbook part {name} is larger than expected")
    return data


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """Return the archive name of the workbook's first sheet."""
    try:
        book = ElementTree.fromstring(_member(archive, "xl/workbook.xml", MAX_XML))
        rels = ElementTree.fromstring(_member(archive, "xl/_rels/workbook.xml.rels", MAX_XML))
    except (KeyError, ElementTree.ParseError) as exc:
        raise ValueError("not a workbook (.xlsx): its index is missing or damaged") from exc
    first = next((e for e in book.iter() if e.tag.endswith("}sheet")), None)
    target = next((r.get("Target", "") for r in rels if first is not None and r.get("Id") == first.get(_REL)), "")
    if not target:
        raise ValueError("workbook has no sheet")
    name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    if name not in archive.namelist():
        raise ValueError(f"workbook's first sheet {name} is missing")
    return name


@dataclass(frozen=True)
class Extent:
    """A sheet's size from its XML: the grid from A1 to its last cell, and the cells it holds."""

    height: int
    width: int
    cells: int

    @property
    def sparse(self) -> bool:
        """Return whether the grid is mostly empty, and large."""
        return self.height * self.width > max(SPARSE * self.cells, DENSE_ENOUGH)


def _extent(xml: bytes) -> Extent:
    """Return a sheet's extent: from its rows and top rows where no cell is past column AZ or below the
    rows listed (a regular export, found in a few passes over the text), else from every cell."""
    rows = [int(r) for r in _ROW_NUMBER.findall(xml)]
    height = max(rows, default=0)
    deeper = re.compile(_R + rb"[A-Z]{1,3}[0-9]{%d}" % (len(str(height)) + 1))
    if rows and not _PAST_AZ.search(xml) and not deeper.search(xml):
        width = max((column_index(m.group(2)) + 1 for m in _CELL.finditer(xml[:HEAD])), default=1)
        return Extent(height, width, len(rows) * width)
    refs = [(column_index(m.group(2)), int(m.group(3))) for m in _CELL.finditer(xml)]
    return Extent(max([height, *(r for _, r in refs)]), max((c + 1 for c, _ in refs), default=1),
                  len(_ANY_CELL.findall(xml)))


def _compacted(archive: zipfile.ZipFile, sheet: str, xml: bytes) -> tuple[bytes, list[int], list[int]]:
    """Return the workbook with the sheet's cells moved together, each new row's number and column's index."""
    refs = [(column_index(m.group(2)), int(m.group(3))) for m in _CELL.finditer(xml)]
    if len(refs) < len(_ANY_CELL.findall(xml)):
        raise ValueError("sheet is sparse and some cells lack a reference; save the sheet as CSV")
    rows = sorted({int(m.group(2)) for m in _ROW.finditer(xml)} | {r for _, r in refs})
    columns = sorted({c for c, _ in refs})
    row_to, column_to = {r: i + 1 for i, r in enumerate(rows)}, {c: column_letters(i) for i, c in enumerate(columns)}
    xml = _DROPPED.sub(b"", xml)
    xml = _CELL.sub(lambda m: m.group(1) + column_to[column_index(m.group(2))] + str(row_to[int(m.group(3))]).encode()
                    + m.group(4), xml)
    xml = _ROW.sub(lambda m: m.group(1) + str(row_to[int(m.group(2))]).encode() + m.group(3), xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as packed:
        for info in archive.infolist():
            packed.writestr(info.filename, xml if info.filename == sheet else archive.read(info.filename))
    return out.getvalue(), rows, columns


def _calamine(data: bytes) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def _openpyxl(data: bytes) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def read_first_sheet(data: bytes) -> Sheet:
    """Return the first sheet of a workbook's bytes; raise ValueError with the reason where it cannot be read."""
    archive = _checked(data)
    sheet = _first_sheet(archive)
    xml = _member(archive, sheet, MAX_EXPANDED)
    extent = _extent(xml)
    rows, columns = None, None
    if extent.sparse:
        data, rows, columns = _compacted(archive, sheet, xml)
    del xml
    if (len(rows) * len(columns) if rows else extent.height * extent.width) > MAX_CELLS:
        raise ValueError(f"sheet holds more than {MAX_CELLS:,} cells; save it as CSV")
    try:
        grid = _calamine(data)
    except Exception:  # noqa: BLE001 - calamine refuses a workbook it cannot parse: openpyxl may
        try:
            grid = _openpyxl(data)
        except Exception as exc:  # neither can: a damaged or unusual workbook
            raise ValueError(f"workbook cannot be read ({type(exc).__name__}: {exc})") from exc
    width = max((len(r) for r in grid), default=0)
    return Sheet(grid, rows or list(range(1, len(grid) + 1)), columns or list(range(width)))
