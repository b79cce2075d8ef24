"""Regenerate the observation test files that are not plain UTF-8 text.

Usage: ``uv run python rightsmonitor/indicators/tests/data/make_files.py``

The UTF-8 CSV files in this folder are written by hand, as statistics offices and open-sdg
publish them. This script writes the others: an Open SDG workbook (numbers as numbers, a
quarter, a guarded formula-like note, a decimal comma typed as text), a Windows-1251 CSV as
Russian Excel saves it (semicolons, decimal commas), Excel's "Unicode text" (UTF-16 with a
BOM, tab-separated), and two unreadable files. The output is deterministic.
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2024, 1, 1)


def write_workbook() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "TORT-O1"
    sheet.append(["Year", "Sex", "Age", "Units", "COMMENT_OBS", "GeoCode", "Value"])
    sheet.append([2017, None, None, "PT", None, None, 34.2])
    sheet.append([2017, "F", None, "PT", None, None, 13])
    sheet.append([2017, "Male", "Y_GE35", "PT", "'=counted twice before 2017", "AST", 40.5])
    sheet.append(["2017-Q3", None, None, "PT", None, None, "12,5"])
    sheet.append([2017, "F", "Y18T34", "PT", None, "KZ-71", None])  # missing: skipped
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
            target.writestr(info, source.read(item))
    (HERE / "indicator_TORT-O1.xlsx").write_bytes(fixed.getvalue())


def main() -> None:
    write_workbook()
    russian = (
        "Year;Sex;GeoCode;COMMENT_OBS;Value\r\n"
        "2016;;;Данные Генеральной прокуратуры;36,1\r\n"
        "2016;Женщины;;Данные Генеральной прокуратуры;14,2\r\n"
        "2016;Мужчины;ALA;Оценка по городу Алматы;40,0\r\n"
    )
    (HERE / "opensdg_ru_cp1251.csv").write_bytes(russian.encode("cp1251"))
    unicode_text = (
        "Year\tSex\tAge\tGeoCode\tValue\r\n2015\tF\t\tKZ-ALA\t9.9\r\n2015\t\tY_LT18\t\t1.5\r\n"
    )
    (HERE / "opensdg_utf16.csv").write_bytes(codecs.BOM_UTF16_LE + unicode_text.encode("utf-16-le"))
    # UTF-8, but one comment pasted from a Latin-1 file in row 3.
    (HERE / "bad_latin1.csv").write_bytes(
        b"Year,Sex,COMMENT_OBS,GeoCode,Value\n2019,F,,,12.0\n2019,M,Donn\xe9es provisoires,,30.0\n"
    )
    (HERE / "bad_random_bytes.csv").write_bytes(random.Random(316).randbytes(1024))


if __name__ == "__main__":
    main()
