"""Hostile xlsx files, built on the fly from a real monthly template (never committed).

Each builder takes the bytes of a template written by `indicators.excel.template_workbook` and
returns the bytes of an upload. The large ones are made without ever holding what they expand
to: the sheet's filler is deflated once as a block after a full flush, and the same block is
repeated, with the CRC-32 of the repeated data computed by zlib's crc32_combine algorithm.
Used by tests/indicators/test_excel_limits.py and by bench/run.py.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

SHEET_PART = "xl/worksheets/sheet1.xml"  # openpyxl writes the first sheet (月报) here


@dataclass
class Part:
    name: str
    data: bytes  # raw deflate stream (method 8) or the stored bytes (method 0)
    crc: int
    size: int  # uncompressed
    method: int = zipfile.ZIP_DEFLATED
    declared: int | None = None  # the uncompressed size the directory states, if not `size`


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, index = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeated(chunk: bytes, times: int) -> int:
    """CRC-32 of chunk * times, by doubling."""
    result, result_len = 0, 0
    power, power_len = zlib.crc32(chunk), len(chunk)
    while times:
        if times & 1:
            result = crc32_combine(result, power, power_len) if result_len else power
            result_len += power_len
        times >>= 1
        if times:
            power = crc32_combine(power, power, power_len)
            power_len *= 2
    return result


def repeated_part(name: str, prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> Part:
    """A deflated part of prefix + chunk * times + suffix, built in a few milliseconds."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush must make the chunk's block repeatable"
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    crc = crc32_combine(crc, _crc_repeated(chunk, times), len(chunk) * times)
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    data = head + block * times + tail
    return Part(name, data, crc, len(prefix) + len(chunk) * times + len(suffix))


def plain_part(name: str, content: bytes, method: int = zipfile.ZIP_DEFLATED) -> Part:
    if method == zipfile.ZIP_STORED:
        return Part(name, content, zlib.crc32(content), len(content), method)
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Part(name, data, zlib.crc32(content), len(content))


def write_zip(parts: list[Part]) -> bytes:
    """A plain zip archive (no zip64) of already compressed parts."""
    out = io.BytesIO()
    central = []
    for part in parts:
        name = part.name.encode()
        offset = out.tell()
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0x800,
            part.method,
            0,
            0x21,
            part.crc,
            len(part.data),
            part.size if part.declared is None else part.declared,
            len(name),
            0,
        )
        out.write(header + name + part.data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0x800,
                part.method,
                0,
                0x21,
                part.crc,
                len(part.data),
                part.size if part.declared is None else part.declared,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), start, 0)
    )
    return out.getvalue()


