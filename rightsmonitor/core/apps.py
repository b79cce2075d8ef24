from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing: translated fields, optimistic locking, site context, the worker."""

    name = "rightsmonitor.core"
    label = "core"

    def ready(self) -> None:
        from rightsmonitor.core import pagecache

        pagecache.connect()
