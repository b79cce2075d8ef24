from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "rightsmonitor.home"
    verbose_name = "Home"
