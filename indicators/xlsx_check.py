"""What an uploaded xlsx expands to, checked before any of its XML is parsed.

A small upload can be a large workbook: a 1.5 MB file may inflate to 1.5 GB, and openpyxl's
cost grows with the XML elements it meets, whatever their size. `check_archive` reads only the
zip directory and then streams each part once through zlib (a chunk at a time, counting bytes),
so that a file is refused for its parts, their sizes, their compression ratio or their element
counts before openpyxl sees it. What the sheets may hold beyond that is indicators/excel.py's.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

# An office's template is a few dozen rows: about 20 XML elements a row, 60 KB. openpyxl spends
# some 15 µs on each element of a sheet, 7 µs on a shared string's and up to 70 µs on a style's,
# so the element counts below keep the slowest file within the limits near one second.
MAX_PARTS = 100  # files inside the xlsx (a template has 10)
MAX_PART_BYTES = 20 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 30 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 100  # uncompressed ÷ compressed, for a part over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_SHEET_ELEMENTS = 250_000  # one worksheet (the 月报 sheet has a tighter limit: excel.py)
MAX_STRINGS_ELEMENTS = 30_000  # the shared-string table (two elements a string)
MAX_OTHER_ELEMENTS = 5_000  # every other part together: styles, workbook, relations …
MAX_TOTAL_ELEMENTS = 300_000
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def too_big() -> str:
    return _("文件内容过于庞大（单元格、文字或格式过多），不是本系统的模板，未读取。")


class ArchiveRefused(Exception):
    """The file is refused for what it would expand to; `message` says so in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_archive(data: bytes) -> dict[str, int]:
    """Refuse an xlsx by what it would expand to, before any of its XML is parsed; return the
    number of XML elements in each part.

    The zip directory gives each part's sizes; zipfile never inflates a part past the size
    its directory entry states (and then fails its CRC), so those sizes bound what is read.
    Each part is then inflated once, a chunk at a time, to count its XML elements (the
    parser's time and memory grow with them) and to find merged cells."""
    damaged = _("无法读取该Excel文件，文件可能已损坏。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRefused(damaged) from exc
    if len(parts) > MAX_PARTS:
        raise ArchiveRefused(
            _("文件中的部件过多（%(count)d个，最多%(limit)d个），不是本系统的模板，未读取。")
            % {"count": len(parts), "limit": MAX_PARTS}
        )
    total = 0
    for part in parts:
        total += part.file_size
        if part.flag_bits & 0x1:
            raise ArchiveRefused(_("文件已加密。请上传未加密的模板。"))
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRefused(damaged)
        if part.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            limit = MAX_PART_BYTES if part.file_size > MAX_PART_BYTES else MAX_TOTAL_BYTES
            raise ArchiveRefused(
                _("文件解压后过大（超过%(limit)dMB），不是本系统的模板，未读取。")
                % {"limit": limit // 2**20}
            )
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(1, part.compress_size):
            raise ArchiveRefused(
                _("文件压缩比异常（解压后是原来的%(ratio)d倍以上），不是本系统的模板，未读取。")
                % {"ratio": MAX_RATIO}
            )
    counts: dict[str, int] = {}
    merged: list[str] = []
    try:
        for part in parts:
            counts[part.filename] = _scan_part(archive, part, merged)
            if counts[part.filename] > MAX_SHEET_ELEMENTS:
                raise ArchiveRefused(too_big())
        kinds = _declared_kinds(archive, counts)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ET.ParseError) as exc:
        raise ArchiveRefused(damaged) from exc
    other = 0
    for name, count in counts.items():
        kind = kinds.get(name)
        if kind == {STRINGS_TYPE}:
            if count > MAX_STRINGS_ELEMENTS:
                raise ArchiveRefused(too_big())
        elif kind != {WORKSHEET_TYPE}:
            other += count
    if other > MAX_OTHER_ELEMENTS or sum(counts.values()) > MAX_TOTAL_ELEMENTS:
        raise ArchiveRefused(too_big())
    if merged:
        raise ArchiveRefused(
            _("表格中有合并单元格（%(cells)s），请使用原模板。") % {"cells": "、".join(merged[:3])}
        )
    return counts


MERGE_RE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref=[\"']([A-Za-z0-9:$]{1,40})[\"']")


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, merged: list[str]) -> int:
    """XML elements in one part (start tags: every '<' that is not '</'; comments and the
    declaration count too), and the first merged ranges of a sheet. A DTD refuses the file."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            # A '</' cut between two chunks counts as an element: one too many, harmless.
            count += chunk.count(b"<") - chunk.count(b"</")
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                # No part of an xlsx has a DTD; its entities would expand past every count here.
                raise ArchiveRefused(_("文件中含有文档类型定义（DTD），不是本系统的模板，未读取。"))
            if len(merged) < 3 and b"mergeCell" in tail + chunk:
                for match in MERGE_RE.finditer(tail + chunk):
                    ref = match.group(1).decode().replace("$", "")
                    if ref not in merged:
                        merged.append(ref)
            tail = chunk[-200:]
            if count > MAX_SHEET_ELEMENTS:
                break
    return count


def _declared_kinds(archive: zipfile.ZipFile, counts: dict[str, int]) -> dict[str, set[str]]:
    """Which content types [Content_Types].xml declares for each part (Override entries; the
    worksheets and the shared strings are always declared so). A part declared as two things
    is limited as neither."""
    name = "[Content_Types].xml"
    if counts.get(name, 0) > MAX_OTHER_ELEMENTS:
        raise ArchiveRefused(too_big())
    if name not in counts:
        return {}
    kinds: dict[str, set[str]] = {}
    for element in ET.fromstring(archive.read(name)):
        if element.tag.rsplit("}", 1)[-1] == "Override":
            part = element.get("PartName", "").lstrip("/")
            kinds.setdefault(part, set()).add(element.get("ContentType", ""))
    return kinds
