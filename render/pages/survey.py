"""The satisfaction survey page: scores by user group and by question, each question's
answers over the scale, and the respondents' comments (ข้อเสนอแนะจากผู้ตอบแบบสำรวจ).

The comments are free text like a report's result and obstacles: published as typed
(escaped by the template), never marked safe. The survey asks no name, e-mail or phone,
so transform/privacy.py has no personal field of it to hide.
"""

from __future__ import annotations

import pandas as pd

from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts
from tidtam.transform.survey import satisfaction_summary


def satisfaction_page(facts: SiteFacts) -> Page:
    data = facts.data
    form = data.config.form.satisfaction
    sat = data.satisfaction
    scale = [(p.label, p.score) for p in form.scale]
    summary = satisfaction_summary(
        sat.answers if sat is not None else pd.DataFrame(columns=["group", "question", "label",
                                                                  "score"]),
        sat.respondents if sat is not None else pd.DataFrame(columns=["group", "comment"]),
        form.top_score, form.high_from_score, data.config.settings.users, scale)
    return Page("satisfaction.html", "satisfaction.html", {
        **facts.common("satisfaction"), "kpis": facts.kpi_data, "summary": summary,
        "has_survey": sat is not None,
        "target": data.config.settings.targets.satisfaction_pct,
        "scale": [{"label": label, "score": score} for label, score in scale],
        "top_score": form.top_score,
    })
