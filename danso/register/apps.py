from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "danso.register"
    label = "register"
    verbose_name = "Sổ A0"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Event, Household, HouseholdPoverty, Slip

        # Persons and spells are projections of events, so auditing events covers them.
        auditlog.register(Household, exclude_fields=["search_text"])
        auditlog.register(Slip)
        auditlog.register(HouseholdPoverty)
        auditlog.register(Event)
