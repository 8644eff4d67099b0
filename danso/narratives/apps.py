from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "danso.narratives"
    label = "narratives"
    verbose_name = "Văn bản báo cáo"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from danso.statistics import cycle
        from danso.statistics.models import Submission

        from . import models
        from .submission import find_for_cycle, link_submission

        auditlog.register(models.Narrative, exclude_fields=["content"])
        auditlog.register(models.NarrativeTemplate, exclude_fields=["content"])
        # A narrative kind is submitted, approved and returned like the report forms; the
        # submission freezes the draft (submission.py).
        cycle.FORM_FINDERS.append(find_for_cycle)
        post_save.connect(link_submission, sender=Submission, dispatch_uid="narrative_frozen")
