"""The escalation page (escalation.html): every assignment an agency reported it cannot
carry out, in its own words, to put to the Permanent Secretary; in-progress work that
reports obstacles; and a table of obstacle factors by directive type.

Also the agency's latest words as the directive page shows them (:func:`words`).
"""

from __future__ import annotations

import itertools

import pandas as pd

from tidtam.render.formats import iso
from tidtam.render.html import Page
from tidtam.render.pages import SiteFacts
from tidtam.render.urls import agency_path, directive_path
from tidtam.transform import views as V

SECTIONS = {  # key: (heading, what it holds), in the page's order
    "cannot": ("ไม่สามารถดำเนินการได้",
               "หน่วยงานรายงานล่าสุดว่าไม่สามารถดำเนินการได้ พร้อมเหตุผลตามที่หน่วยงานรายงาน"),
    "obstacles": ("อยู่ระหว่างการดำเนินการ และรายงานปัญหาอุปสรรค",
                  "รายงานล่าสุดยังอยู่ระหว่างการดำเนินการ และระบุปัญหาอุปสรรคหรือปัจจัยที่เป็นอุปสรรค"),
}
OTHER_LABEL = "อื่น ๆ (หน่วยงานระบุเอง)"
NONE_LABEL = "ไม่ได้ระบุปัจจัย"
SHORT_TEXT = 300   # characters of a result or obstacle shown before "อ่านทั้งหมด"


def escalation_page(facts: SiteFacts) -> Page:
    data = facts.data
    found = V.escalation_sections(data.assignments, data.reports.reports)
    sections = [{"key": key, "title": title, "note": note,
                 "items": [_item(facts, r) for r in V.records(found[key])]}
                for key, (title, note) in SECTIONS.items()]
    items = [i for s in sections for i in s["items"]]
    for s in sections:
        s["directives"] = _by_directive(s["items"])
    factors = _factor_options(facts)
    return Page("escalation.html", "escalation.html", {
        **facts.common("escalation"), "sections": sections, "total": len(items),
        "table": _table(facts, V.obstacle_table(pd.concat(list(found.values()))),
                        factors),
        "options": {
            "type": [{"code": c, "label": facts.type_labels[c]} for c in facts.type_labels
                     if c in {i["type"] for i in items}],
            "factor": [f for f in factors if any(f["key"] in i["factor_keys"] for i in items)],
            "group": sorted({i["group"] for i in items}),
            "inspector": sorted({i["inspector"] for i in items if i["inspector"]})}})


def _factor_options(facts: SiteFacts) -> list[dict]:
    """Every obstacle factor key in the page's order, with its code and label."""
    return [*({"key": c, "code": c, "label": label} for c, label in facts.factor_labels.items()),
            {"key": V.OTHER_FACTOR, "code": "", "label": OTHER_LABEL},
            {"key": V.NO_FACTOR, "code": "", "label": NONE_LABEL}]


def _item(facts: SiteFacts, r: dict) -> dict:
    code, agency = r["directive_code"], r["agency"]
    return {"code": code, "code_path": directive_path(code),
            "text": str(facts.texts.get(code, "")),
            "agency": agency, "agency_path": agency_path(agency), "group": r["group"],
            "inspector": r["inspector"], "type": r["type_code"],
            "type_label": facts.type_labels.get(r["type_code"], ""),
            "factors": facts.factors(r["factor_codes"]), "status": r["status"],
            "reported_at": iso(r["reported_at"]), "result": r["result"],
            "obstacles": r["obstacles"], "obstacle_factors": facts.factors(r["obstacle_factors"]),
            "obstacle_other": r["obstacle_factors_other"], "factor_keys": r["obstacle_keys"]}


def _by_directive(items: list[dict]) -> list[dict]:
    """Items (in directive order) under their directive: code, text, type and factors once."""
    out: list[dict] = []
    for _code, group in itertools.groupby(items, key=lambda i: i["code"]):
        agencies = list(group)
        first = agencies[0]
        out.append({key: first[key] for key in
                    ("code", "code_path", "text", "type", "type_label", "factors")}
                   | {"items": agencies})
    return out


def _table(facts: SiteFacts, counts: dict, factors: list[dict]) -> dict:
    """The factor x type table's rows (types present) and columns (factors present)."""
    cells = counts["cells"]
    columns = [f for f in factors if f["key"] in counts["factor_totals"]]
    rows = [{"code": t, "label": facts.type_labels.get(t, ""),
             "cells": [cells.get((t, f["key"]), 0) for f in columns],
             "total": counts["type_totals"][t]}
            for t in [*facts.type_labels, ""] if t in counts["type_totals"]]
    return {"columns": columns, "rows": rows,
            "factor_totals": [counts["factor_totals"][f["key"]] for f in columns],
            "total": counts["total"]}


def words(r: dict) -> dict:
    """An agency's latest result and obstacles as a directive page shows them: each cut to
    ``SHORT_TEXT`` characters, the whole text kept for "อ่านทั้งหมด"."""
    return {key: {"full": text, "short": text[:SHORT_TEXT].rstrip() + "…"
                  if len(text) > SHORT_TEXT else None}
            for key in ("result", "obstacles") for text in [str(r.get(key) or "")]}
