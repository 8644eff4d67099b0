from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "danso.audit"
    label = "danso_audit"
    verbose_name = "Nhật ký thay đổi"
