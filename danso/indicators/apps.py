from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "danso.indicators"
    label = "indicators"
    verbose_name = "Chỉ số do quản trị viên thêm"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Indicator)
