"""Kazakh formats, which Django lacks (it would group no digits and use a decimal point).

As written in Kazakhstan: 1 234 567,8; "2026 жылғы 7 желтоқсан" in text and 07.12.2026 in
dense tables. "E" is the month name in lower case: Django's Kazakh month names are
capitalised, so the site's catalogue gives the "alt. month" forms (core/formats/months.py).
"""

DATE_FORMAT = "Y жылғы j E"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "Y жылғы j E, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y жылғы E"
MONTH_DAY_FORMAT = "j E"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # no-break space
NUMBER_GROUPING = 3
