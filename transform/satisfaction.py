"""The satisfaction survey: respondents, rated questions and their scores."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.model import RawSheet, Satisfaction
from tidtam.transform.columns import (
    blank_rows,
    field_cells,
    map_columns,
    oversized_cells,
    too_long,
)
from tidtam.transform.dates import parse_timestamp
from tidtam.transform.quarantine import rejected_frame, unique_headers
from tidtam.transform.text import cell_text, match_key


def read_satisfaction(sheet: RawSheet, form, tz: ZoneInfo,
                      max_cell_chars: int = 50_000) -> Satisfaction:
    """Rated questions are the unclaimed columns whose answers are mostly scale labels."""
    columns = map_columns(sheet, dict(form.fields))
    scores = {match_key(p.label): (p.label, p.score) for p in form.scale}
    titles = unique_headers(sheet.header)
    claimed = {c for cols in columns.fields.values() for c in cols}
    rated = [c for c in range(len(sheet.header))
             if c not in claimed and _is_rated(sheet, c, scores)]
    stamps = field_cells(sheet, columns, "timestamp")
    groups = field_cells(sheet, columns, "group")
    comments = field_cells(sheet, columns, "comment")
    blank = blank_rows(sheet)
    oversized = oversized_cells(sheet, max_cell_chars)

    answers, respondents = [], []
    rej: tuple[list, list, list, list] = ([], [], [], [])
    for i, row in enumerate(sheet.rows):
        if blank[i]:
            continue
        problem, mine = None, []
        stamp = parse_timestamp(stamps[i], tz)
        if i in oversized:
            problem = too_long(sheet, i, oversized[i], max_cell_chars)
        elif stamp is None:
            problem = ("bad_timestamp", f"ประทับเวลา \"{cell_text(stamps[i])}\" อ่านไม่ได้", "")
        else:
            for c in rated:
                text = cell_text(row[c])
                if not text:
                    continue
                if match_key(text) not in scores:
                    labels = " / ".join(p.label for p in form.scale)
                    problem = ("unknown_answer", f"{titles[c]}: \"{text}\" ไม่อยู่ในมาตรวัด",
                               f"ใช้ {labels}")
                    break
                label, score = scores[match_key(text)]
                mine.append((titles[c], label, score))
            if problem is None and not mine:
                problem = ("no_answers", "ไม่มีคำตอบในคำถามประเมิน", "")
        if problem:
            for bucket, value in zip(rej, (i, *problem), strict=True):
                bucket.append(value)
            continue
        sheet_row = RawSheet.sheet_row(i)
        group = cell_text(groups[i]) or "ไม่ระบุ"
        respondents.append({"respondent_row": sheet_row, "submitted_at": stamp,
                            "group": group, "comment": cell_text(comments[i])})
        answers += [{"respondent_row": sheet_row, "group": group, "question": q,
                     "label": label, "score": score} for q, label, score in mine]
    return Satisfaction(
        answers=pd.DataFrame(answers, columns=["respondent_row", "group", "question", "label",
                                               "score"]),
        respondents=pd.DataFrame(respondents, columns=["respondent_row", "submitted_at", "group",
                                                       "comment"]),
        questions=[titles[c] for c in rated],
        rejected=rejected_frame(sheet, *rej),
        rows=len(sheet.rows),
        blank=sum(blank),
        unclaimed=[t for t in columns.unclaimed if t not in {titles[c] for c in rated}],
    )


def _is_rated(sheet: RawSheet, col: int, scores: dict) -> bool:
    values = [match_key(cell_text(r[col])) for r in sheet.rows]
    values = [v for v in values if v]
    return bool(values) and sum(v in scores for v in values) * 2 > len(values)
