"""The REST API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from danso.accounts.models import Role
from danso.casework.api import router as casework_router  # noqa: E402,I001
from danso.narratives.api import router as narratives_router  # noqa: E402,I001

from .activities import router as activities_router
from .auth import session_auth, token_auth
from .dataentry import router as dataentry_router
from .datavaluesets import router as datavaluesets_router
from .orgunits import router as orgunits_router
from .plans import router as plans_router
from .register import router as register_router
from .reports import router as reports_router
from .schemas import MeOut

api = NinjaAPI(
    title="danso API",
    version="1",
    description=(
        "Population and family-planning MIS. Every endpoint is limited to the caller's org-unit "
        "subtree. Authenticate with the browser session (plus the CSRF token for writes) or a "
        "personal access token: `Authorization: Bearer danso_…`. Dates are ISO 8601."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
)
api.add_router("/", orgunits_router)
api.add_router("/", register_router)
api.add_router("/", reports_router)
api.add_router("/", datavaluesets_router)
api.add_router("/", dataentry_router)
api.add_router("/", activities_router)
api.add_router("/", plans_router)
api.add_router("/", narratives_router)
api.add_router("/", casework_router)


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "org_units": list(user.org_units.order_by("path")),
        "can_access_sensitive": user.can_access_sensitive,
    }


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": "Authentication required"}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    """A request the schemas refuse (a code not in its list, a malformed date) answers in the
    same shape as the services' problems: {"detail", "errors": [{index, field, code, message}]}
    (`index`: the position in a list of changes)."""
    errors = []
    for error in exc.errors:
        where = list(error["loc"][2:] if error["loc"][0] == "body" else error["loc"][1:])
        index = where.pop(0) if where and isinstance(where[0], int) else None
        code, message = {
            "literal_error": ("invalid_code", _("Unknown code.")),
            "enum": ("invalid_code", _("Unknown code.")),
            "missing": ("required", _("This field is required.")),
        }.get(error["type"], ("invalid", _("Invalid value.")))
        field = ".".join(str(part) for part in where)
        errors.append({"index": index, "field": field, "code": code, "message": message})
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)