def template_parts(template: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rebuild(template: bytes, replace: dict[str, Part | bytes]) -> bytes:
    """The template with some parts replaced or added (bytes are deflated as they are)."""
    parts = template_parts(template)
    names = list(parts) + [name for name in replace if name not in parts]
    out = []
    for name in names:
        new = replace.get(name, parts.get(name))
        out.append(new if isinstance(new, Part) else plain_part(name, new))
    return write_zip(out)


def _split_sheet(template: bytes) -> tuple[bytes, bytes]:
    """The 月报 sheet's XML cut after its last row: (up to there, the rest)."""
    xml = template_parts(template)[SHEET_PART]
    cut = xml.index(b"</sheetData>")
    return xml[:cut], xml[cut:]


def _last_row(head: bytes) -> int:
    return max(int(n) for n in re.findall(rb'<row r="(\d+)"', head))


# --- the hostile files -------------------------------------------------------------------


def expansion_bomb(template: bytes, expanded: int = 1_500_000_000) -> bytes:
    """About 1.6 MB that inflates to `expanded` bytes: empty rows (with blank space between
    them) after the template's own rows."""
    head, rest = _split_sheet(template)
    chunk = (b"<row/>" + b" " * 30000) * 200
    part = repeated_part(SHEET_PART, head, chunk, max(1, expanded // len(chunk)), rest)
    return rebuild(template, {SHEET_PART: part})


def many_rows(template: bytes, rows: int = 13_000_000) -> bytes:
    """`rows` rows of one number each after the template's rows (a few hundred KB)."""
    head, rest = _split_sheet(template)
    row = b"<row><c><v>1</v></c></row>"
    per_chunk = 100_000
    part = repeated_part(SHEET_PART, head, row * per_chunk, max(1, rows // per_chunk), rest)
    return rebuild(template, {SHEET_PART: part})


def unknown_codes(template: bytes, count: int = 60_000) -> bytes:
    """`count` rows of indicator codes that do not exist, after the template's rows."""
    head, rest = _split_sheet(template)
    first = _last_row(head) + 1
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>no_such_%d</t></is></c>'
        b'<c r="E%d"><v>%d</v></c></row>' % (n, n, n, n, n)
        for n in range(first, first + count)
    )
    return rebuild(template, {SHEET_PART: head + rows + rest})


def formatted_cell_at_last_row(template: bytes, text: str = "") -> bytes:
    """One empty cell at G1048576 with a style, as after formatting a whole column; the
    declared dimension says A1:G1048576. With `text`, the cell holds it."""
    head, rest = _split_sheet(template)
    head = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:G1048576"/>', head)
    cell = b'<row r="1048576"><c r="G1048576" s="1"/></row>'
    if text:
        cell = (
            b'<row r="1048576"><c r="G1048576" t="inlineStr"><is><t>%s</t></is></c></row>'
            % text.encode()
        )
    return rebuild(template, {SHEET_PART: head + cell + rest})


def wide_row(template: bytes, cells: int, row: int = 4) -> bytes:
    """An indicator row that goes on for `cells` empty cells (inside the read area)."""
    xml = template_parts(template)[SHEET_PART]
    start = xml.index(b'<row r="%d"' % row)
    end = xml.index(b"</row>", start)
    return rebuild(template, {SHEET_PART: xml[:end] + b"<c/>" * cells + xml[end:]})


def shared_strings(template: bytes, count: int) -> bytes:
    """A shared-string table of `count` short strings (Excel keeps text there)."""
    parts = template_parts(template)
    body = b"".join(b"<si><t>%d</t></si>" % n for n in range(count))
    table = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
        b'uniqueCount="%d">%s</sst>' % (count, count, body)
    )
    types = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return rebuild(template, {"[Content_Types].xml": types, "xl/sharedStrings.xml": table})


def styles(template: bytes, count: int) -> bytes:
    """A style sheet of `count` cell formats (bloated styles.xml, as old workbooks have)."""
    xml = template_parts(template)["xl/styles.xml"]
    start = xml.index(b"<cellXfs")
    end = xml.index(b"</cellXfs>") + len(b"</cellXfs>")
    xfs = b'<cellXfs count="%d">%s</cellXfs>' % (
        count,
        b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * count,
    )
    return rebuild(template, {"xl/styles.xml": xml[:start] + xfs + xml[end:]})


def many_parts(template: bytes, count: int) -> bytes:
    """The template with `count` extra small parts."""
    return rebuild(
        template,
        {
            f"customXml/item{n}.xml": plain_part(f"customXml/item{n}.xml", b"<a/>")
            for n in range(count)
        },
    )


def big_text(template: bytes, size: int) -> bytes:
    """A 情况说明 of `size` characters in the first indicator row."""
    xml = template_parts(template)[SHEET_PART]
    start = xml.index(b'<row r="4"')
    end = xml.index(b"</row>", start)
    cell = b'<c r="G4" t="inlineStr"><is><t>%s</t></is></c>' % (b"x" * size)
    row = re.sub(rb'<c r="G4"[^>]*?(/>|>.*?</c>)', b"", xml[start:end])
    return rebuild(template, {SHEET_PART: xml[:start] + row + cell + xml[end:]})


def formatted_rows(template: bytes, count: int) -> bytes:
    """`count` rows of empty cells that carry a style, after the template's rows (a region
    formatted with borders and never filled)."""
    head, rest = _split_sheet(template)
    first = _last_row(head) + 1
    rows = b"".join(
        b'<row r="%d"><c r="A%d" s="1"/><c r="G%d" s="1"/></row>' % (n, n, n)
        for n in range(first, first + count)
    )
    return rebuild(template, {SHEET_PART: head + rows + rest})


def worst_within_limits(
    template: bytes,
    counts: dict[str, int],
    *,
    sheet_elements: int,
    strings_elements: int,
    other_elements: int,
) -> bytes:
    """Everything at once, each just under its limit: a shared-string table, a style sheet, a
    月报 sheet padded with formatted empty rows, and a formatted cell at the last row (so that
    the whole gap up to row 1,048,576 is walked). `counts` are the template's own element
    counts per part (indicators.excel.check_archive); the limits are the reader's."""
    other = sum(n for name, n in counts.items() if not name.startswith("xl/worksheets/"))
    book = styles(template, max(0, other_elements - other - 10))
    book = shared_strings(book, max(0, (strings_elements - 10) // 2))
    room = sheet_elements - counts[SHEET_PART] - 10  # the last-row cell takes 2
    book = formatted_rows(book, max(0, room // 3))
    return formatted_cell_at_last_row(book)


def understated_size(template: bytes) -> bytes:
    """The 月报 sheet's directory entry states a tenth of its real uncompressed size."""
    xml = template_parts(template)[SHEET_PART]
    part = plain_part(SHEET_PART, xml)
    part.declared = len(xml) // 10
    return rebuild(template, {SHEET_PART: part})


def text_cell(template: bytes, cell: str, text: str) -> bytes:
    """Cell `cell` (e.g. "G4") of the first indicator row holding `text` as a string (never a
    formula, even when it starts with '=')."""
    xml = template_parts(template)[SHEET_PART]
    start = xml.index(b'<row r="4"')
    end = xml.index(b"</row>", start)
    row = re.sub(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % cell.encode(), b"", xml[start:end])
    new = b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (cell.encode(), text.encode())
    return rebuild(template, {SHEET_PART: xml[:start] + row + new + xml[end:]})


def entity_expansion(template: bytes, references: int = 2_000) -> bytes:
    """A DTD whose 10,000-character entity the 情况说明 cell repeats `references` times:
    20 MB of text from a few kilobytes of XML (the parser's own limit allows a hundredfold)."""
    xml = template_parts(template)[SHEET_PART]
    doctype = b'<!DOCTYPE worksheet [<!ENTITY a "%s">]>' % (b"x" * 10_000)
    start = xml.index(b'<row r="4"')
    end = xml.index(b"</row>", start)
    row = re.sub(rb'<c r="G4"[^>]*?(/>|>.*?</c>)', b"", xml[start:end])
    cell = b'<c r="G4" t="inlineStr"><is><t>%s</t></is></c>' % (b"&a;" * references)
    return rebuild(template, {SHEET_PART: doctype + xml[:start] + row + cell + xml[end:]})
