"""A damaged CSV download: an unmatched quote anywhere never merges rows silently.

Every physical line of the file is accounted for: the lines of the damaged row are
quarantined as one row (``malformed_csv``, naming the lines), every other row is read as
the sheet holds it, with its own sheet row number. Legitimate multi-line cells keep working.
"""

from __future__ import annotations

import csv
import io
import shutil
import time

import pytest
from click.testing import CliRunner
from conftest import AS_OF, SAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st

from tidtam.cli import cli
from tidtam.core.errors import SourceError
from tidtam.pipeline import build_from_source
from tidtam.sync.files import parse_csv, read_source

RESULT = 5  # the result column (ผลการดำเนินการ) of the sample's responses.csv


def sample_lines() -> list[str]:
    text = (SAMPLE / "data" / "responses.csv").read_text(encoding="utf-8-sig")
    return text.splitlines(keepends=True)


def line_of_records() -> list[int]:
    """The 1-based physical line each record of the sample starts on (header included)."""
    lines = sample_lines()
    starts, reader = [], csv.reader(io.StringIO("".join(lines), newline=""))
    line = 1
    while True:
        starts.append(line)
        try:
            next(reader)
        except StopIteration:
            starts.pop()
            return starts
        line = reader.line_num + 1


def damaged_source(tmp_path, lines: list[str]):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE / "data", folder)
    (folder / "responses.csv").write_text("".join(lines), encoding="utf-8")
    return folder


def quote_cell(line: str, column: int, quote: str = '"') -> str:
    """``line`` (a record without quotes) with ``quote`` put before cell ``column``."""
    cells = line.rstrip("\r\n").split(",")
    cells[column] = quote + cells[column]
    return ",".join(cells) + line[len(line.rstrip("\r\n")):]


@pytest.fixture(scope="module")
def original(config):
    return read_source(SAMPLE / "data", config)["responses"]


def multiline_record() -> int:
    """The record (0 is the header) of the sample's multi-line cell."""
    starts = line_of_records()
    return next(i for i, (a, b) in enumerate(zip(starts, starts[1:], strict=False)) if b > a + 1)


def single_line_records() -> list[tuple[int, int]]:
    """(data row index, its line number) of records that hold no quote at all."""
    lines, starts = sample_lines(), line_of_records()
    return [(i - 1, n) for i, n in enumerate(starts) if i > 0 and '"' not in lines[n - 1]
            and (i + 1 == len(starts) or starts[i + 1] == n + 1)]


def assert_only_row_damaged(sheet, original, row: int, lines: tuple[int, int]):
    assert len(sheet.rows) == len(original.rows)
    assert sheet.malformed == {row: lines}
    assert all(not cell for cell in sheet.rows[row])         # nothing of it is published
    for i, (got, want) in enumerate(zip(sheet.rows, original.rows, strict=True)):
        if i != row:
            assert got == want, f"row {i + 2} changed"


