from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "danso.statistics"
    label = "statistics"
    verbose_name = "Báo cáo thống kê"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from danso.register.models import Event
        from danso.register.signals import villages_changed

        from .models import PublicHoliday, Submission
        from .signals import flag_after_approval
        from .store import on_villages_changed

        auditlog.register(Submission, exclude_fields=["values", "warnings"])
        auditlog.register(PublicHoliday)
        post_save.connect(flag_after_approval, sender=Event, dispatch_uid="after_approval")
        villages_changed.connect(on_villages_changed, dispatch_uid="village_versions")
