"""Charts: altair specifications rendered to SVG at build time with vl-convert.

Pre-rendered SVG needs no JavaScript runtime in the page (the Vega runtime inline weighs
about 900 KB) and works from file:// and in print. Text stays text, in the page's font.
"""

from __future__ import annotations

import functools
import html
import json
import re

import pandas as pd

from tidtam.core.model import STATUS_KEYS
from tidtam.core.paths import STATIC_DIR
from tidtam.render.formats import STATUS_COLORS

FONT = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif"
MEASURE_FONTS = STATIC_DIR / "fonts" / "measure"  # what vl-convert measures text with
_fonts_registered = False


def _ensure_fonts() -> None:
    """Let vl-convert measure Thai text with the font the page uses."""
    global _fonts_registered
    import vl_convert as vlc

    if not _fonts_registered:
        vlc.register_font_directory(str(MEASURE_FONTS))
        _fonts_registered = True


def _libraries():
    """altair and vl-convert, imported on first use: they are slow to import, and most
    builds render no chart (unchanged pages are kept)."""
    import altair as alt
    import vl_convert as vlc

    _ensure_fonts()
    return alt, vlc


_ARIA = re.compile(r'\s(?:aria-[a-z]+|role)="[^"]*"')


def accessible(svg: str, description: str) -> str:
    """The chart for screen readers in Thai: one image whose label is ``description``.

    vl-convert writes English ARIA (``aria-roledescription="bar"``, "X-axis titled ...",
    "Symbol legend ..."), and a label per mark with field names: all of it is dropped and
    the root ``<svg>`` says what the chart shows, in Thai, as ``role="img"`` with an
    ``aria-label`` (no ``<title>``: it would be a tooltip over the whole chart)."""
    body = _ARIA.sub("", svg)
    text = html.escape(description, quote=True)
    body, found = re.subn(r"<svg\b([^>]*)>",
                          lambda m: f'<svg{m[1]} role="img" aria-label="{text}">', body, count=1)
    return body if found else svg


def _counts_text(rows: list[tuple[str, list[int]]], status_labels: dict[str, str]) -> str:
    """``name: done 9, in progress 3, ...`` for each row, for a chart's description."""
    return "; ".join(f"{name}: " + ", ".join(f"{status_labels[k]} {int(n):,}" for k, n
                                             in zip(STATUS_KEYS, counts, strict=True))
                     for name, counts in rows)


def status_bars(frame: pd.DataFrame, category: str, status_labels: dict[str, str],
                title: str, width: int = 520) -> str:
    """Horizontal stacked bars of assignment counts by status for each ``category``.

    ``frame`` has columns ``category``, ``status`` and ``count``.
    """
    alt, vlc = _libraries()
    data = frame.assign(
        status_label=frame["status"].map(status_labels),
        order=frame["status"].map({s: i for i, s in enumerate(STATUS_KEYS)}),
    )
    domain = [status_labels[s] for s in STATUS_KEYS]
    # Long labels wrap at their spaces onto several lines instead of ending in "…"
    # mid-word: each name's lines, looked up by the axis (a JSON object is a Vega literal).
    lines = {name: label_lines(name) for name in dict.fromkeys(data[category])}
    tallest = max((len(v) for v in lines.values()), default=1)
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(stroke="#555555", strokeWidth=0.5)
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=None,
                    axis=alt.Axis(labelLimit=0, labelFontSize=12, labelLineHeight=14,
                                  labelExpr=f"{json.dumps(lines, ensure_ascii=False)}"
                                            "[datum.label]")),
            x=alt.X("sum(count):Q", title="จำนวนรายการ", stack="zero"),
            color=alt.Color("status_label:N", title="สถานะ",
                            scale=alt.Scale(domain=domain,
                                            range=[STATUS_COLORS[s] for s in STATUS_KEYS]),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=240)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip(f"{category}:N", title="กลุ่ม"),
                     alt.Tooltip("status_label:N", title="สถานะ"),
                     alt.Tooltip("sum(count):Q", title="จำนวน")],
        )
        .properties(width=width, height=alt.Step(max(26, 14 * tallest + 8)))
        .configure(font=FONT)
        .configure_title(fontSize=15, anchor="start")
        .configure_view(stroke=None)
    )
    rows = [(name, [int(part.loc[part["status"] == k, "count"].sum()) for k in STATUS_KEYS])
            for name, part in frame.groupby(category, sort=False)]
    description = (f"แผนภูมิแท่ง{title} จำนวนรายการแยกตามสถานะ: "
                   + _counts_text(rows, status_labels))
    return accessible(vlc.vegalite_to_svg(chart.to_dict()), description)


