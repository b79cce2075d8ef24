"""Reporting pages for everyone, signed in or not: the evidence of accepted reports.

Public pages (the action page, the published assessment) link a file here rather than to the
report's own download, which asks who is reading: here the only question is whether the file
is public (``access.evidence_is_public``), and a file that is not is as missing as one that
does not exist (404), never a login page that would confirm it exists.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from rightsmonitor.reporting import access
from rightsmonitor.reporting.evidence import file_response
from rightsmonitor.reporting.models import Evidence


def public_evidence_url(evidence: Evidence) -> str:
    return reverse("reporting:public_evidence", args=[evidence.pk])


@require_safe
def public_evidence(request: HttpRequest, evidence_pk: int) -> FileResponse:
    """The file, to anyone, if its report is accepted and its plan public (one query)."""
    evidence = get_object_or_404(access.public_evidence(), pk=evidence_pk)
    return file_response(evidence, public=True)
