"""Managing users inside one's scope: who may manage whom, and the changes themselves.

The web pages (`/nguoi-dung/`) and the API (`/api/v1/users`) both call this module, so the
rules are written once:
- administrators, central and province officers manage users; nobody else;
- a manager sees and changes only users all of whose units lie in their scope (administrators
  also take users holding no unit yet), never a superuser unless they are one;
- a manager gives only roles up to their own rank and units inside their scope, and the
  sensitive-programme permission only if they hold it;
- a manager cannot deactivate themself or change their own role (no lock-out, no self-promotion).
Every change is audited: model changes by django-auditlog, password resets (whose field the
log leaves out) by an explicit entry without the value.
"""

import datetime
import secrets
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.orgunits.models import OrgUnit

from .models import AccessToken, Role, User
from .scope import visible_units

RANK = {
    Role.ADMIN: 4,
    Role.CENTRAL: 3,
    Role.PROVINCE: 2,
    Role.COMMUNE: 1,
    Role.COLLABORATOR: 0,
    Role.PARTNER: 0,
    Role.VIEWER: 0,
}


class UserError(Exception):
    """A refusal with a machine-readable code, the field it concerns and a Vietnamese message."""

    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


def _rank(user) -> int:
    return 99 if user.is_superuser else RANK.get(user.role, 0)


def can_manage_users(user) -> bool:
    return getattr(user, "can_manage_users", False)


def assignable_roles(actor) -> list[tuple[str, str]]:
    """The roles the actor may give, highest first: none above their own."""
    return [(r.value, r.label) for r in Role if RANK[r] <= _rank(actor)]


def assignable_units(actor):
    """Units the actor may give: their scope in both maps (pre-2025 units wholly inside)."""
    return visible_units(actor)


def manageable_users(actor):
    users = User.objects.all()
    if actor.is_superuser:
        return users
    if not can_manage_users(actor):
        return users.none()
    outside = OrgUnit.objects.exclude(pk__in=visible_units(actor).values("pk"))
    users = users.filter(is_superuser=False).exclude(org_units__in=outside)
    users = users.filter(role__in=[r for r, _label in assignable_roles(actor)])
    if not actor.is_administrator:
        users = users.filter(org_units__isnull=False).distinct()
    return users


def get_manageable(actor, username: str) -> User | None:
    return manageable_users(actor).filter(username=username).first()


def generate_password() -> str:
    """A temporary password for the manager to pass on; 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def _check_role(actor, role: str) -> None:
    if role not in Role.values:
        raise UserError("invalid_code", _("Unknown role."), "role")
    if role not in dict(assignable_roles(actor)):
        raise UserError("role_above_yours", _("You may not give a role above your own."), "role")


def _check_units(actor, units) -> list[OrgUnit]:
    units = list(units)
    if not units:
        raise UserError("required", _("Give the user at least one unit."), "org_units")
    wanted = [u.pk for u in units]
    allowed = set(assignable_units(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    outside = [u for u in units if u.pk not in allowed]
    if outside:
        names = ", ".join(u.name for u in outside)
        raise UserError(
            "unit_out_of_scope", _("These units are outside your area: %s.") % names, "org_units"
        )
    return units


def _check_sensitive(actor, sensitive: bool) -> None:
    if sensitive and not actor.can_access_sensitive:
        raise UserError(
            "sensitive_not_yours",
            _("You may only give the sensitive-programme permission if you hold it."),
            "sensitive",
        )


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise UserError("weak_password", " ".join(err.messages), "password") from err


def _set_sensitive(user: User, sensitive: bool) -> None:
    permission = Permission.objects.get(codename="access_sensitive")
    if sensitive:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)


def _expiry(day: datetime.date | None):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@dataclass
class Created:
    user: User
    password: str  # shown once to the manager, never stored in clear
    token: str | None = None
    token_obj: AccessToken | None = None


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    role: str,
    units,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    password: str = "",
    sensitive: bool = False,
    token_name: str = "",
    token_expires: datetime.date | None = None,
) -> Created:
    """Create a user with a role and units, and optionally an API token, in one step."""
    if not can_manage_users(actor):
        raise UserError("forbidden", _("You may not manage users."))
    username = username.strip()
    if not username:
        raise UserError("required", _("This field is required."), "username")
    try:
        User.username_validator(username)
    except ValidationError as err:
        raise UserError("invalid", " ".join(err.messages), "username") from err
    if User.objects.filter(username__iexact=username).exists():
        raise UserError("duplicate", _("This username is already taken."), "username")
    _check_role(actor, role)
    units = _check_units(actor, units)
    _check_sensitive(actor, sensitive)
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=role)
    if password:
        _check_password(password, user)
    password = password or generate_password()
    user.set_password(password)
    user.save()
    user.org_units.set(units)
    if sensitive:
        _set_sensitive(user, True)
    created = Created(user, password)
    if token_name:
        created.token_obj, created.token = AccessToken.issue(
            user, token_name, _expiry(token_expires)
        )
    return created


def _check_manageable(actor, user: User) -> None:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise UserError("forbidden", _("You may not manage this user."))


@transaction.atomic
def update_user(
    actor,
    user: User,
    *,
    full_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
    units=None,
    sensitive: bool | None = None,
    is_active: bool | None = None,
) -> User:
    """Change what is given (None leaves a field as it is)."""
    _check_manageable(actor, user)
    if role is not None and role != user.role:
        if user.pk == actor.pk:
            raise UserError("own_role", _("You may not change your own role."), "role")
        _check_role(actor, role)
        user.role = role
    if units is not None:
        units = _check_units(actor, units)
    if sensitive is not None and sensitive != user.can_access_sensitive:
        _check_sensitive(actor, True)  # granting and withdrawing both need the permission
    if is_active is False and user.pk == actor.pk:
        raise UserError("own_account", _("You may not deactivate your own account."), "is_active")
    for field, value in (
        ("full_name", full_name),
        ("email", email),
        ("phone", phone),
        ("is_active", is_active),
    ):
        if value is not None:
            setattr(user, field, value)
    user.save()
    if units is not None and set(units) != set(user.org_units.all()):
        user.org_units.set(units)
    if sensitive is not None:
        _set_sensitive(user, sensitive)
    return user


@transaction.atomic
def reset_password(actor, user: User, password: str = "") -> str:
    """Set a new password (generated unless given) and return it once; the log records that it
    changed and by whom, never the value."""
    _check_manageable(actor, user)
    if password:
        _check_password(password, user)
    password = password or generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"password": ["***", "*** (reset)"]},
        actor=actor,
        additional_data=user.get_additional_data(),
    )
    return password


def issue_token(actor, user: User, name: str, expires: datetime.date | None = None):
    _check_manageable(actor, user)
    if not name.strip():
        raise UserError("required", _("This field is required."), "name")
    return AccessToken.issue(user, name.strip(), _expiry(expires))


def revoke_token(actor, user: User, token_id: int) -> AccessToken:
    _check_manageable(actor, user)
    token = user.access_tokens.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise UserError("not_found", _("No such token."), "token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
