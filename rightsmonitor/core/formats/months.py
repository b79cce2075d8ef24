"""Month names for the "E" date format, in the site's catalogue.

Django's own Kazakh catalogue capitalises month names ("Желтоқсан"), which a date inside a
sentence must not do. Listing the "alt. month" names here puts them in the site's catalogue,
which Django reads before its own: Kazakh gets "желтоқсан", Russian keeps "декабря".
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
