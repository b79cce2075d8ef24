"""Regenerate the recommendation test files: UHRI Excel and JSON, UPR Info CSV, a mapped CSV.

Usage: ``uv run python rightsmonitor/recommendations/tests/data/make_files.py``

The files follow the layouts in docs (``/work/shared/DATA_FORMATS.md``): UHRI's Excel header
with its misspellings, one value per line with "- " in multi-valued cells, HTML text that
begins with the paragraph number, dates as Excel serial numbers, as date cells and as text;
the UHRI JSON export with the same annotation ids (an Excel row and a JSON object with the same
id are the same recommendation); UPR Info's database as Uwazi exports it (Title, Date added,
Template, one column per property, then Geolocation, Documents, Attachments, Published; "|"
between the values of a multi-select), also as Excel's "Unicode text" (UTF-16, tabs); and a
Russian CSV as Excel on Russian Windows saves it (Windows-1251, semicolons), imported with a
column mapping. The output is deterministic: regenerating changes nothing.

- ``uhri.xlsx``: eight recommendations: three UPR (supported, noted, supported/noted), four
  treaty bodies (CEDAW, CCPR, CRC with a numeric annotation id, CAT with a long text), one
  special procedure.
- ``uhri_reordered.xlsx``: the same rows, columns in another order, an extra column UHRI does
  not write, and empty columns after the last one.
- ``uhri_updated.xlsx``: ``uhri.xlsx`` with the text of 136.45 corrected and a theme added to
  the CEDAW recommendation.
- ``uhri_rejects.xlsx``: two good rows, a row without text, a row whose date cannot be read,
  a row with a bad SDG cell, and an empty row (skipped).
- ``uhri.json``: the eight records of ``uhri.xlsx`` as the UHRI's JSON export has them.
- ``uprinfo.csv``, ``uprinfo_utf16.csv``: six UPR recommendations to Kazakhstan.
- ``generic.csv``: three recommendations of the national human rights commissioner.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2024, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)

UHRI_HEADER = [
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
]

SDG_16_3 = (
    "16.3 - Promote the rule of law at the national and international levels and ensure "
    "equal access to justice for all"
)
SDG_16_10 = (
    "16.10 - Ensure public access to information and protect fundamental freedoms, in "
    "accordance with national legislation and international agreements"
)
LONG_CAT = " ".join(
    [
        "(a) Ensure that all persons deprived of their liberty are afforded, in law and in",
        "practice, all fundamental legal safeguards from the very outset of their deprivation",
        "of liberty, including the right to have access to a lawyer of their choice, to",
        "request and receive an independent medical examination and to notify a relative;",
    ]
    * 14
)

# One UHRI annotation per dict; "date_cell" says how the Excel file writes the date.
RECORDS: list[dict[str, Any]] = [
    {
        "id": "7f1e2c3a-5b6d-4e8f-9a0b-1c2d3e4f5a61",
        "document_id": "0b7c1d9e-2a3f-4b5c-8d6e-7f8091a2b3c4",
        "text": (
            "<p>136.1 Consider ratifying the Optional Protocol to the International Covenant "
            "on Economic, Social and Cultural Rights (Portugal);</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "UPR",
        "symbol": "A/HRC/43/10",
        "themes": [
            "International instruments",
            "Economic, social & cultural rights - general measures of implementation",
        ],
        "affected": ["General"],
        "sdgs": [
            SDG_16_3,
            "10.3 - Ensure equal opportunity and reduce inequalities of outcome, including by "
            "eliminating discriminatory laws, policies and practices",
        ],
        "date": date(2019, 12, 19),
        "date_cell": "serial",
        "states": ["Portugal"],
        "position": "Supported",
        "session": "34",
        "cycle": "3",
        "regions": ["Asia-Pacific States"],
        "recommending_regions": ["WEOG"],
    },
    {
        "id": "7f1e2c3a-5b6d-4e8f-9a0b-1c2d3e4f5a62",
        "document_id": "0b7c1d9e-2a3f-4b5c-8d6e-7f8091a2b3c4",
        "text": (
            "<p>136.45&nbsp;Decriminalize defamation and bring the legislation on freedom of "
            "expression into line with article 19 of the International Covenant on Civil and "
            "Political Rights (Czechia) (Estonia);</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "UPR",
        "symbol": "A/HRC/43/10",
        "themes": ["Freedom of opinion & expression"],
        "affected": ["Media", "Human rights defenders"],
        "sdgs": [SDG_16_10],
        "date": date(2019, 12, 19),
        "date_cell": "text:19/12/2019",
        "states": ["Czechia", "Estonia"],
        "position": "Noted",
        "session": "34",
        "cycle": "3",
        "regions": ["Asia-Pacific States"],
        "recommending_regions": ["Eastern European States"],
    },
    {
        "id": "7f1e2c3a-5b6d-4e8f-9a0b-1c2d3e4f5a63",
        "document_id": "0b7c1d9e-2a3f-4b5c-8d6e-7f8091a2b3c4",
        "text": (
            "<p>136.102 Bring the legislation on the registration of religious associations "
            "into line with international standards and decriminalize unregistered religious "
            "activity (United States of America);</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "UPR",
        "symbol": "A/HRC/43/10",
        "themes": ["Freedom of thought, conscience & religion"],
        "affected": ["Persons belonging to minorities"],
        "sdgs": [],
        "date": date(2019, 12, 19),
        "date_cell": "datetime",
        "states": ["United States of America"],
        "position": "Supported/Noted",
        "session": "34",
        "cycle": "3",
        "regions": ["Asia-Pacific States"],
        "recommending_regions": ["WEOG"],
    },
    {
        "id": "c3a1d2e4-6f70-4812-93a4-b5c6d7e8f901",
        "document_id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
        "text": (
            "<p>12.&nbsp;The Committee recommends that the State party adopt a comprehensive "
            "definition of discrimination against women &amp; girls, covering direct and "
            "indirect discrimination in the public and private spheres, in line with articles "
            "1 and 2 of the Convention.</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "CEDAW",
        "symbol": "CEDAW/C/KAZ/CO/5",
        "themes": ["Women's rights", "Equality & non-discrimination"],
        "affected": ["Women & girls"],
        "sdgs": ["5.1 - End all forms of discrimination against all women and girls everywhere"],
        "date": date(2019, 11, 12),
        "date_cell": "serial",
        "regions": ["Asia-Pacific States"],
    },
    {
        "id": "c3a1d2e4-6f70-4812-93a4-b5c6d7e8f902",
        "document_id": "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0",
        "text": (
            "<p>36.The State party should:</p>\r\n"
            "<p>(a) Bring its legislation on peaceful assemblies into line with article 21 of "
            "the Covenant;</p>\r\n"
            "<p>(b) Ensure that organizers and participants are not prosecuted for the peaceful "
            "exercise of their rights.</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "CCPR",
        "symbol": "CCPR/C/KAZ/CO/3",
        "themes": ["Freedom of peaceful assembly"],
        "affected": ["Human rights defenders", "Civil society"],
        "sdgs": [SDG_16_10],
        "date": date(2023, 8, 11),
        "date_cell": "text:2023-08-11",
        "regions": ["Asia-Pacific States"],
    },
    {
        "id": "c3a1d2e4-6f70-4812-93a4-b5c6d7e8f903",
        "document_id": "7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1",
        "text": (
            "<p>98. The Special Rapporteur recommends that the Government amend the Law on "
            "Public Associations so that registration is a simple, non-discretionary "
            "procedure.</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "Special Rapporteur on the rights to freedom of peaceful assembly and of association",
        "symbol": "A/HRC/29/25/Add.2",
        "themes": ["Freedom of association"],
        "affected": ["Civil society"],
        "sdgs": [
            "16.7 - Ensure responsive, inclusive, participatory and representative "
            "decision-making at all levels"
        ],
        "date": date(2015, 6, 10),
        "date_cell": "serial",
        "regions": ["Asia-Pacific States"],
    },
    {
        "id": 1234567,  # an old numeric id: Excel holds it as the number 1234567.0
        "document_id": "8b9c0d1e-2f3a-4b4c-d5e6-f7a8b9c0d1e2",
        "text": (
            "<p>27 (b) Strengthen the juvenile justice system in line with the Convention "
            "&amp; ensure that detention is used as a measure of last resort.</p>"
        ),
        "countries": ["Kazakhstan"],
        "body": "CRC",
        "symbol": "CRC/C/KAZ/CO/4",
        "themes": ["Administration of justice & fair trial", "Children: juvenile justice"],
        "affected": ["Children", "Youth & juveniles"],
        "sdgs": [
            "16.2 - End abuse, exploitation, trafficking and all forms of violence against "
            "and torture of children",
            SDG_16_3,
        ],
        "date": date(2015, 10, 30),
        "date_cell": "text:30 October 2015",
        "regions": ["Asia-Pacific States"],
    },
    {
        "id": "c3a1d2e4-6f70-4812-93a4-b5c6d7e8f905",
        "document_id": "9c0d1e2f-3a4b-4c5d-e6f7-a8b9c0d1e2f3",
        "text": f"<p>10. The State party should:</p><p>{LONG_CAT}</p>",
        "countries": ["Kazakhstan"],
        "body": "CAT",
        "symbol": "CAT/C/KAZ/CO/4",
        "themes": ["Torture & other cruel, inhuman or degrading treatment"],
        "affected": ["Persons deprived of their liberty"],
        "sdgs": [
            "16.a - Strengthen relevant national institutions, including through international "
            "cooperation, for building capacity at all levels"
        ],
        "date": date(2014, 6, 12),
        "date_cell": "serial",
        "regions": ["Asia-Pacific States"],
    },
]


def dashed(values: list[str]) -> str | None:
    """A UHRI multi-valued cell: one value a line, each after "- "."""
    return "\n".join(f"- {value}" for value in values) if values else None


def excel_date(record: dict[str, Any]) -> Any:
    kind = record["date_cell"]
    if kind == "serial":
        return (record["date"] - EXCEL_EPOCH).days
    if kind == "datetime":
        return datetime.combine(record["date"], datetime.min.time())
    return kind.removeprefix("text:")


def uhri_row(record: dict[str, Any]) -> dict[str, Any]:
    upr = record["body"] == "UPR"
    annotation_id = record["id"]
    return {
        "Text": record["text"],
        "Countries Concerned": dashed(record["countries"]),
        "Reccomending Body": f"- {record['body']}",
        "Document Symbol": record["symbol"],
        "Themes": dashed(record["themes"]),
        "Affected Persons": dashed(record["affected"]),
        "Sdgs": dashed(record["sdgs"]),
        "Document Publication Date": excel_date(record),
        "UPR Reccomending States": dashed(record.get("states", [])),
        "UPR Position": f"- {record['position']}" if upr else None,
        "Type": "- Recommendation",
        "OHCHR Annotation Id": float(annotation_id)
        if isinstance(annotation_id, int)
        else annotation_id,
        "UPR Session": f"- {record['session']}" if upr else None,
        "Regions Concerned": dashed(record["regions"]),
        "Recommending Regions": dashed(record.get("recommending_regions", [])),
        "Date of publication on UHRI": "2024-03-04T10:53:45.827",
    }


def save_workbook(workbook: openpyxl.Workbook, name: str) -> None:
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Rewrite the ZIP with fixed timestamps so that regenerating changes nothing.
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item)
            if item.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving, whatever the properties say.
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data
                )
            target.writestr(info, data)
    (HERE / name).write_bytes(fixed.getvalue())


def write_uhri_workbook(
    name: str, records: list[dict[str, Any]], header: list[str], *, trailing_columns: int = 0
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Recommendations"
    sheet.append(header + [None] * trailing_columns)
    for record in records:
        row = uhri_row(record) | {"Mandate code": "n/a"}
        sheet.append([row.get(column) for column in header] + [None] * trailing_columns)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy"
    save_workbook(workbook, name)


def write_rejects_workbook() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(UHRI_HEADER)
    good, no_text, bad_date, bad_sdg, good_too = (
        dict(RECORDS[3], id=f"d0000000-0000-4000-8000-00000000000{n}") for n in range(1, 6)
    )
    good_too["text"] = "<p>13. The Committee recommends that the State party repeal article 10.</p>"
    no_text["text"] = "<p>&nbsp;</p>"
    bad_date["date_cell"] = "text:sometime in 2019"
    bad_date["text"] = "<p>14. The Committee recommends training for judges.</p>"
    bad_sdg["sdgs"] = ["Goal sixteen: peace and justice"]
    bad_sdg["text"] = "<p>15. The Committee recommends a review of the Criminal Code.</p>"
    for number, record in enumerate([good, no_text, bad_date, bad_sdg]):
        sheet.append([uhri_row(record)[column] for column in UHRI_HEADER])
        if number == 1:
            sheet.append([None] * len(UHRI_HEADER))
    sheet.append([uhri_row(good_too)[column] for column in UHRI_HEADER])
    save_workbook(workbook, "uhri_rejects.xlsx")


def json_object(record: dict[str, Any]) -> dict[str, Any]:
    upr = record["body"] == "UPR"
    return {
        "AffectedPersons": record["affected"],
        "AnnotationId": record["id"],
        "AnnotationType": "- Recommendation",
        "Body": f"- {record['body']}",
        "Countries": record["countries"],
        "DocumentId": record["document_id"],
        "PublicationDate": f"{record['date'].isoformat()}T00:00:00",
        "PublicationDateOnUhri": "2024-03-04T10:53:45.827",
        "Regions": record["regions"],
        "Sdgs": record["sdgs"],
        "Symbol": record["symbol"],
        "Text": record["text"],
        "Themes": record["themes"],
        "UprCycle": record["cycle"] if upr else None,
        "UprPositions": [record["position"]] if upr else [],
        "UprRecommendingCountry": record.get("states", []),
        "UprRecommendingRegions": record.get("recommending_regions", []),
        "UprSession": [record["session"]] if upr else [],
    }


UPRINFO_HEADER = [
    "Title",
    "Date added",
    "Template",
    "Recommendation",
    "State under Review",
    "Recommending State",
    "Response",
    "Action Category",
    "Issues",
    "Session",
    "Cycle",
    "Geolocation",
    "Documents",
    "Attachments",
    "Published",
]
UPRINFO_ROWS = [
    # text, recommending state, response, action category, issues, session, cycle
    (
        "Consider ratifying the Optional Protocol to the International Covenant on Economic, "
        "Social and Cultural Rights",
        "Portugal",
        "Supported",
        "3 - Considering action",
        "International instruments|ESC rights - general",
        "34 - November 2019",
        "3rd Cycle",
    ),
    (
        "Decriminalize defamation and bring the legislation on freedom of expression into "
        "line with article 19 of the ICCPR",
        "Czechia",
        "Noted",
        "5 - Specific action",
        "Freedom of opinion and expression|Justice",
        "34 - November 2019",
        "3rd Cycle",
    ),
    (
        "Continue efforts to combat domestic violence, in particular by criminalizing it "
        "as a separate offence",
        "Russian Federation",
        "Supported",
        "2 - Continuing action",
        "Women's rights|Violence against women",
        "34 - November 2019",
        "3rd Cycle",
    ),
    (
        "Ratify the Second Optional Protocol to the International Covenant on Civil and "
        "Political Rights, aiming at the abolition of the death penalty",
        "Montenegro",
        "Supported",
        "5 - Specific action",
        "Death penalty|International instruments",
        "34 - November 2019",
        "3rd Cycle",
    ),
    (
        "Ensure that the law on peaceful assemblies is applied in line with international "
        "standards, and release persons detained for taking part in peaceful protests",
        "Germany",
        "Not Supported",
        "5 - Specific action",
        "Freedom of association and peaceful assembly|Detention",
        "48 - January 2025",
        "4th Cycle",
    ),
    (
        "Adopt a comprehensive law against discrimination which defines direct and "
        "indirect discrimination",
        "Canada",
        "Supported",
        "4 - General action",
        "Racial discrimination|Women's rights|Persons with disabilities",
        "48 - January 2025",
        "4th Cycle",
    ),
]


def uprinfo_table() -> list[list[str]]:
    rows = [UPRINFO_HEADER]
    for number, (text, state, response, category, issues, session, cycle) in enumerate(
        UPRINFO_ROWS
    ):
        added = "20/11/2019" if session.startswith("34") else "27/01/2025"
        rows.append(
            [
                text,
                added,
                "Recommendation",
                text,
                "Kazakhstan",
                state,
                response,
                category,
                issues,
                session,
                cycle,
                "",
                "",
                "",
                "Published" if number != 5 else "",
            ]
        )
    return rows


GENERIC_ROWS = [
    ["№", "Рекомендация", "Документ", "Дата", "Темы", "Группы"],
    [
        "1",
        "Обеспечить доступ адвокатов к задержанным с момента фактического задержания.",
        "Ежегодный доклад за 2023 год",
        "15.03.2024",
        "Право на справедливое судебное разбирательство\nПытки",
        "Лица, лишённые свободы",
    ],
    [
        "2",
        "Установить видеонаблюдение во всех помещениях для допросов.",
        "Ежегодный доклад за 2023 год",
        "15.03.2024",
        "Пытки",
        "Лица, лишённые свободы",
    ],
    [
        "3",
        "Принять закон о социальной работе с учётом потребностей лиц с инвалидностью.",
        "",
        "",
        "Право на социальное обеспечение",
        "Лица с инвалидностью",
    ],
]


def csv_text(rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def main() -> None:
    write_uhri_workbook("uhri.xlsx", RECORDS, UHRI_HEADER)
    reordered = [UHRI_HEADER[i] for i in (11, 3, 2, 0, 9, 8, 12, 7, 6, 5, 4, 1, 10, 15, 14, 13)]
    reordered.insert(5, "Mandate code")
    write_uhri_workbook("uhri_reordered.xlsx", RECORDS, reordered, trailing_columns=3)
    updated = [dict(record) for record in RECORDS]
    updated[1]["text"] = updated[1]["text"].replace(
        "Decriminalize defamation", "Decriminalize defamation and insult"
    )
    updated[3]["themes"] = [*updated[3]["themes"], "Violence against women"]
    write_uhri_workbook("uhri_updated.xlsx", updated, UHRI_HEADER)
    write_rejects_workbook()
    (HERE / "uhri.json").write_text(
        json.dumps([json_object(record) for record in RECORDS], ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    (HERE / "uprinfo.csv").write_bytes(csv_text(uprinfo_table(), ",").encode("utf-8"))
    (HERE / "uprinfo_utf16.csv").write_bytes(
        codecs.BOM_UTF16_LE + csv_text(uprinfo_table(), "\t").encode("utf-16-le")
    )
    (HERE / "generic.csv").write_bytes(csv_text(GENERIC_ROWS, ";").encode("cp1251"))


if __name__ == "__main__":
    main()