@pytest.mark.parametrize("where", ["first", "middle", "before_multiline", "last"])
def test_an_unmatched_quote_quarantines_its_own_line_only(tmp_path, config, original, where):
    records = single_line_records()
    pick = {"first": records[0], "middle": records[len(records) // 2],
            "before_multiline": next(r for r in records if r[0] == multiline_record() - 2),
            "last": records[-1]}[where]
    row, number = pick
    lines = sample_lines()
    lines[number - 1] = quote_cell(lines[number - 1], RESULT)
    sheet = read_source(damaged_source(tmp_path, lines), config)["responses"]
    assert_only_row_damaged(sheet, original, row, (number, number))


def test_every_cell_of_sampled_lines(tmp_path, config, original):
    """The whole class: a quote opening any cell of any line is caught, nothing merges."""
    lines = sample_lines()
    for row, number in single_line_records()[::60]:
        for column in range(len(original.header)):
            damaged = list(lines)
            damaged[number - 1] = quote_cell(lines[number - 1], column)
            folder = tmp_path / f"{row}-{column}"
            sheet = read_source(damaged_source(folder, damaged), config)["responses"]
            assert_only_row_damaged(sheet, original, row, (number, number))


def test_a_multiline_cell_losing_its_closing_quote_is_one_damaged_row(tmp_path, config,
                                                                        original):
    starts, lines = line_of_records(), sample_lines()
    record = multiline_record()
    first, last = starts[record], starts[record + 1] - 1
    assert last > first                                        # the sample's multi-line cell
    closing = lines[last - 1]
    lines[last - 1] = closing.replace('"', "", 1)
    sheet = read_source(damaged_source(tmp_path, lines), config)["responses"]
    assert_only_row_damaged(sheet, original, record - 1, (first, last))


def test_a_quote_after_a_closing_quote_is_damage(tmp_path, config, original):
    row, number = single_line_records()[10]
    lines = sample_lines()
    cells = lines[number - 1].rstrip("\r\n").split(",")
    cells[RESULT] = f'"{cells[RESULT]}"x'
    lines[number - 1] = ",".join(cells) + "\r\n"
    sheet = read_source(damaged_source(tmp_path, lines), config)["responses"]
    assert_only_row_damaged(sheet, original, row, (number, number))


def test_a_merge_closing_at_a_quoted_cell_that_starts_a_line_is_caught(tmp_path, config,
                                                                         original):
    """The swallowed text ends at a legitimate quoted cell starting with a line break (no
    parse error at all): the record's field count gives it away."""
    records = single_line_records()
    (row, number), (next_row, next_number) = next(
        (a, b) for a, b in zip(records, records[1:], strict=False) if b[1] == a[1] + 1)
    lines = sample_lines()
    lines[number - 1] = quote_cell(lines[number - 1], RESULT)
    cells = lines[next_number - 1].rstrip("\r\n").split(",")
    cells[RESULT] = f'"\n{cells[RESULT]}"'
    lines[next_number - 1] = ",".join(cells) + "\r\n"
    sheet = read_source(damaged_source(tmp_path, lines), config)["responses"]
    assert sheet.malformed == {row: (number, number)}
    assert sheet.rows[next_row][RESULT] == "\n" + original.rows[next_row][RESULT]
    assert len(sheet.rows) == len(original.rows)


def test_the_build_accounts_for_every_row(tmp_path, config, original):
    row, number = single_line_records()[200]
    lines = sample_lines()
    lines[number - 1] = quote_cell(lines[number - 1], RESULT)
    result = build_from_source(damaged_source(tmp_path, lines), config, tmp_path / "site", AS_OF)
    q = result.kpis.quality["responses"]
    assert q.rows == len(original.rows)
    assert q.accepted + q.rejected + q.blank == q.rows
    assert q.rejected_by_reason["malformed_csv"] == 1
    bad = result.rejected.set_index(["source", "row"]).loc[("responses", row + 2)]
    assert bad["reason"] == "malformed_csv"
    assert f"บรรทัด {number}" in bad["detail"]
    # Sheet row numbers: accepted, quarantined and blank rows are each row exactly once.
    sheet = read_source(damaged_source(tmp_path / "again", lines), config)["responses"]
    blank = [i + 2 for i, r in enumerate(sheet.rows) if all(c in ("", None) for c in r)
             and i not in sheet.malformed]
    rejected = list(result.rejected.query("source == 'responses'")["row"])
    numbers = sorted([*result.reports["source_row"], *rejected, *blank])
    assert numbers == list(range(2, q.rows + 2))
    # No neighbour's name or phone inside a published result.
    neighbours = [original.rows[i] for i in (row - 1, row + 1)]
    published = (tmp_path / "site" / "data" / "reports.csv").read_text(encoding="utf-8-sig")
    for cells in neighbours:
        for personal in cells[8:10]:
            assert personal not in published


def test_an_unmatched_quote_at_the_end_of_the_file(tmp_path, config, original):
    lines = sample_lines()
    lines[-1] = quote_cell(lines[-1], RESULT).rstrip("\r\n")  # no final line break either
    sheet = read_source(damaged_source(tmp_path, lines), config)["responses"]
    assert_only_row_damaged(sheet, original, len(original.rows) - 1, (len(lines), len(lines)))


def test_a_damaged_header_stops_the_read_naming_the_line(tmp_path, config):
    lines = sample_lines()
    lines[0] = '"' + lines[0]
    runner = CliRunner()
    out = runner.invoke(cli, ["build", "--source", str(damaged_source(tmp_path, lines)),
                              "--out", str(tmp_path / "site")])
    assert out.exit_code == 3
    assert "responses.csv line 1" in out.output and "Traceback" not in out.output
    with pytest.raises(SourceError):
        read_source(tmp_path / "data", config)


def test_many_damaged_lines_read_in_linear_time(tmp_path, config):
    """A hostile file: every data line opens an unmatched quote."""
    lines = sample_lines()
    header = lines[0]
    body = [quote_cell(lines[n - 1], RESULT) for _row, n in single_line_records()
            if lines[n - 1].strip(",\r\n")]
    damaged = [header, *(body * 20)]                     # about 20,000 damaged lines
    started = time.perf_counter()
    sheet = read_source(damaged_source(tmp_path, damaged), config)["responses"]
    assert time.perf_counter() - started < 5
    assert len(sheet.rows) == len(damaged) - 1
    assert sheet.malformed == {i: (i + 2, i + 2) for i in range(len(damaged) - 1)}


# --- a cell longer than the csv module's own field limit (131,072 characters) ------------

def test_a_cell_over_the_csv_field_limit_is_quarantined_as_too_long(tmp_path, config):
    row, number = single_line_records()[5]
    lines = sample_lines()
    cells = lines[number - 1].rstrip("\r\n").split(",")
    cells[RESULT] = "ก" * 200_000
    lines[number - 1] = ",".join(cells) + "\r\n"
    result = build_from_source(damaged_source(tmp_path, lines), config, tmp_path / "site", AS_OF)
    bad = result.rejected.set_index(["source", "row"]).loc[("responses", row + 2)]
    assert bad["reason"] == "cell_too_long"
    assert "200,000 ตัวอักษร" in bad["detail"]
    assert csv.field_size_limit() == 131_072                 # the process-wide limit is restored


# --- what is not damage ---------------------------------------------------------------------

CELLS = st.text(alphabet=st.sampled_from(list('ab ก,"\r\n\u2028')), max_size=8)
RECTANGLES = st.integers(1, 5).flatmap(lambda width: st.lists(
    st.lists(CELLS, min_size=width, max_size=width), min_size=1, max_size=6))


@settings(max_examples=300)
@given(RECTANGLES, st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_any_well_formed_download_reads_back_exactly(rows, quoting):
    """Quotes, commas and line breaks in cells, rows of one width: nothing is damage.
    (Lines end in CRLF, as downloads do: with a bare LF the csv writer leaves a CR
    unquoted, which no reader can tell from a line end.)"""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", quoting=quoting).writerows(rows)
    table = parse_csv(io.StringIO(buffer.getvalue(), newline=""))
    assert table.malformed == {}
    assert table.values == rows


def test_ragged_single_line_rows_are_rows():
    text = "a,b,c\r\n1,2\r\n1,2,3,4\r\n\r\n5,6,7\r\n"
    table = parse_csv(io.StringIO(text, newline=""))
    assert table.malformed == {}
    assert table.values == [["a", "b", "c"], ["1", "2"], ["1", "2", "3", "4"], [], ["5", "6", "7"]]


def test_a_quote_inside_an_unquoted_cell_is_a_character():
    text = 'a,b\r\nขนาด 3" นิ้ว,x\r\n'
    assert parse_csv(io.StringIO(text, newline="")).values == [["a", "b"], ['ขนาด 3" นิ้ว', "x"]]
