"""Word documents in the layout of a Chinese government annex, with python-docx: A4, 黑体 headings and table
headers, 仿宋 body, page numbers in the footer, header rows repeated on every page.

Chinese fonts must be set on the East Asian slot (``w:eastAsia``) as well as the Latin one, or Word falls back to
its default for the characters that matter.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HEI, FANGSONG = "黑体", "仿宋"


def font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), name)


def document(landscape: bool) -> Document:
    """A4 (landscape for a wide table) with government margins, 仿宋 as the body font and a page-number footer."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    section.left_margin = section.right_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FANGSONG, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    _page_numbers(section.footer.paragraphs[0])
    return doc


def _page_numbers(paragraph) -> None:
    """"— 1 —" in the footer, centred: a PAGE field Word and LibreOffice fill in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(paragraph.add_run("— "), FANGSONG, 12)
    run = paragraph.add_run()
    font(run, FANGSONG, 12)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    font(paragraph.add_run(" —"), FANGSONG, 12)


def line(doc: Document, text: str, name: str = FANGSONG, size: float = 12, bold: bool = False,
         center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(paragraph.add_run(text), name, size, bold)


def table(doc: Document, header: list[str], rows: list[list[str]], widths: list[float]) -> object:
    """A grid table: 黑体 header row repeated on each page, 仿宋 cells."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    t.rows[0]._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(cell.paragraphs[0].add_run(text), HEI, 11)
    for values in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            font(cell.paragraphs[0].add_run(str(text)), FANGSONG, 10.5)
    for i, width in enumerate(widths):
        for r in t.rows:
            r.cells[i].width = Cm(width)
    return t


def merge_runs(t, column: int) -> None:
    """Merge consecutive equal cells of a column down their rows (the annex's 重点任务), keeping one text."""
    start = 1
    rows = t.rows
    for i in range(2, len(rows) + 1):
        same = i < len(rows) and rows[i].cells[column].text == rows[start].cells[column].text
        if not same:
            if i - 1 > start:
                text = rows[start].cells[column].text
                merged = rows[start].cells[column].merge(rows[i - 1].cells[column])
                for paragraph in merged.paragraphs[1:]:
                    paragraph._element.getparent().remove(paragraph._element)
                merged.paragraphs[0].clear()
                font(merged.paragraphs[0].add_run(text), FANGSONG, 10.5)
            start = i


def to_bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
