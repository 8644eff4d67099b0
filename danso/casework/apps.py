from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "danso.casework"
    label = "casework"
    verbose_name = "Công tác Hội LHPN"

    def ready(self):
        from auditlog.registry import auditlog

        from danso.programmes import aggregate

        from . import counts, models

        # Personal fields are masked in the audit log: an entry must not keep a name or a
        # phone number that an erasure on request has removed from the record.
        for model, masked in models.AUDITED.items():
            auditlog.register(
                model, mask_fields=list(masked), mask_callable="danso.casework.privacy.hidden"
            )
        aggregate.REGISTRY_FEEDS.update(counts.FEEDS)
