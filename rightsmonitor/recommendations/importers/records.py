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
# The paragraph number that begins a text: "136.1", "12.", "27 (b)", "36.The ..." (no space).
# A bare number has at most three digits, so that "1951 Convention ..." keeps its year.
PARAGRAPH = re.compile(r"^\s*((?:\d{1,4}\.)+\d{1,4}|\d{1,3}\s?\([a-z]{1,3}\)|\d{1,3})([.)]?)(\s*)")
# "16.3 - Promote the rule of law ...": a target, its text. A goal alone ("16 - Peace ...") is
# kept as the goal; an indicator ("16.3.2 - ...") stands for its target.
SDG_TARGET = re.compile(
    r"^\s*(?:SDG\s*|Target\s*|Goal\s*)?(\d{1,2})(?:\.(\d{1,2}|[a-c])(\.\d{1,2})?)?(?![\w.])"
    r"\s*(?:[-–—:]\s*)?(.*)$",
    re.I,
)
CATEGORY = re.compile(r"^\s*([1-5])\b")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# Dates before the UN existed are not dates of recommendations.
FIRST_DATE, LAST_DATE = date(1945, 1, 1), date(2100, 12, 31)
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
DASHED = re.compile(r"^[-–•]\s+|^[-–•]$")


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
    annotation_type: str = ""

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
        value = int(value)  # an id or a number that Excel holds as 12345.0
    return " ".join(str(value).split())


def multi(value: object) -> list[str]:
    """Values of a multi-valued cell: one per line (UHRI writes "- " before each), or a list.

    Uwazi's CSV export joins values with "|". In a cell whose values start with "- ", a line
    that does not is the rest of the value above it (a long value broken over two lines).
    Duplicates are dropped, order kept.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [clean(item) for item in value]
    else:
        text = clean(value) if isinstance(value, int | float) else str(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = [line.strip() for line in text.split("\n")]
        if any(DASHED.match(line) for line in lines):
            items = []
            for line in lines:
                if DASHED.match(line) or not items:
                    items.append(line)
                elif line:
                    items[-1] = f"{items[-1]} {line}"
            items = [clean(item) for item in items]
        else:
            items = [clean(part) for line in lines for part in line.split("|")]
    items = [DASHED.sub("", item).strip() for item in items]
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
    """("136.1", "Ratify ...") from "136.1 Ratify ..."; ("", text) when no number leads.

    "12. The Committee", "27 (b) Strengthen", "5) Adopt" and "36.The State party" (UHRI leaves
    out the space now and then) all lead with a paragraph number; "3.5 million" or "2030
    Agenda" do not.
    """
    match = PARAGRAPH.match(text)
    if not match or len(text) <= match.end():
        return "", text
    number, mark, space = match.groups()
    rest = text[match.end() :]
    if not space and not (mark and (rest[0].isupper() or rest[0] in '(«“"')):
        return "", text
    if not mark and "." not in number and "(" not in number and not rest[0].isupper():
        # "15 cases of torture ...": a count, not a paragraph number.
        return "", text
    return number.replace(" ", ""), rest.lstrip()


# Words that tell the UN's Latin-script languages apart (UHRI exports each of them).
LATIN_WORDS = {
    "en": frozenset({"the", "and", "of", "to", "that", "with", "for", "its", "on", "by"}),
    "fr": frozenset(
        {"le", "la", "les", "des", "et", "du", "que", "dans", "pour", "une", "sur", "aux"}
    ),
    "es": frozenset(
        {"el", "los", "las", "y", "del", "que", "en", "para", "con", "una", "por", "al"}
    ),
}


def language_of(text: str) -> str:
    """ "en", "fr", "es", "ru", "kk", or "" when the text does not say."""
    letters = [ch for ch in text.lower() if ch.isalpha()]
    if not letters:
        return ""
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if cyrillic * 2 > len(letters):
        return "kk" if KAZAKH_LETTERS.intersection(letters) else "ru"
    latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u017f")
    if latin * 10 < len(letters) * 9:
        return ""
    words = re.findall(r"[^\W\d_]+", text.lower()[:2000])
    hits = {code: sum(word in known for word in words) for code, known in LATIN_WORDS.items()}
    best = max(hits, key=lambda code: hits[code])
    if hits[best]:
        return best
    return "en" if all(ch.isascii() for ch in letters) else ""


def parse_date(value: object, *, column: str) -> date | None:
    """Dates as UHRI and spreadsheets write them: Excel serials, ISO, 12/02/2025, 12 Feb 2025.

    A year alone ("2019") is taken as 1 January of that year.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _in_range(value.date(), str(value), column)
    if isinstance(value, date):
        return _in_range(value, str(value), column)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(float(value), clean(value), column)
    text = clean(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
        return _number(float(text), text, column)
    match = re.match(
        r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
        r"\s*(?:Z|[+-]\d{2}:?\d{2})?$",
        text,
    )
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), text, column)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        return _date(int(match[1]), int(match[2]), 1, text, column)
    match = re.fullmatch(
        r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?",
        text,
        re.I,
    )
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
    unknown = [word for word in words if not word.isdigit() and word not in MONTHS]
    if len(months) == 1 and len(years) == 1 and len(days) <= 1 and len(unknown) <= 1:
        # One unknown word at most: "г." in "15 марта 2024 г.", "of" in "1st of March".
        return _date(years[0], months[0], days[0] if days else 1, text, column)
    raise _not_a_date(text, column)


