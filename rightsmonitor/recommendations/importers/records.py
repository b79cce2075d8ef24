"""One recommendation as read from a file, and the cleaning of the cells it comes from.

Every reader turns its format into ``Record`` objects; the engine (``engine.py``) saves them.
A cell that cannot be read raises ``RowRejected``: the row is left out and listed, with the
reason, in the run's rejected rows, while the rest of the file is imported.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import nh3
import pycountry
from django.utils.translation import gettext as _

from rightsmonitor.recommendations.models import Position

EXCEL_EPOCH = date(1899, 12, 30)
PARAGRAPH = re.compile(r"^\s*((?:\d{1,4}\.)+\d{1,4}|\d{1,4}\s?\([a-z]{1,3}\)|\d{1,4})[.)]?\s+")
SDG_TARGET = re.compile(r"^\s*(?:SDG\s*|Target\s*)?(\d{1,2}\.(?:\d{1,2}|[a-c]))\b\s*(?:[-–—:]\s*)?(.*)$", re.I)
CATEGORY = re.compile(r"^\s*([1-5])\b")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "январь", "января", "янв"),
            ("february", "feb", "февраль", "февраля", "фев"),
            ("march", "mar", "март", "марта", "мар"),
            ("april", "apr", "апрель", "апреля", "апр"),
            ("may", "май", "мая"),
            ("june", "jun", "июнь", "июня", "июн"),
            ("july", "jul", "июль", "июля", "июл"),
            ("august", "aug", "август", "августа", "авг"),
            ("september", "sep", "sept", "сентябрь", "сентября", "сен"),
            ("october", "oct", "октябрь", "октября", "окт"),
            ("november", "nov", "ноябрь", "ноября", "ноя"),
            ("december", "dec", "декабрь", "декабря", "дек"),
        ],
        start=1,
    )
    for name in names
}
KAZAKH_LETTERS = set("әғқңөұүһі")


class RowRejected(Exception):
    """This row cannot be imported; ``reason`` says why, ``column`` where."""

    def __init__(self, reason: str, *, column: str = "") -> None:
        super().__init__(reason)
        self.reason = str(reason)
        self.column = column


@dataclass
class Record:
    """A recommendation as a reader found it, before it is matched and saved."""

    text: str
    body: str
    source: str
    source_id: str = ""
    mechanism: str = ""
    language: str = ""
    paragraph: str = ""
    symbol: str = ""
    session: str = ""
    cycle: str = ""
    document_date: date | None = None
    recommending_states: list[str] = field(default_factory=list)
    position: str = Position.NO_RESPONSE
    action_category: int | None = None
    themes: list[str] = field(default_factory=list)
    affected_persons: list[str] = field(default_factory=list)
    sdg_targets: list[tuple[str, str]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        data = asdict(self)
        data["document_date"] = self.document_date.isoformat() if self.document_date else ""
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(canonical.encode(), usedforsecurity=False).hexdigest()

    @property
    def text_key(self) -> str:
        return text_key(self.text)


def text_key(text: str) -> str:
    """Hash of the text with case, punctuation and spacing ignored: a re-typed copy matches."""
    normal = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    normal = " ".join(re.findall(r"\w+", normal))
    return hashlib.sha1(normal.encode(), usedforsecurity=False).hexdigest()


# --- Cells ------------------------------------------------------------------------------------


def clean(value: object) -> str:
    """A cell as one line of text, spacing collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def multi(value: object) -> list[str]:
    """Values of a multi-valued cell: one per line (UHRI writes "- " before each), or a list.

    Uwazi's CSV export joins values with "|". Duplicates are dropped, order kept.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [clean(item) for item in value]
    else:
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        parts = re.split(r"\n|\|", text) if ("\n" in text or "|" in text) else [text]
        items = [clean(part) for part in parts]
    items = [re.sub(r"^[-–•]\s*", "", item) for item in items]
    return list(dict.fromkeys(item for item in items if item))


def single(value: object) -> str:
    """A cell meant to hold one value (UHRI still writes "- CEDAW")."""
    values = multi(value)
    return "; ".join(values)


def html_to_text(value: object) -> str:
    """The plain text of UHRI's HTML: paragraphs and line breaks kept, tags and entities gone."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = re.sub(r"(?i)<\s*br\s*/?\s*>|</\s*(p|div|li|tr|h\d)\s*>", "\n", text)
        text = nh3.clean(text, tags=set())
    text = html.unescape(text).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def split_paragraph(text: str) -> tuple[str, str]:
    """("136.1", "Ratify ...") from "136.1 Ratify ..."; ("", text) when no number leads."""
    match = PARAGRAPH.match(text)
    if not match or len(text) <= match.end():
        return "", text
    return match.group(1).replace(" ", ""), text[match.end() :].lstrip()


