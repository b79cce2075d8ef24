"""Charts drawn on the server as SVG: the same markup in web pages, PDFs and without JavaScript.

Every chart has a title and a description for screen readers (``role="img"``), and the pages
that show one print its data as a table next to it. Colours come from one palette with enough
contrast against white and between neighbours; a chart never relies on colour alone, since the
legend and the table name every series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe-Ito inspired, darkened where needed for 3:1 contrast on white.
PALETTE = (
    "#6b7280",  # grey
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # green
    "#d55e00",  # vermilion
    "#8e5ea2",  # purple
    "#56b4e9",  # sky
    "#b8860b",  # dark yellow
)
_ids = count(1)


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def series_for(keys: Sequence[str], labels: Mapping[str, str]) -> list[Series]:
    return [
        Series(key, labels.get(key, key), PALETTE[i % len(PALETTE)]) for i, key in enumerate(keys)
    ]


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    width: int = 720,
) -> SafeString:
    """Horizontal stacked bars, one per row (label, {series key: value}), scaled to the largest.

    Each segment shows its value when it is wide enough to hold it; a legend lists the series.
    """
    label_width, bar_height, gap, top = 150, 22, 10, 10
    chart_width = width - label_width - 50
    longest = max((sum(values.values()) for _label, values in rows), default=0) or 1
    legend_rows = (len(series) + 2) // 3
    height = top + len(rows) * (bar_height + gap) + 20 + legend_rows * 22
    uid = next(_ids)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-title-{uid} chart-desc-{uid}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="12">',
        f'<title id="chart-title-{uid}">{escape(title)}</title>',
        f'<desc id="chart-desc-{uid}">{escape(description)}</desc>',
    ]
    y = top
    for label, values in rows:
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'fill="#1f2937">{escape(_shorten(label, 22))}</text>'
        )
        x = float(label_width)
        for item in series:
            value = values.get(item.key, 0)
            if not value:
                continue
            segment = chart_width * value / longest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{segment:.1f}" height="{bar_height}" '
                f'fill="{item.colour}"><title>{escape(f"{label}: {item.label}: {value}")}'
                "</title></rect>"
            )
            if segment >= 18:
                parts.append(
                    f'<text x="{x + segment / 2:.1f}" y="{y + bar_height * 0.7:.1f}" '
                    f'text-anchor="middle" fill="#ffffff" font-weight="bold">{value}</text>'
                )
            x += segment
        total = sum(values.values())
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_height * 0.7:.1f}" fill="#1f2937">{total}</text>'
        )
        y += bar_height + gap
    y += 10
    for index, item in enumerate(series):
        column, row = index % 3, index // 3
        lx, ly = 10 + column * (width - 20) / 3, y + row * 22
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="14" height="14" fill="{item.colour}"/>'
            f'<text x="{lx + 20:.1f}" y="{ly + 11}" fill="#1f2937">{escape(item.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
