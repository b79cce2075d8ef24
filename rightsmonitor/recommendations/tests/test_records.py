"""The cleaning of single cells, as the UHRI, UPR Info and spreadsheets write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rightsmonitor.recommendations.importers.records import (
    Record,
    RowRejected,
    clean,
    country_code,
    html_to_text,
    language_of,
    multi,
    parse_category,
    parse_cycle,
    parse_date,
    parse_position,
    parse_sdgs,
    parse_session,
    single,
    split_paragraph,
    text_key,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (12345.0, "12345"),  # an annotation id that Excel holds as a number
        (1234567, "1234567"),
        (2.5, "2.5"),
        ("  a\r\n b\t c ", "a b c"),
        ("a\xa0b", "a b"),
    ],
)
def test_clean(value: object, expected: str) -> None:
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("- Women & girls", ["Women & girls"]),
        ("- Children\n- Youth & juveniles", ["Children", "Youth & juveniles"]),
        ("- Children\r\n- Youth & juveniles\r\n", ["Children", "Youth & juveniles"]),
        # A value of UHRI's that itself holds " - " keeps it.
        (
            "- Economic, social & cultural rights - general measures\n- Right to health",
            ["Economic, social & cultural rights - general measures", "Right to health"],
        ),
        # A long value broken over two lines is one value.
        (
            "- 16.3 - Promote the rule of law at the national\nand international levels\n- 5.1 - End",
            [
                "16.3 - Promote the rule of law at the national and international levels",
                "5.1 - End",
            ],
        ),
        ("Women's rights|Violence against women", ["Women's rights", "Violence against women"]),
        ("Пытки\nПраво на жизнь", ["Пытки", "Право на жизнь"]),
        ("- A\n- A\n- B", ["A", "B"]),
        ("-", []),
        (["Peru", "", None, "Chile"], ["Peru", "Chile"]),
    ],
)
def test_multi(value: object, expected: list[str]) -> None:
    assert multi(value) == expected


def test_single_drops_the_dash() -> None:
    assert single("- CEDAW") == "CEDAW"
    assert single(None) == ""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>136.1&nbsp;Ratify the OP-CAT</p>", "136.1 Ratify the OP-CAT"),
        ("<p>Women &amp; girls</p>", "Women & girls"),
        (
            "<p>12. The State party should:</p><p>(a) Adopt</p>",
            "12. The State party should:\n(a) Adopt",
        ),
        ("<p>a</p>\r\n<p>b<br/>c</p>", "a\nb\nc"),
        ("Plain text,\r\nwith a CRLF", "Plain text,\nwith a CRLF"),
        ("x &lt; y", "x < y"),
        ("<p><strong>1.</strong> Bold</p><script>alert(1)</script>", "1. Bold"),
        (None, ""),
    ],
)
def test_html_to_text(html: str | None, expected: str) -> None:
    assert html_to_text(html) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("136.1 Consider ratifying", ("136.1", "Consider ratifying")),
        ("136.1. Consider ratifying", ("136.1", "Consider ratifying")),
        ("12. The Committee", ("12", "The Committee")),
        ("36.The State party should", ("36", "The State party should")),  # UHRI drops the space
        ("27 (b) Strengthen", ("27(b)", "Strengthen")),
        ("27(b) Strengthen", ("27(b)", "Strengthen")),
        ("5) Adopt a law", ("5", "Adopt a law")),
        ("98 The Special Rapporteur", ("98", "The Special Rapporteur")),
        (
            "1951 Convention relating to the Status of Refugees",
            ("", "1951 Convention relating to the Status of Refugees"),
        ),
        ("2030 Agenda", ("", "2030 Agenda")),
        ("15 cases of torture were", ("", "15 cases of torture were")),
        ("Ratify the OP-CAT", ("", "Ratify the OP-CAT")),
        ("136.1", ("", "136.1")),
        ("12. Рекомендует", ("12", "Рекомендует")),
    ],
)
def test_split_paragraph(text: str, expected: tuple[str, str]) -> None:
    assert split_paragraph(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (43818, date(2019, 12, 19)),  # Excel serial number
        (43818.0, date(2019, 12, 19)),
        (43818.75, date(2019, 12, 19)),  # a serial with a time of day
        ("43818", date(2019, 12, 19)),
        (datetime(2019, 12, 19, 10, 0), date(2019, 12, 19)),
        (date(2019, 12, 19), date(2019, 12, 19)),
        ("2025-02-12T00:00:00", date(2025, 2, 12)),  # UHRI JSON
        ("2025-03-03T10:53:45.827", date(2025, 3, 3)),
        ("2025-02-12T00:00:00Z", date(2025, 2, 12)),
        ("2025-02-12T00:00:00+05:00", date(2025, 2, 12)),
        ("2025-02-12 10:30", date(2025, 2, 12)),
        ("2025/02/12", date(2025, 2, 12)),
        ("2025-02", date(2025, 2, 1)),
        ("12/02/2025", date(2025, 2, 12)),  # day first, as the UN writes
        ("12.02.2025", date(2025, 2, 12)),
        ("02/13/2025", date(2025, 2, 13)),  # a second number above 12 is the day
        ("12/02/2025 00:00:00", date(2025, 2, 12)),
        ("2/13/2025 12:00:00 AM", date(2025, 2, 13)),  # as .NET writes it
        ("12 Feb 2025", date(2025, 2, 12)),
        ("February 12, 2025", date(2025, 2, 12)),
        ("30 October 2015", date(2015, 10, 30)),
        ("November 2023", date(2023, 11, 1)),
        ("15 марта 2024 г.", date(2024, 3, 15)),
        ("2019", date(2019, 1, 1)),
        (2019, date(2019, 1, 1)),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value, column="Date") == expected


@pytest.mark.parametrize(
    "value",
    [
        "sometime in 2019",
        "31/02/2019",
        "12",
        "1200",
        5.5,
        "99999999",
        "2019-13-01",
        "n/a",
        "1899-12-31",
    ],
)
def test_unreadable_dates_are_rejected_with_the_column(value: object) -> None:
    with pytest.raises(RowRejected) as error:
        parse_date(value, column="Document Publication Date")
    assert error.value.column == "Document Publication Date"
    assert "is not a date" in error.value.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("- Supported", "supported"),
        ("Supported", "supported"),
        ("Accepted", "supported"),
        ("- Noted", "noted"),
        ("Not Supported", "noted"),
        ("Rejected", "noted"),
        ("Supported/Noted", "supported_in_part"),
        ("Partially supported", "supported_in_part"),
        (["Supported", "Noted"], "supported_in_part"),  # UHRI JSON's list
        (["Supported"], "supported"),
        ("Поддержана", "supported"),
        ("Принята к сведению", "noted"),
        ("Pending", "no_response"),
        ("", "no_response"),
        (None, "no_response"),
        ([], "no_response"),
    ],
)
def test_parse_position(value: object, expected: str) -> None:
    assert parse_position(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("44 - November 2023", "44"),
        ("- 34", "34"),
        (["34"], "34"),
        ("34th session", "34"),
        ("Session 34", "34"),
        (34.0, "34"),
        ("Pre-sessional working group", "Pre-sessional working group"),
        (None, ""),
    ],
)
def test_parse_session(value: object, expected: str) -> None:
    assert parse_session(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", "3"),
        ("3rd Cycle", "3"),
        ("Cycle 4", "4"),
        ("Third cycle", "3"),
        (4, "4"),
        (None, ""),
        ("Mid-term", "Mid-term"),
    ],
)
def test_parse_cycle(value: object, expected: str) -> None:
    assert parse_cycle(value) == expected


def test_parse_category() -> None:
    assert parse_category("5 - Specific action", column="Action Category") == 5
    assert parse_category("2 - Continuing action", column="Action Category") == 2
    assert parse_category("", column="Action Category") is None
    with pytest.raises(RowRejected) as error:
        parse_category("Specific action", column="Action Category")
    assert error.value.column == "Action Category"


def test_parse_sdgs() -> None:
    cell = (
        "- 16.3 - Promote the rule of law at the national and international levels\n"
        "- 16.a - Strengthen relevant national institutions\n"
        "- 16.3 - Promote the rule of law at the national and international levels"
    )
    assert parse_sdgs(cell, column="Sdgs") == [
        ("16.3", "Promote the rule of law at the national and international levels"),
        ("16.a", "Strengthen relevant national institutions"),
    ]
    assert parse_sdgs(["5.2 - End all violence against women"], column="Sdgs") == [
        ("5.2", "End all violence against women")
    ]
    assert parse_sdgs(None, column="Sdgs") == []
    assert parse_sdgs("16 - Peace, justice and strong institutions", column="Sdgs") == [
        ("16", "Peace, justice and strong institutions")
    ]
    assert parse_sdgs("16.3.2 - Unsentenced detainees", column="Sdgs") == [("16.3", "")]
    assert parse_sdgs("Target 5.A: Give women equal rights", column="Sdgs") == [
        ("5.a", "Give women equal rights")
    ]


@pytest.mark.parametrize(
    "cell", ["- Goal sixteen: peace", "- 18.1 - No such goal", "- 2030 Agenda", "- 16.3x"]
)
def test_a_bad_sdg_cell_rejects_the_row(cell: str) -> None:
    with pytest.raises(RowRejected) as error:
        parse_sdgs(cell, column="Sdgs")
    assert error.value.column == "Sdgs"
    assert "is not an SDG target" in error.value.reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kazakhstan", "KAZ"),
        ("KAZ", "KAZ"),
        ("Казахстан", "KAZ"),
        ("Republic of Korea", "KOR"),  # not the other Korea, as a fuzzy search has it
        ("Democratic People's Republic of Korea", "PRK"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Micronesia (Federated States of)", "FSM"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("United Republic of Tanzania", "TZA"),
        ("State of Palestine", "PSE"),
        ("Holy See", "VAT"),
        ("Côte d’Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Russian Federation", "RUS"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Lao People's Democratic Republic", "LAO"),
        ("Viet Nam", "VNM"),
        ("Kosovo", "Kosovo"),  # not in ISO 3166: kept as written, not turned into Serbia
        ("", ""),
    ],
)
def test_country_code(name: str, expected: str) -> None:
    assert country_code(name) == expected


def test_language_of() -> None:
    assert language_of("Ratify the Convention") == "en"
    assert language_of("Ratify the Convention and its Optional Protocol") == "en"
    assert language_of("Ratifier la Convention et le Protocole facultatif") == "fr"
    assert language_of("Adoptar medidas para la protección de los derechos") == "es"
    assert language_of("Ratify OP-CAT") == "en"
    assert language_of("Ратифицировать конвенцию") == "ru"
    assert language_of("Конвенцияны ратификациялау қажет") == "kk"
    assert language_of("136.1") == ""


def test_text_key_ignores_case_spacing_and_punctuation() -> None:
    assert text_key("Ratify  the OP-CAT.") == text_key("ratify the op cat")
    assert text_key("Ratify the OP-CAT") != text_key("Ratify the OP-ICESCR")


def test_content_hash_changes_with_any_field() -> None:
    record = Record(text="Ratify", body="UPR", source="uhri", source_id="1")
    same = Record(text="Ratify", body="UPR", source="uhri", source_id="1")
    other = Record(text="Ratify", body="UPR", source="uhri", source_id="1", themes=["Torture"])
    assert record.content_hash() == same.content_hash()
    assert record.content_hash() != other.content_hash()
