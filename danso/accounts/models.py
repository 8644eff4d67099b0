"""Users, their role, the org units they hold, and personal access tokens for scripts."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import OrgUnit


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CENTRAL = "central", _("Central officer")
    PROVINCE = "province", _("Province officer")
    COMMUNE = "commune", _("Commune officer")
    COLLABORATOR = "collaborator", _("Population collaborator")
    PARTNER = "partner", _("Partner-organisation staff")
    VIEWER = "viewer", _("Viewer")


# Roles that may create or change records inside their scope; a viewer only reads.
EDITING_ROLES = {
    Role.ADMIN,
    Role.CENTRAL,
    Role.PROVINCE,
    Role.COMMUNE,
    Role.COLLABORATOR,
    Role.PARTNER,
}
# Roles that manage the org-unit tree below them (villages, partner units).
UNIT_MANAGING_ROLES = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE}
# Roles that manage the users of their area (danso.accounts.users holds the rules).
USER_MANAGING_ROLES = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    org_units = models.ManyToManyField(
        OrgUnit, related_name="users", blank=True, verbose_name=_("org units")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            (
                "access_sensitive",
                _("Access sensitive programmes (domestic violence, sponsored children)"),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def can_edit(self) -> bool:
        return self.is_active and self.role in EDITING_ROLES

    @property
    def can_manage_units(self) -> bool:
        return self.is_active and self.role in UNIT_MANAGING_ROLES

    @property
    def can_manage_users(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in USER_MANAGING_ROLES)

    @property
    def can_access_sensitive(self) -> bool:
        return self.has_perm("accounts.access_sensitive")

    def save(self, *args, **kwargs):
        # A superuser (`danso manage createsuperuser`) writes from the first login: the default
        # role, a read-only viewer, would contradict the flag.
        if self.is_superuser and self.role == Role.VIEWER:
            self.role = Role.ADMIN
        # Administrators manage users through Django's admin site, which needs is_staff.
        self.is_staff = self.is_superuser or self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def get_additional_data(self):
        first = self.org_units.order_by("path").first() if self.pk else None
        return {"ou_path": first.path if first else ""}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def authenticate(self, token: str) -> "AccessToken | None":
        found = (
            self.select_related("user")
            .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None or (found.expires_at and found.expires_at < timezone.now()):
            return None
        return found


class AccessToken(models.Model):
    """A personal access token (Bearer) for scripts. Only its SHA-256 is stored."""

    PREFIX = "danso_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_four = models.CharField(max_length=4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access token")

    def __str__(self):
        return f"{self.name} (…{self.last_four})"

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple["AccessToken", str]:
        """Create a token; the clear text is returned once and never stored."""
        clear = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            token_hash=_hash(clear),
            last_four=clear[-4:],
            expires_at=expires_at,
        )
        return token, clear

    def get_additional_data(self):
        return self.user.get_additional_data()
