"""English formats: one long date in text ("7 December 2026"), ISO-like numbers in tables.

Django's English defaults mix "Dec. 7, 2026" and "12/07/2026"; the site writes dates as the
Russian and Kazakh pages do, day first, and the short form only where a dense table needs it.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Kazakhstan
