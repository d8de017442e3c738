"""The follow-up memos as files of the site (``tidtam build --memos``): ``memos/`` with each
memo's Word file and PDF, ``all.pdf`` to print them all and ``index.json``, the same files
``tidtam memos`` writes (render/memo_files.py), listed in the site map so they are carried
over when unchanged, published with the site and linked from the follow-up list.

PDFs are printed by one Chromium session, once, when the first of them is written; a
rebuild whose memos did not change carries every file over and starts no browser.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from tidtam.core.config import Config
from tidtam.core.model import Output
from tidtam.render import memo_docx as docx_module
from tidtam.render import memo_print as print_module
from tidtam.render.digest import bytes_hash, code_hash
from tidtam.render.memo_docx import TEMPLATE, memo_docx
from tidtam.render.memo_files import COMBINED, FOLDER, INDEX, memo_index
from tidtam.render.memo_print import print_memos
from tidtam.render.memos import Memo


class _Printed:
    """Every memo's PDF and the combined one, printed on first use."""

    def __init__(self, memos: Sequence[Memo], config: Config):
        self.memos, self.config = memos, config

    @functools.cached_property
    def files(self) -> tuple[list[bytes], bytes]:
        return print_memos(self.memos, self.config.taxonomy, lambda _m: None)


def _context_hash(memo: Memo) -> bytes:
    return json.dumps(memo.context, ensure_ascii=False, sort_keys=True,
                      default=str).encode("utf-8")


def memo_outputs(memos: Sequence[Memo], config: Config, as_of: str,
                 templates: Path) -> Iterator[Output]:
    """The files of ``memos/``: their digests cover each memo's content, the Word template,
    the memo page template and the code that renders them."""
    template = config.dir / TEMPLATE
    word = template.read_bytes() if template.is_file() else b""
    page = (templates / "memo.html").read_bytes()
    docx_code = code_hash(docx_module).encode()
    pdf_code = code_hash(print_module).encode()
    printed = _Printed(memos, config)
    for n, memo in enumerate(memos):
        content = _context_hash(memo)
        yield Output(f"{FOLDER}/{memo.file}.docx", bytes_hash(content, word, docx_code),
                     lambda path, m=memo: path.write_bytes(memo_docx(m, template)))
        yield Output(f"{FOLDER}/{memo.file}.pdf", bytes_hash(content, page, pdf_code),
                     lambda path, i=n: path.write_bytes(printed.files[0][i]))
    everything = bytes_hash(*(_context_hash(m) for m in memos), page, pdf_code)
    if memos:
        yield Output(f"{FOLDER}/{COMBINED}", everything,
                     lambda path: path.write_bytes(printed.files[1]))
    body = memo_index(memos, as_of)
    yield Output(f"{FOLDER}/{INDEX}", bytes_hash(body), lambda path: path.write_bytes(body))
