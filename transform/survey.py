"""The satisfaction survey's page aggregates: scores by group and by question, each
question's spread over the scale, and the respondents' comments. No I/O.

Every number the survey page prints comes from here (see transform/views.py for the
rest of the dashboard).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tidtam.transform.kpis import pct


def satisfaction_summary(answers: pd.DataFrame, respondents: pd.DataFrame, top_score: float,
                         high_from: float, users: Mapping[str, int],
                         scale: Sequence[tuple[str, float]] = ()) -> dict:
    """Satisfaction (mean score x 100 / top score) by respondent group and by question;
    each question's answers spread over ``scale`` (``(label, score)``, in the form's
    order); the comments by group."""

    def score_rows(by: str) -> list[dict]:
        rows = []
        for key, part in answers.groupby(by, sort=True):
            n = len(part)
            rows.append({"name": key, "answers": n,
                         "mean_score": round(float(part["score"].mean()), 4),
                         "score_pct": round(part["score"].mean() * 100 / top_score, 2),
                         "high_share_pct": pct(int((part["score"] >= high_from).sum()), n)})
        return rows

    by_group = {r["name"]: r for r in score_rows("group")} if len(answers) else {}
    counts = respondents["group"].value_counts() if len(respondents) else pd.Series(dtype=int)
    groups = []
    for name in _group_order(users, by_group):
        n = int(counts.get(name, 0))
        groups.append({**by_group.get(name, {"name": name, "answers": 0, "mean_score": None,
                                             "score_pct": None, "high_share_pct": None}),
                       "respondents": n, "users": users.get(name),
                       "response_rate_pct": pct(n, users[name]) if users.get(name) else None})
    by_label = (answers.groupby("label").size().to_dict() if len(answers) else {})
    questions = score_rows("question") if len(answers) else []
    spread = answer_spread(answers, scale)
    return {"groups": groups,
            "questions": [{**q, "spread": spread.get(q["name"], [])} for q in questions],
            "labels": {str(k): int(v) for k, v in by_label.items()},
            "comments": survey_comments(respondents, users)}


def _group_order(users: Mapping[str, int], found: object) -> list[str]:
    """The configured user groups in config order, then any other group found, sorted."""
    return [*users, *sorted(g for g in found if g not in users)]


def answer_spread(answers: pd.DataFrame, scale: Sequence[tuple[str, float]]) -> dict:
    """``{question: [{label, score, count, pct}, ...]}``: every scale point of each question,
    in the scale's order, counts summing to the question's answers."""
    if not len(answers) or not scale:
        return {}
    table = answers.groupby(["question", "label"]).size()
    out = {}
    for question, part in table.groupby(level="question", sort=True):
        found = {label: int(n) for (_q, label), n in part.items()}
        total = sum(found.values())
        out[question] = [{"label": label, "score": score, "count": found.get(label, 0),
                          "pct": pct(found.get(label, 0), total)} for label, score in scale]
    return out


def survey_comments(respondents: pd.DataFrame, users: Mapping[str, int]) -> dict:
    """The respondents' comments by user group (blank ones left out): each group's count and
    its distinct comments, the most repeated first, with how many gave each."""
    if not len(respondents) or "comment" not in respondents.columns:
        return {"total": 0, "groups": []}
    text = respondents["comment"].fillna("").astype(str).str.strip()
    given = respondents.assign(comment=text)[text != ""]
    groups = []
    for name in _group_order(users, set(given["group"])):
        part = given[given["group"] == name]
        if not len(part):
            continue
        repeats = part["comment"].value_counts()
        items = sorted(repeats.items(), key=lambda kv: (-kv[1], kv[0]))
        groups.append({"name": name, "count": len(part),
                       "items": [{"text": t, "count": int(n)} for t, n in items]})
    return {"total": len(given), "groups": groups}
