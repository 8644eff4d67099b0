from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "danso.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import OrgUnit

        auditlog.register(OrgUnit, exclude_fields=["search_name"])
