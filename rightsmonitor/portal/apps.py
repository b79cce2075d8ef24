from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "rightsmonitor.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from rightsmonitor.portal import search

        # Keeps the site search's documents fresh as the other apps save (portal.search).
        search.connect()
