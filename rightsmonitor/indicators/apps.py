from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "rightsmonitor.indicators"
    label = "indicators"
    verbose_name = _("Human rights indicators")

    def ready(self) -> None:
        # The indicators' section of the annual assessment.
        from rightsmonitor.assessments.blocks import register
        from rightsmonitor.indicators.assessment_blocks import IndicatorHighlightsBlock

        register(IndicatorHighlightsBlock())
