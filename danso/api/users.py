"""Users of the caller's area: /api/v1/users. One call creates a user with a role, units and
optionally an API token. The rules are danso.accounts.users' (the web pages use the same);
refusals: 403 `forbidden`, else 422 with the field and a code."""

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from danso.accounts import users as service
from danso.accounts.models import Role
from danso.accounts.users import UserError

from .schemas import ErrorOut, OrgUnitOut

router = Router(tags=["users"])


class TokenIn(Schema):
    name: str
    expires_at: datetime.date | None = None


class UserIn(Schema):
    username: str
    role: Role
    org_units: list[str]  # uids, of either map, inside the caller's area
    full_name: str = ""
    email: str = ""
    phone: str = ""
    password: str = ""  # empty: one is generated and returned once
    sensitive: bool = False  # the sensitive-programme permission; only if the caller holds it
    token: TokenIn | None = None  # also issue an API token, returned once


class UserPatch(Schema):
    role: Role | None = None
    org_units: list[str] | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    sensitive: bool | None = None
    is_active: bool | None = None


class UserOut(Schema):
    username: str
    full_name: str
    role: Role
    org_units: list[OrgUnitOut]
    email: str
    phone: str
    is_active: bool
    can_access_sensitive: bool
    last_login: datetime.datetime | None

    @staticmethod
    def resolve_org_units(obj):
        return list(obj.org_units.order_by("path"))


class TokenOut(Schema):
    id: int
    name: str
    last_four: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class IssuedTokenOut(TokenOut):
    token: str  # the clear text, shown once


class CreatedOut(Schema):
    user: UserOut
    password: str  # shown once; only its hash is stored
    token: IssuedTokenOut | None = None


class PasswordOut(Schema):
    password: str


class PasswordIn(Schema):
    password: str = ""  # empty: one is generated


def _refused(err: UserError) -> Status:
    status = 403 if err.code == "forbidden" else 422
    return Status(status, {"detail": err.message, "errors": [err.as_dict()]})


def _units(request, uids: list[str]):
    """The units named by uid; one unknown or outside the caller's area is refused without
    saying which of the two it is."""
    found = list(service.assignable_units(request.auth).filter(uid__in=uids))
    missing = sorted(set(uids) - {u.uid for u in found})
    if missing:
        raise UserError(
            "unit_out_of_scope",
            _("Unknown units or outside your area: %s.") % ", ".join(missing),
            "org_units",
        )
    return found


def _manager(request):
    if not service.can_manage_users(request.auth):
        raise UserError("forbidden", _("You may not manage users."))
    return request.auth


def _user(request, username: str):
    found = service.get_manageable(request.auth, username)
    if found is None:
        raise Http404
    return found


def _issued(token, clear: str) -> dict:
    return {**TokenOut.from_orm(token).dict(), "token": clear}


@router.get("/users", response=list[UserOut])
@paginate
def list_users(request, q: str = "", role: Role | None = None, active: bool | None = None):
    """Users of the caller's area (all their units inside it, role up to the caller's); 403
    for a role that manages no user."""
    actor = request.auth
    if not service.can_manage_users(actor):
        raise HttpError(403, _("You may not manage users."))
    users = service.manageable_users(actor).order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        users = users.filter(role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.prefetch_related("org_units")


@router.post("/users", response={201: CreatedOut, 403: ErrorOut, 422: ErrorOut})
def create_user(request, payload: UserIn):
    """Create a user with a role and units, and with `token` an API token too. The password
    (generated when not given) and the token come back once."""
    try:
        actor = _manager(request)
        created = service.create_user(
            actor,
            username=payload.username,
            role=payload.role,
            units=_units(request, payload.org_units),
            full_name=payload.full_name,
            email=payload.email,
            phone=payload.phone,
            password=payload.password,
            sensitive=payload.sensitive,
            token_name=payload.token.name if payload.token else "",
            token_expires=payload.token.expires_at if payload.token else None,
        )
    except UserError as err:
        return _refused(err)
    token = _issued(created.token_obj, created.token) if created.token else None
    return Status(201, {"user": created.user, "password": created.password, "token": token})


@router.get("/users/{username}", response=UserOut)
def get_user(request, username: str):
    return _user(request, username)


@router.patch("/users/{username}", response={200: UserOut, 403: ErrorOut, 422: ErrorOut})
def update_user(request, username: str, payload: UserPatch):
    """Change the fields given; `is_active: false` deactivates (the user cannot log in, their
    tokens stop working)."""
    user = _user(request, username)
    try:
        units = _units(request, payload.org_units) if payload.org_units is not None else None
        return service.update_user(
            request.auth,
            user,
            full_name=payload.full_name,
            email=payload.email,
            phone=payload.phone,
            role=payload.role,
            units=units,
            sensitive=payload.sensitive,
            is_active=payload.is_active,
        )
    except UserError as err:
        return _refused(err)


@router.post("/users/{username}/password", response={200: PasswordOut, 422: ErrorOut})
def reset_password(request, username: str, payload: PasswordIn):
    """Set a new password (generated when not given), returned once. Audited without the value."""
    user = _user(request, username)
    try:
        return {"password": service.reset_password(request.auth, user, payload.password)}
    except UserError as err:
        return _refused(err)


@router.get("/users/{username}/tokens", response=list[TokenOut])
def list_tokens(request, username: str):
    """The user's tokens that are not revoked (never their clear text)."""
    return list(_user(request, username).access_tokens.filter(revoked_at__isnull=True))


@router.post("/users/{username}/tokens", response={201: IssuedTokenOut, 422: ErrorOut})
def issue_token(request, username: str, payload: TokenIn):
    user = _user(request, username)
    try:
        token, clear = service.issue_token(request.auth, user, payload.name, payload.expires_at)
    except UserError as err:
        return _refused(err)
    return Status(201, _issued(token, clear))


@router.delete("/users/{username}/tokens/{token_id}", response={204: None})
def revoke_token(request, username: str, token_id: int):
    user = _user(request, username)
    try:
        service.revoke_token(request.auth, user, token_id)
    except UserError as err:
        raise Http404 from err
    return Status(204, None)
