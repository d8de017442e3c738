"""The satisfaction survey: respondents, rated questions and their scores.

Each row is a respondent, blank, or quarantined by the first of :data:`SURVEY_RULES` it
fails (see transform/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from tidtam.core.config import SatisfactionForm
from tidtam.core.model import Cell, RawSheet, Satisfaction
from tidtam.transform.columns import field_cells, map_columns
from tidtam.transform.dates import parse_timestamp
from tidtam.transform.quarantine import rejected_frame, unique_headers
from tidtam.transform.rules import SLOT, Rule, SheetColumns, apply, plain, reading_rules
from tidtam.transform.text import cell_text, match_key

Answer = tuple[str, str, float]  # question, scale label, score


@dataclass
class SurveyColumns(SheetColumns):
    """The survey resolved column by column: each row's time and its rated answers."""

    fields: dict[str, list[int]]     # the columns each field was read from
    stamp_cells: list[Cell]
    stamps: list[datetime | None]
    titles: list[str]                # unique column titles
    rated: list[int]                 # the columns of rated questions
    answers: list[list[Answer]]      # each row's answers, up to an answer off the scale
    off_scale: list[int | None]      # the first column whose answer is off the scale
    labels: list[str]                # the scale's labels, in order
    groups: list[Cell]
    comments: list[Cell]
    unclaimed: list[str]

    def typed(self, name: str, i: int) -> str:
        if name == "answer":
            return cell_text(self.sheet.rows[i][self.off_scale[i]])
        return cell_text(self.stamp_cells[i])


def _off_scale_message(c: SurveyColumns, i: int) -> str:
    return f"{plain(c.titles[c.off_scale[i]])}: {SLOT} ไม่อยู่ในมาตรวัด"


# The survey rules, in the order a row is judged; the first it fails is its reason.
SURVEY_RULES: list[Rule[SurveyColumns]] = [
    *reading_rules(),
    Rule("bad_timestamp", lambda c: [s is None for s in c.stamps], "bad_timestamp",
         f"ประทับเวลา {SLOT} อ่านไม่ได้", field="timestamp"),
    Rule("unknown_answer", lambda c: [col is not None for col in c.off_scale],
         "unknown_answer", _off_scale_message, lambda c, _i: "ใช้ " + " / ".join(c.labels),
         field="answer"),
    Rule("no_answers", lambda c: [not mine for mine in c.answers], "no_answers",
         "ไม่มีคำตอบในคำถามประเมิน"),
]


def read_satisfaction(sheet: RawSheet, form: SatisfactionForm, tz: ZoneInfo,
                      max_cell_chars: int = 50_000) -> Satisfaction:
    """Rated questions are the unclaimed columns whose answers are mostly scale labels."""
    c = survey_columns(sheet, form, tz, max_cell_chars)
    verdict = apply(SURVEY_RULES, c)
    answers, respondents = [], []
    for i in verdict.accepted:
        sheet_row = RawSheet.sheet_row(i)
        group = cell_text(c.groups[i]) or "ไม่ระบุ"
        respondents.append({"respondent_row": sheet_row, "submitted_at": c.stamps[i],
                            "group": group, "comment": cell_text(c.comments[i])})
        answers += [{"respondent_row": sheet_row, "group": group, "question": q,
                     "label": label, "score": score} for q, label, score in c.answers[i]]
    questions = [c.titles[col] for col in c.rated]
    return Satisfaction(
        answers=pd.DataFrame(answers, columns=["respondent_row", "group", "question", "label",
                                               "score"]),
        respondents=pd.DataFrame(respondents, columns=["respondent_row", "submitted_at", "group",
                                                       "comment"]),
        questions=questions,
        rejected=rejected_frame(sheet, verdict.rejections, c.fields),
        rows=len(sheet.rows),
        blank=verdict.blank,
        unclaimed=[t for t in c.unclaimed if t not in set(questions)],
    )


def survey_columns(sheet: RawSheet, form: SatisfactionForm, tz: ZoneInfo,
                   max_cell_chars: int) -> SurveyColumns:
    """The survey resolved column by column."""
    columns = map_columns(sheet, dict(form.fields))
    scores = {match_key(p.label): (p.label, p.score) for p in form.scale}
    titles = unique_headers(sheet.header)
    claimed = columns.claimed
    rated = [c for c in range(len(sheet.header))
             if c not in claimed and _is_rated(sheet, c, scores)]
    stamp_cells = field_cells(sheet, columns, "timestamp")
    answers, off_scale = [], []
    for row in sheet.rows:
        mine, off = _answers(row, rated, titles, scores)
        answers.append(mine)
        off_scale.append(off)
    return SurveyColumns(
        sheet, max_cell_chars, used=claimed | set(rated), fields=columns.fields,
        stamp_cells=stamp_cells,
        stamps=[parse_timestamp(v, tz) for v in stamp_cells], titles=titles, rated=rated,
        answers=answers, off_scale=off_scale, labels=[p.label for p in form.scale],
        groups=field_cells(sheet, columns, "group"),
        comments=field_cells(sheet, columns, "comment"), unclaimed=columns.unclaimed)


def _answers(row: list[Cell], rated: list[int], titles: list[str],
             scores: dict[str, tuple[str, float]]) -> tuple[list[Answer], int | None]:
    """A row's rated answers in column order, and the first column off the scale."""
    mine: list[Answer] = []
    for c in rated:
        text = cell_text(row[c])
        if not text:
            continue
        if match_key(text) not in scores:
            return mine, c
        label, score = scores[match_key(text)]
        mine.append((titles[c], label, score))
    return mine, None


def _is_rated(sheet: RawSheet, col: int, scores: dict[str, tuple[str, float]]) -> bool:
    values = [match_key(cell_text(r[col])) for r in sheet.rows]
    values = [v for v in values if v]
    return bool(values) and sum(v in scores for v in values) * 2 > len(values)
