"""Hostile and odd .xlsx input: sizes are bounded before and while parsing, the declared
dimension is never trusted, and a formula whose value was never saved is not read as empty.

Every file is built here from the sample workbook, in a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import AS_OF, SAMPLE

from tidtam.core.paths import DEFAULT_CONFIG_DIR
from tidtam.pipeline import build_from_source
from tidtam.sync.files import read_source

BOOK = SAMPLE / "tidtam-sample.xlsx"
RESPONSES = "xl/worksheets/sheet2.xml"   # the tab การตอบแบบฟอร์ม 1
REGISTER = "xl/worksheets/sheet1.xml"    # the tab ข้อสั่งการ


def rewrite(target: Path, parts: dict[str, bytes], source: Path = BOOK) -> Path:
    """A copy of ``source`` with some parts replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, parts.get(item.filename, old.read(item.filename)))
    return target


def part(name: str) -> str:
    with zipfile.ZipFile(BOOK) as book:
        return book.read(name).decode("utf-8")


# What a fresh process used: exit code, output, seconds and peak memory (MB).
DRIVER = """
import json, resource, sys, time
from click.testing import CliRunner
from tidtam.cli import cli
started = time.perf_counter()
out = CliRunner().invoke(cli, sys.argv[1:])
print(json.dumps({"code": out.exit_code, "output": out.output,
                  "seconds": time.perf_counter() - started,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_build(tmp_path: Path, source: Path, config: Path | None = None) -> dict:
    args = ["build", "--source", str(source), "--out", str(tmp_path / "site"),
            "--as-of", AS_OF.isoformat()]
    if config:
        args += ["--config", str(config)]
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", DRIVER, *args], capture_output=True,
                              text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {"code": None, "output": "timed out after 120 s", "seconds": 120, "mb": 0}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:  # the process itself failed: say how
        return {"code": done.returncode, "output": done.stderr[-3000:],
                "seconds": time.perf_counter() - started, "mb": 0}
    return json.loads(lines[-1])


def config_with(tmp_path: Path, **limits) -> Path:
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    settings = config / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    for key, value in limits.items():
        text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text)
    settings.write_text(text, encoding="utf-8")
    return config


def assert_refused(result: dict, limit: str):
    assert result["code"] == 3, result["output"]
    lines = [line for line in result["output"].splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and f"limits.{limit}" in lines[0], result["output"]
    assert "Traceback" not in result["output"]
    assert result["seconds"] < 20
    assert result["mb"] < 1024


# --- row 6: sizes ----------------------------------------------------------------------------

@pytest.mark.parametrize("declared", ["A1:XFD1048576", "A1:M10"])
def test_a_declared_dimension_is_never_trusted(tmp_path, config, declared):
    """Neither a huge one (rows padded to 16,384 columns) nor a stale small one (rows
    below it silently dropped)."""
    xml = part(RESPONSES).replace('<dimension ref="A1:M998" />',
                                  f'<dimension ref="{declared}" />')
    book = rewrite(tmp_path / "book.xlsx", {RESPONSES: xml.encode("utf-8")})
    result = run_build(tmp_path, book)
    assert result["code"] == 0, result["output"]
    assert result["seconds"] < 30 and result["mb"] < 1024
    lying = read_source(book, config)["responses"]
    honest = read_source(BOOK, config)["responses"]
    assert (lying.header, lying.rows) == (honest.header, honest.rows)


def test_cells_far_apart_stop_the_read_naming_the_limit(tmp_path):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = part(RESPONSES).replace("</sheetData>", far + "</sheetData>")
    book = rewrite(tmp_path / "book.xlsx", {RESPONSES: xml.encode("utf-8")})
    result = run_build(tmp_path, book)
    assert_refused(result, "max_cells")
    assert "การตอบแบบฟอร์ม 1" in result["output"]


def bomb(uncompressed_mb: int) -> tuple[bytes, int, int]:
    """The responses tab as valid sheet XML of about ``uncompressed_mb`` of rows, deflated
    to a few MB: (data, size, crc). Each block of rows is deflated once after a full flush,
    so its bytes repeat: no gigabytes are compressed."""
    head = part(RESPONSES).split("</sheetData>")[0].replace(
        '<dimension ref="A1:M998" />', "").encode("utf-8")  # no dimension: all rows count
    row = b'<row><c t="inlineStr"><is><t>aaaa</t></is></c></row>'
    block, tail = row * (2**20 // len(row)), b"</sheetData></worksheet>"
    count = uncompressed_mb * 2**20 // len(block)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    data = first + again * count + packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    return data, len(head) + len(block) * count + len(tail), zlib.crc32(tail, crc)


def test_the_bomb_is_a_valid_sheet():
    data, size, crc = bomb(3)
    xml = zlib.decompress(data, -15)
    assert (len(xml), zlib.crc32(xml)) == (size, crc)
    assert xml.endswith(b"</row></sheetData></worksheet>")


def bomb_book(target: Path, uncompressed_mb: int) -> Path:
    """The sample workbook whose responses tab unpacks to ``uncompressed_mb`` of rows."""
    data, size, crc = bomb(uncompressed_mb)
    with zipfile.ZipFile(BOOK) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename == RESPONSES:
                entry = zipfile.ZipInfo(RESPONSES, date_time=item.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                _write_raw(new, entry, data, size, crc)
            else:
                new.writestr(item, old.read(item.filename), zipfile.ZIP_DEFLATED)
    return target


def _write_raw(book: zipfile.ZipFile, entry: zipfile.ZipInfo, data: bytes, size: int,
               crc: int) -> None:
    """Store already-deflated ``data`` as ``entry``, declaring ``size`` and ``crc`` (the
    zipfile module has no call for it: it would deflate gigabytes itself)."""
    zip64 = size > zipfile.ZIP64_LIMIT
    entry.file_size, entry.compress_size, entry.CRC = size, len(data), crc
    entry.header_offset = book.fp.tell()
    book.fp.write(entry.FileHeader(zip64=zip64))
    book.fp.write(data)
    book.start_dir = book.fp.tell()
    book.filelist.append(entry)
    book.NameToInfo[entry.filename] = entry
    book._didModify = True


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path):
    """About 3.3 GB of sheet XML in a few MB (the default limit is 2,048 MB)."""
    book = bomb_book(tmp_path / "bomb.xlsx", 3300)
    assert book.stat().st_size < 20 * 2**20
    with zipfile.ZipFile(book) as z:
        assert z.getinfo(RESPONSES).file_size > 3 * 2**30
    assert_refused(run_build(tmp_path, book), "max_unpacked_mb")


def test_the_unpacked_limit_is_the_config_s(tmp_path):
    book = bomb_book(tmp_path / "bomb.xlsx", 40)
    result = run_build(tmp_path, book, config_with(tmp_path, max_unpacked_mb=10))
    assert_refused(result, "max_unpacked_mb")
    assert "10 MB" in result["output"]


def test_a_part_unpacking_to_more_than_it_declares_is_one_line(tmp_path, config):
    """A zip entry whose data unpacks past its declared size is damaged: Python's zip
    reader stops at the declared size and the check fails; never a traceback."""
    xml = part(RESPONSES).encode("utf-8")
    book = rewrite(tmp_path / "book.xlsx", {RESPONSES: xml})
    with zipfile.ZipFile(book) as z:
        info = z.getinfo(RESPONSES)
    data = book.read_bytes()
    # Shrink the declared size in the central directory and the local header.
    old = info.file_size.to_bytes(4, "little")
    new = (info.file_size // 2).to_bytes(4, "little")
    assert data.count(old) == 2
    (tmp_path / "lying.xlsx").write_bytes(data.replace(old, new))
    result = run_build(tmp_path, tmp_path / "lying.xlsx")
    assert result["code"] == 3, result["output"]
    assert "Traceback" not in result["output"]


# --- row 14: formulas whose value was never saved -----------------------------------------------

def with_cells(xml: str, cells: dict[str, str]) -> str:
    """``xml`` with the <c> elements at the given references replaced (or added at the
    end of their row)."""
    for ref, cell in cells.items():
        xml, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', cell, xml, count=1)
        if not count:
            row = re.search(r"\d+", ref).group()
            xml, count = re.subn(rf'(<row r="{row}"[^>]*>.*?)</row>', rf"\1{cell}</row>", xml,
                                 count=1)
        assert count == 1, ref
    return xml


@pytest.fixture(scope="module")
def accepted_rows(config):
    """Sheet rows of the sample workbook's responses tab that are accepted reports."""
    from tidtam.transform.dataset import normalize

    data = normalize(read_source(BOOK, config), config, AS_OF)
    return sorted(data.reports.reports["source_row"])


