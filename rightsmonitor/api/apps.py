from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rightsmonitor.api"
    label = "api"
    verbose_name = "REST API"
