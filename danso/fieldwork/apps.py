from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "danso.fieldwork"
    label = "fieldwork"
    verbose_name = "Công việc tại thôn, chuyển cư, thống nhất số liệu"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.SectorCount)
        auditlog.register(models.Reconciliation)
        auditlog.register(models.QueuedChange)
