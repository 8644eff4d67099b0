from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "danso.web"
    label = "web"
    verbose_name = "Giao diện web"
