"""Kazakh formats, which Django lacks (it would group no digits and use a decimal point).

As written in Kazakhstan: 1 234 567,8 and 09.06.2021. Long dates in text use
core.translation.long_date ("2021 жылғы 9 маусым"): Django's Kazakh month names are
capitalised, so a format string cannot write them.
"""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # no-break space
NUMBER_GROUPING = 3
