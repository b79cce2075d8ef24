"""The columns of the observation exchange formats: which header plays which role.

Open SDG (open-sdg ``docs/data-format.md``): ``Year``, ``Value``, ``GeoCode`` and the special
columns ``Units``, ``Series``, ``Observation status``, ``Unit multiplier``, ``Unit measure``,
``COMMENT_OBS``; every other column is a disaggregation. SDMX-CSV 1.0 and 2.0 (sdmx-csv field
guide): component IDs as headers, possibly extended with ``[...]`` (sub-field separator,
languages) or with ``: name`` (option ``labels=both``); ``SERIES`` is our indicator code.

Headers are part of the exchange format, not interface text: they are not translated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PERIOD = "period"
    VALUE = "value"
    AREA = "area"
    UNIT = "unit"
    UNIT_MEASURE = "unit_measure"  # Open SDG: the unit's SDMX code, used when Units is blank
    NOTE = "note"
    INDICATOR = "indicator"
    ACTION = "action"
    UNIT_MULTIPLIER = "unit_multiplier"
    IGNORED = "ignored"


class Layout(StrEnum):
    OPEN_SDG = "opensdg"
    SDMX = "sdmx"


OPEN_SDG_ROLES: dict[str, Role] = {
    "year": Role.PERIOD,
    "value": Role.VALUE,
    "geocode": Role.AREA,
    "units": Role.UNIT,
    "unit measure": Role.UNIT_MEASURE,
    "series": Role.INDICATOR,
    "comment_obs": Role.NOTE,
    "observation status": Role.IGNORED,
    "unit multiplier": Role.UNIT_MULTIPLIER,
}

# Attributes of the SDG data structure and technical columns of SDMX-CSV that say nothing we
# store: read past. A column not known at all is refused unless it holds only totals, because
# an unknown dimension silently dropped would turn a breakdown into a total.
_SDMX_IGNORED = (
    "DATAFLOW",
    "STRUCTURE",
    "STRUCTURE_ID",
    "STRUCTURE_NAME",
    "SERIES_KEY",
    "OBS_KEY",
    "FREQ",
    "REPORTING_TYPE",
    "OBS_STATUS",
    "OBS_CONF",
    "NATURE",
    "SOURCE_DETAIL",
    "TIME_DETAIL",
    "TIME_COVERAGE",
    "BASE_PER",
    "DECIMALS",
    "UPPER_BOUND",
    "LOWER_BOUND",
    "COMMENT_TS",
    "COMMENT_DSET",
    "DATA_LAST_UPDATE",
    "GEO_INFO_URL",
    "GEO_INFO_TYPE",
    "UPDATED",
    "VALID_FROM",
    "VALID_TO",
)
SDMX_ROLES: dict[str, Role] = {
    "time_period": Role.PERIOD,
    "obs_value": Role.VALUE,
    "ref_area": Role.AREA,
    "unit_measure": Role.UNIT,
    "series": Role.INDICATOR,
    "comment_obs": Role.NOTE,
    "action": Role.ACTION,
    "unit_mult": Role.UNIT_MULTIPLIER,
    **{name.casefold(): Role.IGNORED for name in _SDMX_IGNORED},
}

ROLES = {Layout.OPEN_SDG: OPEN_SDG_ROLES, Layout.SDMX: SDMX_ROLES}
REQUIRED = {
    Layout.OPEN_SDG: {Role.PERIOD: "Year", Role.VALUE: "Value"},
    Layout.SDMX: {Role.PERIOD: "TIME_PERIOD", Role.VALUE: "OBS_VALUE"},
}
# Codes that mean "all" or "not applicable": the dimension is left out of the breakdown.
SDMX_TOTALS = frozenset({"_t", "_z"})

# "COMMENT_OBS[en;ru]: Comment" -> id "COMMENT_OBS", brackets "en;ru".
_SDMX_HEADER = re.compile(r"^\s*(?P<id>[^\[:]*?)\s*(?:\[(?P<brackets>[^\]]*)\])?\s*(?::\s.*)?$")


@dataclass(frozen=True)
class Header:
    """A header cell: as the file writes it (for messages) and the name it is matched by."""

    text: str
    name: str  # casefolded, whitespace collapsed, SDMX decorations removed
    brackets: str = ""  # SDMX: the sub-field separator or the languages in "[...]"


def parse_header(text: str, layout: Layout) -> Header:
    clean = " ".join(text.split())
    if layout == Layout.SDMX and (match := _SDMX_HEADER.match(clean)):
        return Header(text, match.group("id").casefold(), match.group("brackets") or "")
    return Header(text, clean.casefold())


def sdmx_sub_separator(first_header: str) -> str:
    """The sub-field separator of ``STRUCTURE[;]`` (``;`` when the header does not say)."""
    header = parse_header(first_header, Layout.SDMX)
    return header.brackets[:1] or ";"


def detect_layout(first_row: Sequence[str]) -> Layout | None:
    """The format a header row is in: SDMX-CSV when it starts with ``DATAFLOW``/``STRUCTURE``
    or names ``TIME_PERIOD`` and ``OBS_VALUE``; Open SDG when it names ``Year`` and ``Value``.
    """
    names = [parse_header(cell, Layout.SDMX).name for cell in first_row]
    if not names:
        return None
    if names[0] in {"dataflow", "structure"} or {"time_period", "obs_value"} <= set(names):
        return Layout.SDMX
    if {"year", "value"} <= {" ".join(cell.split()).casefold() for cell in first_row}:
        return Layout.OPEN_SDG
    return None


def is_exchange_header(rows: Sequence[Sequence[str]]) -> bool:
    """``read_rows``' header test: the first row, split so, is an Open SDG or SDMX-CSV header.

    For SDMX-CSV this picks the character right after ``DATAFLOW`` or ``STRUCTURE[...]``: split
    with any other, the first cell would not be that word alone.
    """
    return bool(rows) and len(rows[0]) > 1 and detect_layout(rows[0]) is not None
