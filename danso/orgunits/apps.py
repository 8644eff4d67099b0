from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "danso.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import OrgUnit, OrgUnitGroup, OrgUnitGroupSet

        auditlog.register(OrgUnit, exclude_fields=["search_name"])
        auditlog.register(OrgUnitGroup, m2m_fields={"members"})
        auditlog.register(OrgUnitGroupSet, m2m_fields={"groups"})
