from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "danso.analysis"
    label = "analysis"
    verbose_name = "Phân tích"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.SavedAnalysis)
