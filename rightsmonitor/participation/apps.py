from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "rightsmonitor.participation"
    label = "participation"
    verbose_name = _("Civil society participation")

    def ready(self) -> None:
        # The civil society ratings' section of the annual assessment.
        from rightsmonitor.assessments.blocks import register
        from rightsmonitor.participation.assessment_blocks import CivilSocietyRatingsBlock

        register(CivilSocietyRatingsBlock())
