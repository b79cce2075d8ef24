"""Stacked bars drawn for a wide screen and for a phone keep the same figures; on a phone each
label stands above its bar, so the drawing does not have to shrink its text to fit."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from rightsmonitor.core.charts import responsive_stacked_bars, series_for, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("Section 1. Gender equality", {"done": 3, "late": 1}), ("Section 2", {"done": 2})]
SERIES = series_for(["done", "late"], {"done": "Done", "late": "Late"})


def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)


def _bar_values(svg: ElementTree.Element) -> list[str]:
    return [rect.findtext(f"{SVG}title") or "" for rect in svg.iter(f"{SVG}rect") if len(rect)]


def test_narrow_drawing_puts_labels_above_the_bars() -> None:
    wide = _svg(stacked_bars(ROWS, SERIES, title="By section"))
    narrow = _svg(stacked_bars(ROWS, SERIES, title="By section", narrow=True))

    assert wide.get("width") == "720" and narrow.get("width") == "360"
    assert (
        _bar_values(wide)
        == _bar_values(narrow)
        == [
            "Section 1. Gender equality: Done: 3",
            "Section 1. Gender equality: Late: 1",
            "Section 2: Done: 2",
        ]
    )
    # Wide: the label ends left of its bar and is shortened; narrow: whole, above the bar.
    wide_labels = [text for text in wide.iter(f"{SVG}text") if text.get("text-anchor") == "end"]
    assert wide_labels[0].text == "Section 1. Gender equ…"
    label = next(text for text in narrow.iter(f"{SVG}text") if text.text == ROWS[0][0])
    first_bar = next(rect for rect in narrow.iter(f"{SVG}rect") if len(rect))
    assert label.get("x") == "0" and float(label.get("y", 0)) < float(first_bar.get("y", 0))


def test_responsive_pair_has_both_drawings_with_their_own_ids() -> None:
    markup = str(responsive_stacked_bars(ROWS, SERIES, title="By section", description="Bars"))
    assert markup.startswith('<div class="chart-pair">')
    assert 'class="chart chart--wide"' in markup and 'class="chart chart--narrow"' in markup
    ids = re.findall(r'id="(chart-[a-z]+-\d+)"', markup)
    assert len(ids) == 4 and len(set(ids)) == 4  # titles and descriptions stay unique