def test_formulas_without_values_quarantine_their_rows_naming_the_cell(tmp_path, config,
                                                                        accepted_rows):
    rows = accepted_rows[10:15]
    cells = {f"F{r}": f'<c r="F{r}"><f>CONCATENATE(A{r},"x")</f><v></v></c>' for r in rows}
    saved = accepted_rows[20]
    cells[f"F{saved}"] = f'<c r="F{saved}" t="str"><f>"ทำ"&amp;"แล้ว"</f><v>ทำแล้ว</v></c>'
    elsewhere = accepted_rows[21]                  # คะแนนเดิม: a column no field reads
    cells[f"L{elsewhere}"] = f'<c r="L{elsewhere}"><f>1+1</f></c>'
    xml = with_cells(part(RESPONSES), cells)
    book = rewrite(tmp_path / "book.xlsx", {RESPONSES: xml.encode("utf-8")})
    result = build_from_source(book, config, tmp_path / "site", AS_OF)
    q = result.kpis.quality["responses"]
    assert q.rejected_by_reason["formula_without_value"] == 5
    assert q.accepted + q.rejected + q.blank == q.rows
    rejected = result.rejected.set_index(["source", "row"])
    for r in rows:
        bad = rejected.loc[("responses", r)]
        assert bad["reason"] == "formula_without_value"
        assert bad["detail"] == f"ผลการดำเนินการ (F{r}): สูตรไม่มีค่าที่บันทึกไว้"
    reports = result.reports.set_index("source_row")
    assert reports.loc[saved, "result"] == "ทำแล้ว"
    assert elsewhere in reports.index


def test_a_formula_without_value_in_the_register(tmp_path, config):
    xml = part(REGISTER)
    ref = "G2"                                     # ประเภท of the first directive
    book = rewrite(tmp_path / "book.xlsx", {
        REGISTER: with_cells(xml, {ref: f'<c r="{ref}"><f>B2</f><v></v></c>'}).encode("utf-8")})
    result = build_from_source(book, config, tmp_path / "site", AS_OF)
    bad = result.rejected.set_index(["source", "row"]).loc[("directives", int(ref[1:]))]
    assert bad["reason"] == "formula_without_value"
    assert f"({ref}): สูตรไม่มีค่าที่บันทึกไว้" in bad["detail"]
