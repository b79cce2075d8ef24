"""Write one assessment file to disk, without the web interface or the worker.

Usage::

    python manage.py render_assessment 12 --format pdf --language ru --output assessment.pdf

The content is the frozen snapshot of an approved or published assessment, or the draft's
content built from the data now. Exits 1 with a message for an unknown assessment, format or
language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rightsmonitor.assessments.actions import content_of, renderers
from rightsmonitor.assessments.models import Assessment, AssessmentState, FileFormat
from rightsmonitor.core.translation import language_codes


class Command(BaseCommand):
    help = "Write an assessment as PDF, DOCX or XLSX in one language."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("assessment", type=int, help="The assessment's id (in its address).")
        parser.add_argument("--format", required=True, choices=FileFormat.values)
        parser.add_argument("--language", default="en", help="en, ru or kk (default: en).")
        parser.add_argument("--output", required=True, type=Path, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["language"] not in language_codes():
            raise CommandError(
                f"Unknown language {options['language']!r}: use one of {', '.join(language_codes())}."
            )
        assessment = Assessment.objects.filter(pk=options["assessment"]).first()
        if assessment is None:
            raise CommandError(f"No assessment has the id {options['assessment']}.")
        render = renderers()[options["format"]]
        data = render(
            content_of(assessment),
            language=options["language"],
            draft=assessment.state == AssessmentState.DRAFT,
        )
        options["output"].write_bytes(data)
        self.stdout.write(f"Wrote {options['output']} ({len(data):,} bytes).")
