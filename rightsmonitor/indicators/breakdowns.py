"""Dimension codes and breakdown keys, resolved once per import or page.

A ``Codebook`` loads every dimension and value (two queries) and answers: which dimension a
column header names (``SEX``, ``Sex``), which value a cell names (the code, an alias such as
an old ISO letter code, or a name in any language, case-insensitively), and the canonical key
of a combination (``AGE=Y15T24|SEX=F``). ``_T`` and a blank cell mean the total: the dimension
is simply absent from the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rightsmonitor.core.translation import language_codes
from rightsmonitor.indicators.models import AREA, TOTAL, Dimension, DimensionValue

TOTAL_WORDS = frozenset({"", TOTAL.lower(), "total", "all", "всего", "итого", "барлығы", "жиыны"})


def breakdown_key(values: Mapping[str, str]) -> str:
    """``{"SEX": "F", "AGE": "Y15T24"}`` → ``"AGE=Y15T24|SEX=F"``; totals left out."""
    return "|".join(f"{dim}={code}" for dim, code in sorted(values.items()) if code != TOTAL)


def parse_breakdown_key(key: str) -> dict[str, str]:
    if not key:
        return {}
    return dict(part.split("=", 1) for part in key.split("|"))


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass
class Codebook:
    dimensions: dict[str, Dimension] = field(default_factory=dict)  # by code
    values: dict[tuple[str, str], DimensionValue] = field(default_factory=dict)  # (dim, code)
    _headers: dict[str, str] = field(default_factory=dict)  # normalised header → dim code
    _lookup: dict[tuple[str, str], DimensionValue] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Codebook:
        book = cls()
        for dimension in Dimension.objects.all():
            book.dimensions[dimension.code] = dimension
            names = [dimension.code, dimension.column_name]
            names += [getattr(dimension, f"name_{code}") for code in language_codes()]
            for name in names:
                if name:
                    book._headers.setdefault(_norm(name), dimension.code)
        for value in DimensionValue.objects.select_related("dimension"):
            dim = value.dimension.code
            book.values[(dim, value.code)] = value
            names = [value.code, *value.aliases]
            names += [getattr(value, f"name_{code}") for code in language_codes()]
            for name in names:
                if name:
                    book._lookup.setdefault((dim, _norm(name)), value)
        return book

    def dimension_for_header(self, header: str) -> str | None:
        return self._headers.get(_norm(header))

    def is_total(self, text: str | None) -> bool:
        return text is None or _norm(text) in TOTAL_WORDS

    def value(self, dimension: str, text: str) -> DimensionValue | None:
        """The value ``text`` names in ``dimension`` (None if unknown; check totals first)."""
        return self._lookup.get((dimension, _norm(text)))

    def area(self, text: str) -> DimensionValue | None:
        return self.value(AREA, text)

    def national_area(self) -> DimensionValue | None:
        """The area that stands for the whole country: the one whose code has no hyphen."""
        areas = [v for (dim, _c), v in self.values.items() if dim == AREA and "-" not in v.code]
        return areas[0] if len(areas) == 1 else None

    def key_of(self, values: Iterable[DimensionValue]) -> str:
        return breakdown_key({v.dimension.code: v.code for v in values})