def _not_a_date(text: object, column: str) -> RowRejected:
    return RowRejected(_("“%(value)s” is not a date.") % {"value": text}, column=column)


def _number(value: float, text: str, column: str) -> date:
    """A year (1945-2100), else an Excel serial number (days since 30 December 1899)."""
    if value.is_integer() and FIRST_DATE.year <= value <= LAST_DATE.year:
        return date(int(value), 1, 1)
    try:
        day = EXCEL_EPOCH + timedelta(days=int(value))
    except OverflowError:
        raise _not_a_date(text, column) from None
    return _in_range(day, text, column)


def _in_range(day: date, text: str, column: str) -> date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _not_a_date(text, column)
    return day


def _date(year: int, month: int, day: int, text: str, column: str) -> date:
    try:
        return _in_range(date(year, month, day), text, column)
    except ValueError:
        raise _not_a_date(text, column) from None


def parse_position(value: object) -> str:
    """The State's position from the words UHRI, UPR Info and Russian reports use.

    Several values (UHRI's list of positions for a recommendation answered in two parts)
    that mix support and noting make "supported in part".
    """
    positions = {_position(item) for item in multi(value)} - {Position.NO_RESPONSE}
    if not positions:
        return Position.NO_RESPONSE
    if len(positions) > 1:
        return Position.SUPPORTED_IN_PART
    return positions.pop()


def _position(value: str) -> str:
    text = value.casefold()
    supported = "support" in text or "accept" in text or "поддерж" in text or "принят" in text
    noted = (
        "noted" in text
        or "not support" in text
        or "reject" in text
        or "к сведению" in text
        or "не поддерж" in text
        or "не принят" in text
    )
    if "part" in text or "частич" in text or ("/" in text and supported and noted):
        return Position.SUPPORTED_IN_PART
    if noted:
        return Position.NOTED
    if supported:
        return Position.SUPPORTED
    return Position.NO_RESPONSE


def parse_session(value: object) -> str:
    """The session's number: "44" from "44 - November 2023" (UPR Info), "- 44" (UHRI)."""
    text = single(value)
    match = re.fullmatch(
        r"(?i)(?:session\s*)?(\d{1,3})(?:st|nd|rd|th)?(?:\s*session)?(?:\s*[-–—:,(].*)?", text
    )
    return match[1] if match else text


def parse_cycle(value: object) -> str:
    """The cycle's number: "3" from "3rd Cycle", "Cycle 3", "Third cycle"; else as written."""
    text = single(value)
    match = re.fullmatch(r"(?i)(?:cycle\s*)?(\d)(?:st|nd|rd|th)?(?:\s*cycle)?", text)
    if match:
        return match[1]
    match = re.fullmatch(r"(?i)(\w+)\s+cycle", text)
    if match and match[1].casefold() in ORDINALS:
        return str(ORDINALS[match[1].casefold()])
    return text


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
        if not match or not 1 <= int(match[1]) <= 17:
            raise RowRejected(
                _("“%(value)s” is not an SDG target (like “16.3 - …”).") % {"value": item},
                column=column,
            )
        goal, target, indicator, title = match.groups()
        code = f"{goal}.{target.lower()}" if target else goal
        targets.append((code, "" if indicator else title.strip()))
    return list(dict.fromkeys(targets))


# Names the UN (and people) write that ISO 3166 does not know, or knows as another country.
COUNTRY_NAMES = {
    "republic of korea": "KOR",
    "korea": "KOR",
    "democratic people's republic of korea": "PRK",
    "democratic republic of the congo": "COD",
    "republic of the congo": "COG",
    "united republic of tanzania": "TZA",
    "netherlands (kingdom of the)": "NLD",
    "kingdom of the netherlands": "NLD",
    "state of palestine": "PSE",
    "holy see": "VAT",
    "côte d'ivoire": "CIV",
    "cote d'ivoire": "CIV",
    "ivory coast": "CIV",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "turkey": "TUR",
    "russia": "RUS",
    "the former yugoslav republic of macedonia": "MKD",
    "macedonia": "MKD",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "micronesia": "FSM",
    "united kingdom of great britain and northern ireland": "GBR",
    "united states of america": "USA",
    "казахстан": "KAZ",
    "республика казахстан": "KAZ",
    "қазақстан": "KAZ",
    "қазақстан республикасы": "KAZ",
    "российская федерация": "RUS",
    "кыргызстан": "KGZ",
    "кыргызская республика": "KGZ",
    "узбекистан": "UZB",
    "таджикистан": "TJK",
    "туркменистан": "TKM",
}


@lru_cache(maxsize=4096)
def country_code(name: str) -> str:
    """ISO 3166-1 alpha-3 code for a country name or code; the name itself when unknown.

    No guessing: "Republic of Korea" must not become the other Korea, nor "Kosovo" Serbia,
    as a fuzzy search would have it. The UN's "Iran (Islamic Republic of)" is ISO's "Iran,
    Islamic Republic of".
    """
    name = clean(name).replace("’", "'").replace("`", "'")
    if not name:
        return ""
    if len(name) == 3 and name.isalpha() and name.isupper():
        return name
    known = COUNTRY_NAMES.get(name.casefold())
    if known:
        return known
    candidates = [name, re.sub(r"^the\s+", "", name, flags=re.I)]
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if match:
        candidates += [f"{match[1]}, {match[2]}", match[1]]
    for candidate in candidates:
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    return name[:64]