def language_of(text: str) -> str:
    letters = [ch for ch in text.lower() if ch.isalpha()]
    if not letters:
        return ""
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if cyrillic * 2 > len(letters):
        return "kk" if KAZAKH_LETTERS.intersection(letters) else "ru"
    ascii_letters = sum(1 for ch in letters if ch.isascii())
    return "en" if ascii_letters * 10 >= len(letters) * 9 else ""


def parse_date(value: object, *, column: str) -> date | None:
    """Dates as UHRI and spreadsheets write them: Excel serials, ISO, 12/02/2025, 12 Feb 2025."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), column)
    text = clean(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
        return _serial(float(text), column)
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$", text)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), text, column)
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        # The UN writes day first; a first number above 12 can only be a day, a second one
        # above 12 only a day written second (US style).
        if second > 12 >= first:
            return _date(year, first, second, text, column)
        return _date(year, second, first, text, column)
    words = re.findall(r"[^\W\d_]+|\d+", text.lower())
    numbers = [int(word) for word in words if word.isdigit()]
    months = [MONTHS[word] for word in words if word in MONTHS]
    years = [number for number in numbers if number > 31]
    days = [number for number in numbers if number <= 31]
    if len(months) == 1 and len(years) == 1 and len(days) <= 1:
        return _date(years[0], months[0], days[0] if days else 1, text, column)
    raise RowRejected(_("“%(value)s” is not a date.") % {"value": text}, column=column)


def _serial(value: float, column: str) -> date:
    if not 1 <= value < 2_958_466:
        raise RowRejected(_("“%(value)s” is not a date.") % {"value": value}, column=column)
    return EXCEL_EPOCH + timedelta(days=int(value))


def _date(year: int, month: int, day: int, text: str, column: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise RowRejected(
            _("“%(value)s” is not a date.") % {"value": text}, column=column
        ) from None


def parse_position(value: object) -> str:
    """The State's position from the words UHRI, UPR Info and Russian reports use."""
    text = single(value).casefold()
    if not text:
        return Position.NO_RESPONSE
    supported = "support" in text or "accept" in text or "поддерж" in text or "принят" in text
    noted = (
        "noted" in text
        or "not support" in text
        or "reject" in text
        or "к сведению" in text
        or "не поддерж" in text
    )
    if "part" in text or "частич" in text or ("/" in text and supported and noted):
        return Position.SUPPORTED_IN_PART
    if noted:
        return Position.NOTED
    if supported:
        return Position.SUPPORTED
    return Position.NO_RESPONSE


def parse_category(value: object, *, column: str) -> int | None:
    text = single(value)
    if not text:
        return None
    match = CATEGORY.match(text)
    if not match:
        raise RowRejected(
            _("“%(value)s” is not an action category from 1 to 5.") % {"value": text},
            column=column,
        )
    return int(match[1])


def parse_sdgs(value: object, *, column: str) -> list[tuple[str, str]]:
    """[("16.3", "Promote the rule of law ...")] from "16.3 - Promote the rule of law ..."."""
    targets: list[tuple[str, str]] = []
    for item in multi(value):
        match = SDG_TARGET.match(item)
        if not match:
            raise RowRejected(
                _("“%(value)s” is not an SDG target (like “16.3 - …”).") % {"value": item},
                column=column,
            )
        targets.append((match[1].lower(), match[2].strip()))
    return list(dict.fromkeys(targets))


@lru_cache(maxsize=4096)
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 code for a country name or code; the name itself when unknown."""
    name = clean(name)
    if not name:
        return ""
    if len(name) == 3 and name.isalpha() and name.isupper():
        return name
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(name)
    except LookupError:
        return name[:64]
    return str(matches[0].alpha_3) if len(matches) == 1 else name[:64]
