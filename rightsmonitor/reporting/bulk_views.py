"""Accept or return several reports at once, from the review dashboard.

The dashboard's list of reports awaiting review is a form: ticked reports, the step (accept or
return) and one comment for a return. The first POST shows a confirmation page that lists the
reports and asks again (no JavaScript needed); the second, with ``confirmed=yes``, takes the
step on each report through ``actions.take_transition``, in its own transaction, with the
version the coordinator saw. A report that changed meanwhile (edited, already accepted or
returned by someone else) is named in a message, not silently skipped.

Accepting in bulk never sets an official status: the verdict is chosen report by report.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.reporting import access
from rightsmonitor.reporting.actions import take_transition
from rightsmonitor.reporting.models import ProgressReport
from rightsmonitor.reporting.workflow import WORKFLOW

BULK_STEPS = ("accept", "return")


class BulkReviewForm(forms.Form):
    """Ticked reports as ``pk:version``, the step, and the comment of a return."""

    reports = forms.MultipleChoiceField(
        label=gettext_lazy("Reports"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    step = forms.ChoiceField(choices=[(name, WORKFLOW[name].label) for name in BULK_STEPS])
    comment = forms.CharField(
        label=gettext_lazy("Comment for a return"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reports(self) -> dict[int, int]:
        """{report id: version seen}."""
        seen: dict[int, int] = {}
        for value in self.cleaned_data["reports"]:
            pk, _sep, version = str(value).partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise ValidationError(_("Choose reports from the list."), code="invalid")
            seen[int(pk)] = int(version)
        return seen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("step") == "return" and not str(cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change."))
        return cleaned


def _bound(request: HttpRequest) -> BulkReviewForm:
    form = BulkReviewForm(request.POST)
    # Any ticked value is acceptable to the field: the reports are checked one by one below.
    field = form.fields["reports"]
    assert isinstance(field, forms.MultipleChoiceField)
    field.choices = [(v, v) for v in request.POST.getlist("reports")]
    return form


@login_required
@require_POST
def bulk_review(request: HttpRequest) -> HttpResponse:
    if not access.can_review(request.user):
        raise PermissionDenied
    form = _bound(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reporting:dashboard")
    seen: dict[int, int] = form.cleaned_data["reports"]
    step: str = form.cleaned_data["step"]
    comment: str = form.cleaned_data["comment"].strip()
    reports = list(
        access.reports_for_user(request.user)
        .filter(pk__in=seen)
        .with_related()
        .order_by("period__end", "action__plan__code", "action__order", "agency__abbreviation")
    )
    if request.POST.get("confirmed") != "yes":
        context = {
            "form": form,
            "reports": reports,
            "step": WORKFLOW[step],
            "comment": comment,
            "values": request.POST.getlist("reports"),
        }
        return render(request, "reporting/review/bulk_confirm.html", context)

    done: list[ProgressReport] = []
    for report in reports:
        try:
            take_transition(
                report, step, by=request.user, comment=comment, expected_version=seen[report.pk]
            )
        except (ConcurrentEditError, ValidationError, PermissionDenied):
            report.refresh_from_db(fields=["state"])
            messages.warning(
                request,
                _(
                    "Report %(number)s (%(agency)s) changed meanwhile and is now “%(state)s”: "
                    "it was left as it is. Open it to check it."
                )
                % {
                    "number": report.action.number,
                    "agency": report.agency.short_name,
                    "state": report.get_state_display(),
                },
            )
        else:
            done.append(report)
    missing = len(seen) - len(reports)
    if missing:
        messages.warning(
            request,
            ngettext(
                "%(count)d report could not be found.",
                "%(count)d reports could not be found.",
                missing,
            )
            % {"count": missing},
        )
    if done:
        if step == "accept":
            text = ngettext("%(count)d report accepted.", "%(count)d reports accepted.", len(done))
        else:
            text = ngettext(
                "%(count)d report returned for revision.",
                "%(count)d reports returned for revision.",
                len(done),
            )
        messages.success(request, text % {"count": len(done)})
    return redirect("reporting:dashboard")
