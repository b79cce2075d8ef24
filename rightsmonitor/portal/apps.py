from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "rightsmonitor.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from rightsmonitor.core import pagecache
        from rightsmonitor.portal import search, warming

        # Keeps the site search's documents fresh as the other apps save (portal.search).
        search.connect()
        # Makes the main pages again in the background after content changed (portal.warming).
        pagecache.generation_moved.connect(warming.schedule_warming, dispatch_uid="warming")
