from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "rightsmonitor.recommendations"
    label = "recommendations"
    verbose_name = _("UN recommendations")

    def ready(self) -> None:
        # Connects the receiver that fails an import run whose task failed.
        from rightsmonitor.recommendations import tasks  # noqa: F401
