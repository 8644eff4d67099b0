from django.apps import AppConfig
from django.db.models.signals import pre_save


def _check_columns(sender, instance, raw=False, **kwargs):
    """The last guard before the database: a value its column cannot hold is refused
    (danso/limits.py); the API answers 422, an import reports the row."""
    if raw or not sender.__module__.startswith("danso."):
        return
    from danso.limits import check_instance

    check_instance(instance)


class ApiConfig(AppConfig):
    name = "danso.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        pre_save.connect(_check_columns, dispatch_uid="danso.limits.check_columns")
