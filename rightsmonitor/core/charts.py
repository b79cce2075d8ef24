"""Charts drawn on the server as SVG: the same markup in web pages, PDFs and without JavaScript.

Every chart has a title and a description for screen readers (``role="img"``), and the pages
that show one print its data as a table next to it. Colours come from one palette with enough
contrast against white and between neighbours; a chart never relies on colour alone, since the
legend and the table name every series.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

# Okabe-Ito hues, darkened so that each has at least 3:1 contrast on white (WCAG 1.4.11)
# and white labels stay readable on it.
PALETTE = (
    "#6b7280",  # grey
    "#0072b2",  # blue
    "#b35c00",  # orange
    "#007a5a",  # green
    "#c0392b",  # vermilion
    "#8e5ea2",  # purple
    "#00838f",  # teal
    "#8a6d00",  # dark yellow
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
    narrow: bool = False,
) -> SafeString:
    """Horizontal stacked bars, one per row (label, {series key: value}), scaled to the largest.

    Each segment shows its value when it is wide enough to hold it; a legend lists the series.
    ``narrow`` draws for a phone (360 px): each label on its own line above its bar, the legend
    in two columns, so the text keeps its size instead of shrinking with a wide drawing.
    """
    if narrow:
        width = min(width, 360)
        label_width, label_height, columns, shorten = 0, 16, 2, 48
    else:
        label_width, label_height, columns, shorten = 150, 0, 3, 22
    bar_height, gap, top = 22, 10, 10
    chart_width = width - label_width - 50
    longest = max((sum(values.values()) for _label, values in rows), default=0) or 1
    legend_rows = (len(series) + columns - 1) // columns
    height = top + len(rows) * (label_height + bar_height + gap) + 20 + legend_rows * 22
    uid = next(_ids)
    layout = "narrow" if narrow else "wide"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{layout}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-title-{uid} chart-desc-{uid}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="12">',
        f'<title id="chart-title-{uid}">{escape(title)}</title>',
        f'<desc id="chart-desc-{uid}">{escape(description)}</desc>',
    ]
    y = top
    for label, values in rows:
        if narrow:
            parts.append(
                f'<text x="0" y="{y + 12}" fill="#1f2937">{escape(_shorten(label, shorten))}</text>'
            )
            y += label_height
        else:
            parts.append(
                f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
                f'fill="#1f2937">{escape(_shorten(label, shorten))}</text>'
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
        column, row = index % columns, index // columns
        lx, ly = 10 + column * (width - 20) / columns, y + row * 22
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="14" height="14" fill="{item.colour}"/>'
            f'<text x="{lx + 20:.1f}" y="{ly + 11}" fill="#1f2937">{escape(item.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def responsive_stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
) -> SafeString:
    """The wide and the narrow drawing of the same bars; the style sheet shows the one that fits
    the screen (the narrow one below 40rem: ``.chart-pair`` in site.css), so no JavaScript is needed."""
    wide = stacked_bars(rows, series, title=title, description=description)
    narrow = stacked_bars(rows, series, title=title, description=description, narrow=True)
    return mark_safe(f'<div class="chart-pair">{wide}{narrow}</div>')


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Line charts ----------------------------------------------------------------------------------

# For lines, every colour has at least 3:1 contrast on white (WCAG 1.4.11): thin lines need it
# more than bars. The first, grey, is meant for the total.
LINE_PALETTE = (
    "#6b7280",  # grey
    "#0072b2",  # blue
    "#d55e00",  # vermilion
    "#009e73",  # green
    "#8e5ea2",  # purple
    "#b8860b",  # dark yellow
    "#00758f",  # teal
    "#c2185b",  # raspberry
    "#8b5a2b",  # brown
)
# Lines differ by marker and dash as well as by colour, for those who cannot tell colours apart.
_MARKERS = ("circle", "square", "triangle", "diamond")
_DASHES = ("", "7 4", "2 3")


def line_series_for(keys: Sequence[str], labels: Mapping[str, str]) -> list[Series]:
    """Series coloured from ``LINE_PALETTE``, in the order given."""
    return [
        Series(key, labels.get(key, key), LINE_PALETTE[i % len(LINE_PALETTE)])
        for i, key in enumerate(keys)
    ]


def _nice_step(span: float, ticks: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about ``ticks`` intervals."""
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def nice_scale(low: float, high: float, ticks: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (a flat range gets some room around it)."""
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _nice_step(high - low, ticks)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    count = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(count + 1)]


def _decimals_for(step: float) -> int:
    """Decimals the tick labels need so that neighbours read differently."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str) -> str:
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    if shape == "square":
        body = f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">'
        return f"{body}{tip}</rect>"
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5.5:.1f} {x + 5.5:.1f},{y:.1f} {x:.1f},{y + 5.5:.1f} {x - 5.5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">{tip}</circle>'


def line_chart(
    x_labels: Sequence[str],
    lines: Sequence[tuple[Series, Sequence[float | None]]],
    *,
    title: str,
    description: str = "",
    x_label: str = "",
    y_label: str = "",
    decimals: int | None = None,
    width: int = 720,
    plot_height: int = 260,
) -> SafeString:
    """Lines over equally spaced periods (``x_labels``), one per series, with a legend below.

    Each line is a list of values, one per label, None where there is no value: the line
    breaks there rather than inventing one. Every point carries its value (with ``decimals``
    places, if given) as a tooltip; the page prints the same data as a table, which is what
    screen readers should read.
    """
    left, right, top = 72, 24, 14
    plot_width = width - left - right
    legend_columns = 3
    legend_rows = (len(lines) + legend_columns - 1) // legend_columns
    axis_bottom = top + plot_height
    legend_top = axis_bottom + (64 if x_label else 44)
    height = legend_top + legend_rows * 22 + 8
    values = [v for _series, points in lines for v in points if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low >= 0 and low <= high / 2:
        low = 0.0  # start at zero unless that would flatten the lines
    ticks = nice_scale(low, high)
    bottom_value, top_value = ticks[0], ticks[-1]
    tick_decimals = _decimals_for(ticks[1] - ticks[0]) if len(ticks) > 1 else 0

    def y_of(value: float) -> float:
        share = (value - bottom_value) / ((top_value - bottom_value) or 1)
        return axis_bottom - share * plot_height

    count_x = len(x_labels)
    slot = plot_width / max(count_x, 1)

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    uid = next(_ids)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-title-{uid} chart-desc-{uid}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="chart-title-{uid}">{escape(title)}</title>',
        f'<desc id="chart-desc-{uid}">{escape(description)}</desc>',
    ]
    # Grid lines and the value axis.
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" '
            f'stroke="{"#6b7280" if tick == bottom_value else "#d0d7de"}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#1f2937">'
            f"{escape(number_format(tick, tick_decimals))}</text>"
        )
    if y_label:
        middle = top + plot_height / 2
        parts.append(
            f'<text x="16" y="{middle:.1f}" text-anchor="middle" fill="#1f2937" '
            f'transform="rotate(-90 16 {middle:.1f})">{escape(y_label)}</text>'
        )
    # Period labels, thinned out so that they do not overlap.
    longest = max((len(label) for label in x_labels), default=1)
    every = max(1, math.ceil((longest * 7.5 + 8) / slot)) if count_x else 1
    for index, label in enumerate(x_labels):
        x = x_of(index)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_bottom}" x2="{x:.1f}" y2="{axis_bottom + 5}" '
            f'stroke="#6b7280"/>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{axis_bottom + 20}" text-anchor="middle" '
                f'fill="#1f2937">{escape(label)}</text>'
            )
    if x_label:
        parts.append(
            f'<text x="{left + plot_width / 2:.1f}" y="{axis_bottom + 44}" '
            f'text-anchor="middle" fill="#1f2937">{escape(x_label)}</text>'
        )
    # The lines: a path broken where a value is missing, and a marker on every value.
    for index, (item, points) in enumerate(lines):
        shape = _MARKERS[index % len(_MARKERS)]
        dash = _DASHES[(index // len(_MARKERS)) % len(_DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        commands, pen_down = [], False
        for position, value in enumerate(points):
            if value is None:
                pen_down = False
                continue
            commands.append(f"{'L' if pen_down else 'M'}{x_of(position):.1f} {y_of(value):.1f}")
            pen_down = True
        if commands:
            parts.append(
                f'<path d="{" ".join(commands)}" fill="none" stroke="{item.colour}" '
                f'stroke-width="2.5" stroke-linejoin="round"{dash_attribute}/>'
            )
        for position, value in enumerate(points):
            if value is not None:
                tooltip = f"{item.label}, {x_labels[position]}: {number_format(value, decimals)}"
                parts.append(_marker(shape, x_of(position), y_of(value), item.colour, tooltip))
    # The legend: a sample of each line with its marker, and its label.
    column_width = (width - 20) / legend_columns
    for index, (item, _points) in enumerate(lines):
        column, row = index % legend_columns, index // legend_columns
        lx, ly = 10 + column * column_width, legend_top + row * 22
        shape = _MARKERS[index % len(_MARKERS)]
        dash = _DASHES[(index // len(_MARKERS)) % len(_DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly + 7}" x2="{lx + 28:.1f}" y2="{ly + 7}" '
            f'stroke="{item.colour}" stroke-width="2.5"{dash_attribute}/>'
            + _marker(shape, lx + 14, ly + 7, item.colour, "")
            + f'<text x="{lx + 36:.1f}" y="{ly + 11}" fill="#1f2937">'
            f"{escape(_shorten(item.label, 32))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
