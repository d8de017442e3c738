"""Charts: altair specifications rendered to SVG at build time with vl-convert.

Pre-rendered SVG needs no JavaScript runtime in the page (the Vega runtime inline weighs
about 900 KB) and works from file:// and in print. Text stays text, in the page's font.
"""

from __future__ import annotations

import functools

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
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(stroke="#555555", strokeWidth=0.5)
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=None,
                    axis=alt.Axis(labelLimit=260, labelFontSize=12)),
            x=alt.X("sum(count):Q", title="จำนวนการมอบหมาย", stack="zero"),
            color=alt.Color("status_label:N", title="สถานะ",
                            scale=alt.Scale(domain=domain,
                                            range=[STATUS_COLORS[s] for s in STATUS_KEYS]),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=240)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip(f"{category}:N", title="กลุ่ม"),
                     alt.Tooltip("status_label:N", title="สถานะ"),
                     alt.Tooltip("sum(count):Q", title="จำนวน")],
        )
        .properties(width=width, height=alt.Step(26))
        .configure(font=FONT)
        .configure_title(fontSize=15, anchor="start")
        .configure_view(stroke=None)
    )
    return vlc.vegalite_to_svg(chart.to_dict())


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


def trend_chart(rows: list[dict], status_labels: dict[str, str], width: int = 560) -> str:
    """Assignment counts by status over the recorded runs, one line per status."""
    alt, vlc = _libraries()
    data = pd.DataFrame([{"run": i + 1, "label": f"{r['label']} ({r['as_of'] or '-'})",
                          "status_label": status_labels[k], "count": r[k]}
                         for i, r in enumerate(rows) for k in STATUS_KEYS])
    domain = [status_labels[s] for s in STATUS_KEYS]
    chart = (
        alt.Chart(data, title="จำนวนการมอบหมายตามสถานะ แต่ละรอบการปรับปรุงข้อมูล")
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X("run:O", title="รอบที่", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="จำนวนการมอบหมาย"),
            color=alt.Color("status_label:N", title="สถานะ",
                            scale=alt.Scale(domain=domain,
                                            range=[STATUS_COLORS[s] for s in STATUS_KEYS]),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=240)),
            strokeDash=alt.StrokeDash("status_label:N", scale=alt.Scale(domain=domain),
                                      legend=None),
        )
        .properties(width=width, height=260)
        .configure(font=FONT)
        .configure_title(fontSize=15, anchor="start")
    )
    return vlc.vegalite_to_svg(chart.to_dict())
