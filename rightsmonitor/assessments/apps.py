from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "rightsmonitor.assessments"
    label = "assessments"
    verbose_name = _("Annual assessments")

    def ready(self) -> None:
        # The report's own blocks; other apps register theirs in their ready().
        from rightsmonitor.assessments import core_blocks

        core_blocks.register_core_blocks()
