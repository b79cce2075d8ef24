from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing with no models: translated fields, optimistic locking, site context."""

    name = "rightsmonitor.core"
    label = "core"

    def ready(self) -> None:
        from rightsmonitor.core import pagecache

        pagecache.connect()
