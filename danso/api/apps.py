from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "danso.api"
    label = "api"
    verbose_name = "API"
