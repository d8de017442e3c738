"""A memo as a Word file: config/memo.docx filled in by docxtpl.

The template is Jinja inside Word's XML; autoescape is on, so text a person typed (a
directive, a reason quoting a cell) is written literally: ``{{ }}``, ``<`` and ``&`` are
characters, never tags or markup.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage, RichText

from tidtam.core.errors import ConfigError
from tidtam.render.formats import qr_code
from tidtam.render.memos import Memo

TEMPLATE = "memo.docx"
QR_SIZE = Cm(2.2)


def qr_png(link: str) -> bytes:
    """A QR code of ``link`` as PNG (for Word)."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def memo_docx(memo: Memo, template: Path) -> bytes:
    """``memo`` rendered through the Word template at ``template``."""
    if not template.is_file():
        raise ConfigError(template, "the memo template is missing; make it with "
                          "tools/make_memo_template.py or copy it from the project's config/")
    try:
        doc = DocxTemplate(str(template))
    except Exception as exc:  # a damaged file: zip or XML errors of many kinds
        raise ConfigError(template, f"is not a Word file docxtpl can read ({exc})") from None
    items = []
    for item in memo.context["items"]:
        extra = {"qr": "", "link": ""}
        if item["link"]:
            extra["qr"] = InlineImage(doc, io.BytesIO(qr_png(item["link"])), width=QR_SIZE)
            extra["link"] = RichText("ส่งรายงานผล", url_id=doc.build_url_id(item["link"]),
                                     color="0563C1", underline=True)
        items.append({**item, **extra})
    try:
        doc.render({**memo.context, "items": items}, autoescape=True)
    except Exception as exc:  # a tag staff mistyped in Word
        raise ConfigError(template, f"a tag in the memo template does not work ({exc}); "
                          "fix it in Word or remake the template") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