LABEL_CHARS = 34  # characters on one line of a bar's label (Thai marks take no width)
CODE_CHARS = 5    # a first word this short is a code ("1.10") and never ends a line


def label_lines(name: str, width: int = LABEL_CHARS) -> list[str]:
    """``name`` in lines of at most ``width`` characters, broken only at spaces (a word
    longer than a line keeps a line of its own; a leading code such as "1.2" stays with the
    word after it)."""
    lines: list[str] = []
    for word in name.split():
        if lines and (len(lines[-1]) + 1 + len(word) <= width or len(lines) == 1
                      and len(lines[0]) <= CODE_CHARS):
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [name]


def counts_frame(rows: list[list]) -> pd.DataFrame:
    """``[[category, [n per status in STATUS_KEYS]], ...]`` as the long frame of status_bars."""
    return pd.DataFrame([{"category": name, "status": key, "count": int(n)}
                         for name, counts in rows
                         for key, n in zip(STATUS_KEYS, counts, strict=True)],
                        columns=["category", "status", "count"])


CHART_TITLES = {"type": "สถานะตามประเภทข้อสั่งการ",
                "factor": "สถานะตามปัจจัยผลกระทบ (ข้อสั่งการหนึ่งมีได้หลายปัจจัย)",
                "group": "สถานะตามกลุ่มเขต"}


def summary_charts(inputs: dict, status_labels: dict[str, str]) -> dict[str, str]:
    """The status charts by type, factor and district group that ``inputs`` asks for
    (the overview shows two, the executive summary three; each is rendered once)."""
    labels = tuple(status_labels.items())
    return {key: _chart(key, tuple((name, tuple(counts)) for name, counts in rows), labels)
            for key, rows in inputs.items() if rows}


@functools.lru_cache(maxsize=16)
def _chart(key: str, rows: tuple, labels: tuple) -> str:
    frame = counts_frame([[name, list(counts)] for name, counts in rows])
    return status_bars(frame, "category", dict(labels), CHART_TITLES[key])


# The trend charts: the status colours are lines visible on white (each at least 3:1), and
# every chart fits a 390 px phone unscaled (text >= 11 px).
TREND_COLORS = dict(STATUS_COLORS)
TREND_WIDTH = 290   # plot area; with the axes about 350 px in all
KPI_WIDTH = 235     # plot area of a KPI chart: its target's label goes on the right
TREND_FONT = 12
KPI_COLOR = "#004488"
TARGET_COLOR = "#BB5566"


def _date_axis(alt, dates: list[str]):
    """Ordinal x axis of Thai dates, day and month above the year."""
    return alt.X("date:O", title=None, sort=dates, axis=alt.Axis(
        labelAngle=0, labelFontSize=TREND_FONT, labelOverlap="greedy",
        labelExpr="[slice(datum.value, 0, lastindexof(datum.value, ' ')),"
                  " slice(datum.value, lastindexof(datum.value, ' ') + 1)]"))


def _svg(alt, vlc, chart, description: str) -> str:
    chart = (chart.configure(font=FONT)
             .configure_axis(labelFontSize=TREND_FONT, titleFontSize=TREND_FONT)
             .configure_legend(labelFontSize=TREND_FONT, titleFontSize=TREND_FONT)
             .configure_title(fontSize=14, anchor="start", limit=340))
    return accessible(vlc.vegalite_to_svg(chart.to_dict()), description)


