from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """The confidential feedback channel: its own key, access log and retention."""

    name = "rightsmonitor.feedback"
    label = "feedback"
    verbose_name = _("Confidential feedback")

    def ready(self) -> None:
        from rightsmonitor.feedback import checks  # noqa: F401  (registers the system checks)
