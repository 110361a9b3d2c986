"""Date and time formats for the languages Django gives none (``FORMAT_MODULE_PATH``): Armenian.

Russian and Azerbaijani use Django's own (24-hour times, day before month). The month names below
are the forms a month takes inside a date (Django's ``E``: "1 March 2026"); this project's catalogs
give them where Django's do not: Armenian "մարտի" (genitive), Azerbaijani "mart" (lower case).
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_DATES = (
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