def kpi_trend_chart(points: list[dict], title: str, target: float | None) -> str:
    """One KPI (percent) over time: ``points`` are ``{"date": Thai date, "value": float}`` in
    date order, missing values already left out; a dashed line marks the target."""
    alt, vlc = _libraries()
    dates = [p["date"] for p in points]
    data = pd.DataFrame(points, columns=["date", "value"]).assign(
        text=lambda f: f["value"].map(lambda v: f"{v:.1f}%"))
    x = _date_axis(alt, dates)
    y = alt.Y("value:Q", title="ร้อยละ", scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(values=[0, 25, 50, 75, 100], labelOverlap=False))
    base = alt.Chart(data).encode(x=x, y=y)
    layers = [base.mark_line(color=KPI_COLOR, strokeWidth=2.5),
              base.mark_point(color=KPI_COLOR, filled=True, size=55)]
    if len(points) <= 8:
        layers.append(base.mark_text(dy=-11, fontSize=TREND_FONT, color="#222222")
                      .encode(text="text:N"))
    if target is not None:
        # The target's label sits right of the plot, beside its line: never on a point.
        rule = pd.DataFrame({"target": [target], "label": [["เป้าหมาย", f"{target:g}%"]]})
        line = alt.Chart(rule).encode(y="target:Q")
        layers += [line.mark_rule(color=TARGET_COLOR, strokeDash=[6, 4], strokeWidth=2),
                   line.mark_text(align="left", baseline="middle", x=KPI_WIDTH + 6,
                                  fontSize=TREND_FONT, lineHeight=14, color=TARGET_COLOR,
                                  fontWeight="bold").encode(text="label")]
    chart = alt.layer(*layers, title=title).properties(width=KPI_WIDTH, height=190)
    goal = f" เป้าหมาย {target:g}%" if target is not None else ""
    description = (f"แผนภูมิเส้น{title} ตามวันที่ข้อมูล{goal}: "
                   + ", ".join(f"{p['date']} {p['value']:.1f}%" for p in points))
    return _svg(alt, vlc, chart, description)


def trend_chart(rows: list[dict], status_labels: dict[str, str]) -> str:
    """Assignment counts by status at each recorded date, one line per status: ``rows``
    carry ``date`` (Thai) and a count per status key, in date order."""
    alt, vlc = _libraries()
    dates = [r["date"] for r in rows]
    data = pd.DataFrame([{"date": r["date"], "status_label": status_labels[k], "count": r[k]}
                         for r in rows for k in STATUS_KEYS])
    domain = [status_labels[s] for s in STATUS_KEYS]
    chart = (
        alt.Chart(data, title="จำนวนรายการตามสถานะ")
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=45), strokeWidth=2.5)
        .encode(
            x=_date_axis(alt, dates),
            y=alt.Y("count:Q", title="จำนวนรายการ"),
            color=alt.Color("status_label:N", title=None,
                            scale=alt.Scale(domain=domain,
                                            range=[TREND_COLORS[s] for s in STATUS_KEYS]),
                            legend=alt.Legend(orient="bottom", columns=1, labelLimit=300)),
            strokeDash=alt.StrokeDash("status_label:N", scale=alt.Scale(
                domain=domain, range=[[1, 0], [1, 0], [6, 3], [2, 2]]), legend=None),
        )
        .properties(width=TREND_WIDTH, height=190)
    )
    description = ("แผนภูมิเส้นจำนวนรายการตามสถานะ ตามวันที่ข้อมูล: "
                   + _counts_text([(r["date"], [r[k] for k in STATUS_KEYS]) for r in rows],
                                  status_labels))
    return _svg(alt, vlc, chart, description)


# The trend page's KPI charts: key in the trend rows, title, key of its target.
KPI_CHARTS = (("reporting_rate_pct", "ร้อยละความสำเร็จของการติดตามผล", "reporting_rate_pct"),
              ("satisfaction_pct", "ร้อยละความพึงพอใจของผู้ใช้นวัตกรรม", "satisfaction_pct"),
              ("on_time_report_pct", "ร้อยละที่รายงานภายในกำหนด", "on_time_report_pct"))


def trend_charts(rows: list[dict], status_labels: dict[str, str],
                 targets: dict[str, float]) -> dict[str, str]:
    """Every chart of the trend page, by key: each KPI of KPI_CHARTS with a value at two
    dates or more (a date without one is left out, never drawn as 0), and the counts."""
    charts = {}
    for key, title, target in KPI_CHARTS:
        points = [{"date": r["date"], "value": float(r[key])} for r in rows
                  if r.get(key) is not None]
        if len(points) >= 2:
            charts[key] = kpi_trend_chart(points, title, targets.get(target))
    if len(rows) >= 2:
        charts["counts"] = trend_chart(rows, status_labels)
    return charts
