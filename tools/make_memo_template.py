"""Make config/memo.docx, the Word template of the follow-up memos, from scratch.

Staff edit config/memo.docx in Word (fonts, spacing, the words around the {{ tags }}); run
this only to start over from the layout below, which follows the seed's own memo and the
official memo format (บันทึกข้อความ): A4, margins 2 cm top and bottom, 3 cm left, 2 cm
right; TH SarabunPSK 16 pt, the heading 29 pt bold, the field labels 20 pt bold.

    .venv/bin/python tools/make_memo_template.py [OUT]     (default: config/memo.docx)

The tags are Jinja as docxtpl reads them (see render/memos.py for each value):
unit, phone, number, date, subject, addressee, opening, closing, signer_name,
signer_position (lines), show_agency, and items, one table row each ({%tr for %}) with
no, code, text, agency, due, days, todo (lines), qr (a picture) and link (a hyperlink,
written {{r item.link }}: docxtpl's tag for rich text).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "TH SarabunPSK"
BODY, LABEL, HEADING, TABLE = 16, 20, 29, 14
INDENT = Cm(2.5)  # the first line of a paragraph of the body
SIGN_INDENT = Cm(6.5)  # the signature block sits right of centre
WIDTHS = [Cm(1.0), Cm(5.3), Cm(2.3), Cm(2.2), Cm(5.2)]  # 16 cm: the text width
HEADERS = ["ที่", "ข้อสั่งการ", "กำหนดรายงาน", "เกินกำหนด (วัน)", "สิ่งที่ต้องดำเนินการ"]


def set_font(rpr_owner, size: float, bold: bool = False) -> None:
    """TH SarabunPSK in every script slot, the size for Thai (complex script) too."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    for tag, on in (("w:b", bold), ("w:bCs", bold)):
        if on:
            rpr.append(OxmlElement(tag))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(size * 2)))
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:bidi"), "th-TH")
    rpr.append(lang)


def add_run(paragraph, text: str, size: float = BODY, bold: bool = False):
    run = paragraph.add_run(text)
    set_font(run._r, size, bold)
    return run


def para(doc_or_cell, text: str = "", size: float = BODY, bold: bool = False,
         align=None, indent=None, first_line=None, before: float = 0):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(0), 1.0
    if align is not None:
        p.alignment = align
    if indent is not None:
        fmt.left_indent = indent
    if first_line is not None:
        fmt.first_line_indent = first_line
    if text:
        add_run(p, text, size, bold)
    return p


def labelled(doc, label: str, value: str, before: float = 0):
    """ส่วนราชการ / ที่ / เรื่อง: the label 20 pt bold, then the value."""
    p = para(doc, before=before)
    add_run(p, label, LABEL, bold=True)
    add_run(p, "  " + value)
    return p


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY)
    set_font(normal.element, BODY)
    normal.paragraph_format.space_after = Pt(0)


def head(doc) -> None:
    para(doc, "บันทึกข้อความ", HEADING, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    labelled(doc, "ส่วนราชการ", "{{ unit }} โทร. {{ phone }}", before=6)
    p = labelled(doc, "ที่", "{{ number }}")
    p.paragraph_format.tab_stops.add_tab_stop(Cm(8.0), WD_TAB_ALIGNMENT.LEFT)
    add_run(p, "\t")
    add_run(p, "วันที่", LABEL, bold=True)
    add_run(p, "  {{ date }}")
    labelled(doc, "เรื่อง", "{{ subject }}")
    p = para(doc, before=12)
    add_run(p, "เรียน", BODY)
    add_run(p, "  {{ addressee }}")
    p = para(doc, "{{ opening }}", align=WD_ALIGN_PARAGRAPH.THAI_JUSTIFY, first_line=INDENT,
             before=12)
    p.paragraph_format.space_after = Pt(6)


def cell_text(cell, lines: list[tuple[str, bool]]) -> None:
    """Replace a cell's empty first paragraph with ``lines`` (text, bold)."""
    cell._tc.remove(cell.paragraphs[0]._p)
    for text, bold in lines:
        para(cell, text, TABLE, bold=bold)


def table(doc) -> None:
    grid = doc.add_table(rows=4, cols=len(HEADERS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # Word keeps the column widths below
    for col, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), WIDTHS, strict=True):
        col.set(qn("w:w"), str(width.twips))
    for row in grid.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats on each page
    for cell, title in zip(header.cells, HEADERS, strict=True):
        cell_text(cell, [(title, True)])
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell_text(grid.rows[1].cells[0], [("{%tr for item in items %}", False)])
    cells = grid.rows[2].cells
    cell_text(cells[0], [("{{ item.no }}", False)])
    cell_text(cells[1], [("{%p if show_agency %}", False), ("{{ item.agency }}", True),
                         ("{%p endif %}", False), ("{{ item.code }}", True),
                         ("{{ item.text }}", False)])
    cell_text(cells[2], [("{{ item.due }}", False)])
    cell_text(cells[3], [("{{ item.days }}", False)])
    cell_text(cells[4], [("{%p for line in item.todo %}", False), ("{{ line }}", False),
                         ("{%p endfor %}", False), ("{%p if item.link %}", False),
                         ("{{ item.qr }}", False), ("{{r item.link }}", False),
                         ("{%p endif %}", False)])
    grid.rows[2]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays whole
    for cell in (cells[0], cells[2], cells[3]):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell_text(grid.rows[3].cells[0], [("{%tr endfor %}", False)])


def tail(doc) -> None:
    """The closing, then the signature block; kept on one page (keep with next)."""
    closing = para(doc, "{{ closing }}", align=WD_ALIGN_PARAGRAPH.THAI_JUSTIFY,
                   first_line=INDENT, before=12)
    spacers = [para(doc) for _ in range(3)]
    center = WD_ALIGN_PARAGRAPH.CENTER
    name = para(doc, "({{ signer_name }})", align=center, indent=SIGN_INDENT)
    for p in (closing, *spacers, name):
        p.paragraph_format.keep_with_next = True
    para(doc, "{%p for line in signer_position %}")
    para(doc, "{{ line }}", align=center, indent=SIGN_INDENT)
    para(doc, "{%p endfor %}")


def make(out: Path) -> Path:
    doc = Document()
    page_setup(doc)
    head(doc)
    table(doc)
    tail(doc)
    doc.core_properties.title = "บันทึกข้อความติดตามผลการดำเนินการตามข้อสั่งการ"
    doc.core_properties.author = "tidtam"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "config" / "memo.docx"
    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
