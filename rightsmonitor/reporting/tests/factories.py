"""Factories, small real files and a ready-made reporting world for reporting tests.

- Factories save rows directly, without audit rows: use them for list pages and query counts.
  Tests of the workflow itself go through ``reporting.actions``, as ``ReportingWorld`` does.
- ``pdf_upload()``, ``png_upload()``, ... return real small files as uploads.
- ``build_reporting_world()`` is what the ``reporting_world`` fixture returns (see conftest).
"""

from __future__ import annotations

import base64
import datetime
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

import factory
import openpyxl
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.plans.models import Action, ActionAgency, Agency, Plan
from rightsmonitor.plans.tests.factories import (
    ActionAgencyFactory,
    ActionFactory,
    AgencyFactory,
    PlanFactory,
    build_plan,
)
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    Evidence,
    Frequency,
    ImplementationStatus,
    Notification,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from rightsmonitor.reporting.workflow import TRANSITIONS, Actor, ReportState

# Factories -----------------------------------------------------------------------------------


class ReportingScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingSchedule
        django_get_or_create = ("plan",)

    plan = factory.SubFactory(PlanFactory)
    frequency = Frequency.ANNUAL
    submission_days = 10
    review_days = 25


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """The calendar year 2022 by default, agencies by 10 January, review by 25 January."""

    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("plan", "end")

    plan = factory.SubFactory(PlanFactory)
    start = datetime.date(2022, 1, 1)
    end = datetime.date(2022, 12, 31)
    submission_deadline = factory.LazyAttribute(lambda o: o.end + datetime.timedelta(days=10))
    review_deadline = factory.LazyAttribute(lambda o: o.end + datetime.timedelta(days=25))


class AgencyReportingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyReportingSettings
        django_get_or_create = ("agency",)

    agency = factory.SubFactory(AgencyFactory)
    sign_off_required = False
    validating_authority = None


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A report saved directly in any state (no audit rows): for lists and query counts."""

    class Meta:
        model = ProgressReport

    action = factory.SubFactory(ActionFactory)
    agency = factory.SubFactory(AgencyFactory)
    period = factory.SubFactory(ReportingPeriodFactory, plan=factory.SelfAttribute("..action.plan"))
    kind = ProgressReport.Kind.CONSOLIDATED
    state = ReportState.DRAFT
    narrative = factory.Sequence(lambda n: f"Work done, part {n}.")
    proposed_status = ImplementationStatus.IN_PROGRESS


class EvidenceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    report = factory.SubFactory(ProgressReportFactory)
    url = factory.Sequence(lambda n: f"https://adilet.example.org/doc/{n}")
    description = "Published act"


class ActionMonitoringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionMonitoring
        django_get_or_create = ("action",)

    action = factory.SubFactory(ActionFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(FocalPointFactory)
    kind = Notification.Kind.RETURNED
    text = factory.Sequence(lambda n: f"Notice {n}")


# Small real files ----------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)

# A 1×1 baseline JPEG (JFIF).
JPEG = (
    base64.b64decode(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
        "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
        "AAgBAQABPxA="
    )
    + b"\xff\xd9"
)


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def docx_bytes(text: str = "Report of the Ministry of Internal Affairs") -> bytes:
    """The smallest DOCX Word opens: content types, relationships and the document part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Action", "Status"])
    sheet.append(["1.1", "Completed"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a spreadsheet")
    return buffer.getvalue()


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def upload(name: str, content: bytes, content_type: str | None = None) -> SimpleUploadedFile:
    """An upload as a browser sends it; the content type defaults to what the name claims."""
    extension = name.rsplit(".", 1)[-1].lower()
    return SimpleUploadedFile(
        name, content, content_type or CONTENT_TYPES.get(extension, "application/octet-stream")
    )


def pdf_upload(name: str = "order-no-12.pdf") -> SimpleUploadedFile:
    return upload(name, PDF)


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return upload(name, png_bytes())


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return upload(name, JPEG)


def docx_upload(name: str = "report.docx") -> SimpleUploadedFile:
    return upload(name, docx_bytes())


def xlsx_upload(name: str = "figures.xlsx") -> SimpleUploadedFile:
    return upload(name, xlsx_bytes())


# A reporting world ---------------------------------------------------------------------------

S = ReportState
# The transitions that take a fresh draft to each state, with and without the sign-off step.
PATHS: dict[bool, dict[str, tuple[str, ...]]] = {
    True: {
        S.DRAFT: (),
        S.SIGNED_OFF: ("sign_off",),
        S.SUBMITTED: ("sign_off", "submit"),
        S.RETURNED: ("sign_off", "submit", "return"),
        S.RESUBMITTED: ("sign_off", "submit", "return", "sign_off", "resubmit"),
        S.ACCEPTED: ("sign_off", "submit", "accept"),
    },
    False: {
        S.DRAFT: (),
        S.SUBMITTED: ("submit",),
        S.RETURNED: ("submit", "return"),
        S.RESUBMITTED: ("submit", "return", "resubmit"),
        S.ACCEPTED: ("submit", "accept"),
    },
}


@dataclass
class ReportingWorld:
    """A plan in force with an annual period, its agencies and the people who report on it.

    ``action`` (1.1) is led by MIA with GPO as co-executor ("as agreed"), as ``build_plan``
    makes every action; ``gpo_led_action`` (1.2) the other way round. MIA's reports need the
    sign-off of ``validator_mia``; GPO's do not.
    """

    plan: Plan
    action: Action
    gpo_led_action: Action
    period: ReportingPeriod
    mia: Agency
    gpo: Agency
    administrator: User
    coordinator: User
    focal_point_mia: User
    validator_mia: User
    focal_point_gpo: User
    ngo_member: User
    public: AnonymousUser

    def focal_point_of(self, agency: Agency) -> User:
        return {self.mia.pk: self.focal_point_mia, self.gpo.pk: self.focal_point_gpo}[agency.pk]

    def start(self, agency: Agency | None = None, action: Action | None = None) -> ProgressReport:
        """Open ``agency``'s report (default MIA) on ``action`` (default 1.1) for the period."""
        agency = agency or self.mia
        return actions.start_report(
            action or self.action, agency, self.period, by=self.focal_point_of(agency)
        )

    def actor_for(self, report: ProgressReport, name: str) -> User:
        """Who takes the transition ``name`` on ``report``, per the workflow table."""
        actor = next(t.actor for t in TRANSITIONS if t.name == name)
        return {
            Actor.AUTHOR: self.focal_point_of(report.agency),
            Actor.VALIDATOR: self.validator_mia,
            Actor.COORDINATOR: self.coordinator,
        }[actor]

    def take(self, report: ProgressReport, name: str, comment: str = "") -> ProgressReport:
        """Take a transition as the person the workflow table names."""
        if name == "return" and not comment:
            comment = "Add the number of the adopted order."
        return actions.take_transition(
            report, name, by=self.actor_for(report, name), comment=comment
        )

    def walk(self, report: ProgressReport, to_state: str) -> ProgressReport:
        """Move a fresh draft to ``to_state`` through the real actions (audit rows included)."""
        sign_off = AgencyReportingSettings.objects.filter(
            agency=report.agency, sign_off_required=True
        ).exists()
        for name in PATHS[sign_off][to_state]:
            report = self.take(report, name)
        return report

    def report_in(
        self, state: str, agency: Agency | None = None, action: Action | None = None
    ) -> ProgressReport:
        """A report of ``agency`` (default MIA) on ``action`` (default 1.1) in ``state``."""
        return self.walk(self.start(agency, action), state)


def build_reporting_world(**users: Any) -> ReportingWorld:
    """The world the ``reporting_world`` fixture returns; ``users`` are the named users."""
    plan = build_plan(sections=1, actions_per_section=1)
    action = plan.actions.get()
    mia = Agency.objects.get(abbreviation="MIA")
    gpo = Agency.objects.get(abbreviation="GPO")
    gpo_led_action = ActionFactory(section=action.section, plan=plan, number="1.2", order=2)
    ActionAgencyFactory(action=gpo_led_action, agency=gpo, role=ActionAgency.Role.LEAD, order=0)
    ActionAgencyFactory(
        action=gpo_led_action, agency=mia, role=ActionAgency.Role.CO_EXECUTOR, order=1
    )
    AgencyReportingSettingsFactory(
        agency=mia, sign_off_required=True, validating_authority=users["validator_mia"]
    )
    AgencyReportingSettingsFactory(agency=gpo, sign_off_required=False)
    actions.set_schedule(
        plan,
        frequency=Frequency.ANNUAL,
        submission_days=10,
        review_days=25,
        by=users["coordinator"],
    )
    (period,) = actions.ensure_periods(plan, until=datetime.date(2022, 12, 31))
    return ReportingWorld(
        plan=plan,
        action=action,
        gpo_led_action=gpo_led_action,
        period=period,
        mia=mia,
        gpo=gpo,
        **users,
    )
