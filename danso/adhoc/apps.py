from django.apps import AppConfig


class AdhocConfig(AppConfig):
    name = "danso.adhoc"
    label = "adhoc"
    verbose_name = "Yêu cầu báo cáo đột xuất"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.DataRequest)
