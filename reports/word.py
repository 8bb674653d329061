"""The briefing as a Word document (python-docx), with the same content as the printable page.

A4 portrait; headings in 黑体, text in 仿宋, the table in 宋体: each set as the East Asian
font (w:eastAsia) so that Word shows the Chinese in it rather than in a Latin fallback.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle

from indicators import glossary
from reports.briefing import demo_notice, table_headers, table_note
from reports.selectors import Briefing

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LATIN_FONT = "Times New Roman"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
PAGE_MARGIN = Mm(20)
# 经济指标完成情况表 column widths in mm: 170 mm, the page width inside the margins.
TABLE_WIDTHS = (27, 9, 13, 14, 17, 13, 12, 13, 14, 18, 20)


def _set_font(style: BaseStyle, east_asian: str, size: float, *, bold: bool = False) -> None:
    style.font.name = LATIN_FONT  # type: ignore[attr-defined]
    style.font.size = Pt(size)  # type: ignore[attr-defined]
    style.font.bold = bold  # type: ignore[attr-defined]
    style.font.color.rgb = RGBColor(0, 0, 0)  # type: ignore[attr-defined]
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the named one
    fonts.set(qn("w:eastAsia"), east_asian)


def _new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, PAGE_MARGIN)
    styles = document.styles
    _set_font(styles["Normal"], BODY_FONT, 14)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.3
    _set_font(styles["Title"], TITLE_FONT, 20, bold=True)
    _set_font(styles["Heading 1"], HEADING_FONT, 15)
    _set_font(styles["Heading 2"], HEADING_FONT, 12)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].paragraph_format.space_before = Pt(8)
        styles[name].paragraph_format.space_after = Pt(6)
    # The Title style draws a rule under itself in the default template; a briefing has none.
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    return document


# XML 1.0 has no place for most control characters (a vertical tab is Word's manual line
# break and comes with pasted text); lxml refuses them, so they become spaces.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _body(document: DocumentObject, text: str, *, indent: bool = True) -> None:
    paragraph = document.add_paragraph(xml_safe(text))
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)  # two characters


def _note(document: DocumentObject, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(xml_safe(text))
    run.font.size = Pt(10.5)


def _cell_text(cell, text: str, *, bold: bool = False, align=None) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(xml_safe(text))
    run.font.size = Pt(9)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), TABLE_FONT)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _indicator_table(document: DocumentObject, briefing: Briefing) -> None:
    headers = table_headers()
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _repeat_header(table.rows[0])
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for line in briefing.table:
        cells = table.add_row().cells
        values = [
            (line.indicator, None),
            (line.unit, None),
            (line.value, right),
            (line.growth, right),
            (line.target, None),
            (line.completion, right),
            (line.time_progress, right),
            (line.gap, right),
            (line.status, None),
            (line.office, None),
            (line.remarks, None),
        ]
        for cell, (text, align) in zip(cells, values, strict=True):
            _cell_text(cell, text, align=align)
    for column, width in zip(table.columns, TABLE_WIDTHS, strict=True):
        for cell in column.cells:
            cell.width = Mm(width)


def document_bytes(briefing: Briefing) -> bytes:
    document = _new_document()
    document.core_properties.title = briefing.title
    document.core_properties.language = "zh-CN"
    document.add_heading(briefing.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(
        _("数据期间：%(period)s　时序进度：%(progress)s%%　生成日期：%(today)s")
        % {
            "period": briefing.period_label,
            "progress": glossary.two_places(briefing.time_progress),
            "today": briefing.generated_on,
        }
    )
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.runs[0].font.size = Pt(10.5)
    if briefing.has_demo:
        _note(document, demo_notice())

    document.add_heading(_("一、经济运行情况"), level=1)
    _body(document, briefing.paragraph)
    document.add_heading(briefing.table_title, level=2)
    _indicator_table(document, briefing)
    _note(document, table_note())

    demo = _("（演示数据）")
    document.add_heading(_("二、重点项目滞后情况"), level=1)
    _body(document, briefing.projects_summary)
    for n, delay in enumerate(briefing.project_delays, start=1):
        _body(document, f"{n}. {delay.line}" + (demo if delay.is_demo else ""))

    document.add_heading(_("三、工作任务滞后情况"), level=1)
    _body(document, briefing.tasks_summary)
    for n, task_delay in enumerate(briefing.task_delays, start=1):
        _body(document, f"{n}. {task_delay.line}" + (demo if task_delay.is_demo else ""))

    document.add_heading(_("四、督办事项"), level=1)
    _body(document, briefing.items_summary)
    for n, entry in enumerate(briefing.open_items, start=1):
        overdue = _("【已逾期】") if entry.overdue else ""
        _body(document, f"{n}. {overdue}{entry.line}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(briefing: Briefing) -> str:
    return f"{briefing.title}.docx"


def docx_response(briefing: Briefing) -> HttpResponse:
    response = HttpResponse(document_bytes(briefing), content_type=CONTENT_TYPE)
    ascii_name = f"briefing-{briefing.period_value}.docx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename(briefing))}"
    )
    return response
