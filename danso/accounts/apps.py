from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "danso.accounts"
    label = "accounts"
    verbose_name = "Người dùng"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import AccessToken, User

        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"org_units", "user_permissions"},  # the sensitive permission too
        )
        auditlog.register(AccessToken, exclude_fields=["token_hash"])
