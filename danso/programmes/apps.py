from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgrammesConfig(AppConfig):
    name = "danso.programmes"
    label = "programmes"
    verbose_name = "Chương trình"

    def ready(self):
        from auditlog.registry import auditlog

        from danso.statistics import cycle

        from . import models

        for model in (models.DataValue, models.Activity, models.Club, models.ClubMember,
                      models.Plan, models.Target, models.MinMax,
                      # Metadata: national, changed by the admin pages and metadata imports.
                      models.DataElement, models.DataSet, models.ValidationRule,
                      models.CategoryOption, models.Category, models.CategoryCombo,
                      models.CategoryOptionCombo):  # fmt: skip
            auditlog.register(model)
        # Data sets go through the same submit / approve / return cycle as the report forms.
        cycle.FORM_FINDERS.append(models.DataSet.find_for_cycle)
        post_migrate.connect(_load_metadata, sender=self)


def _load_metadata(sender, **kwargs):
    """The declared data sets are (re)loaded after every migrate: a fresh install has them and
    a corrected declaration reaches existing ones."""
    from .metadata import load_metadata

    load_metadata()
