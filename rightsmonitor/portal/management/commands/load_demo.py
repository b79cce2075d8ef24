"""Load the demo plan, demo users and a year of demo reporting, once.

Usage: ``python manage.py load_demo`` (run by ``make run``). Does nothing if the demo plan is
already there, so it is safe to run at every start. Refuses to run with DEBUG off unless
``--force`` is given: demo logins have a published password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rightsmonitor.accounts.models import Organisation, User
from rightsmonitor.assessments.demo import DEMO_ASSESSMENT_FILE, load_demo_assessment
from rightsmonitor.indicators.catalogue import CatalogueError
from rightsmonitor.indicators.demo import load_demo_indicators
from rightsmonitor.participation.demo import load_demo_participation
from rightsmonitor.plans.document import PlanDocumentError, load_plan_document, read_document
from rightsmonitor.plans.models import Agency, Plan
from rightsmonitor.portal import search
from rightsmonitor.portal.management.commands._demo import (
    DEMO_COORDINATOR,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_PLAN_FILE,
)
from rightsmonitor.recommendations.demo import load_demo_recommendations
from rightsmonitor.reporting.demo import (
    DEMO_REPORTING_FILE,
    DemoReportingError,
    load_demo_reporting,
)


class Command(BaseCommand):
    help = "Load the demo plan (reconstructed from press coverage) and one demo user per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo logins in production; use --force to insist.")
        document = read_document(DEMO_PLAN_FILE)
        code = document["plan"]["code"]
        if Plan.objects.filter(code=code).exists():
            self.stdout.write(f"Demo plan {code} is already loaded.")
            return
        with transaction.atomic():
            try:
                plan = load_plan_document(document)
            except PlanDocumentError as exc:
                raise CommandError(f"{DEMO_PLAN_FILE}: {exc}") from exc
            for login in DEMO_LOGINS:
                if User.objects.filter(email=login.email).exists():
                    continue
                organisation = (
                    Organisation.objects.get_or_create(name=login.organisation)[0]
                    if login.organisation
                    else None
                )
                User.objects.create_user(
                    email=login.email,
                    password=DEMO_PASSWORD,
                    role=login.role,
                    first_name=login.first_name,
                    last_name=login.last_name,
                    agency=Agency.objects.filter(abbreviation=login.agency).first()
                    if login.agency
                    else None,
                    organisation=organisation,
                )
            coordinator = User.objects.get(email=DEMO_COORDINATOR)
            try:
                report_count = load_demo_reporting(plan, coordinator=coordinator)
            except (DemoReportingError, ObjectDoesNotExist, ValidationError) as exc:
                raise CommandError(f"{DEMO_REPORTING_FILE}: {exc}") from exc
            try:
                observation_count = load_demo_indicators(coordinator=coordinator)
            except CatalogueError as exc:
                raise CommandError(str(exc)) from exc
            recommendation_count = load_demo_recommendations(plan, coordinator=coordinator)
            # Civil society ratings before the assessment, which then shows them.
            load_demo_participation(plan, coordinator=coordinator)
            try:
                load_demo_assessment(plan, coordinator=coordinator)
            except (ObjectDoesNotExist, ValidationError) as exc:
                raise CommandError(f"{DEMO_ASSESSMENT_FILE}: {exc}") from exc
            # The demo coordinator reads the confidential feedback about the
            # demo plan and the general feedback, assigned by the demo administrator.
            from rightsmonitor.feedback.actions import add_assignment

            administrator = User.objects.get(email="admin@demo.rightsmonitor.org")
            add_assignment(user=coordinator, plan=plan, section=None, by=administrator)
            add_assignment(user=coordinator, plan=None, section=None, by=administrator)
        # The recommendations are saved in bulk, which the search's receivers do not see.
        search.refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo plan {plan.code}: {plan.actions.count()} actions, "
                f"{report_count} progress reports, {observation_count} indicator values, "
                f"{recommendation_count} UN recommendations, a published assessment of 2022."
            )
        )
