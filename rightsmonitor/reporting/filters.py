"""The query parameters of the progress-report lists, declared once (django-filter): the API's
report list and the open-data file of reports read the same parameters."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.reporting.models import ProgressReport


class ReportFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="action__plan__code", label=_("Plan code"))
    action = django_filters.NumberFilter(field_name="action", label=_("Action id"))
    agency = django_filters.CharFilter(
        field_name="agency__abbreviation", label=_("Agency abbreviation")
    )
    period = django_filters.NumberFilter(field_name="period", label=_("Reporting period id"))

    class Meta:
        model = ProgressReport
        fields = ["plan", "action", "agency", "period", "state", "kind"]
