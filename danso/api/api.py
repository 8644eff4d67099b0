"""The REST API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from danso.accounts.models import Role
from danso.adhoc.api import router as adhoc_router  # noqa: I001
from danso.analysis.api import router as analysis_router
from danso.casework.api import router as casework_router  # noqa: E402,I001
from danso.fieldwork.api import router as fieldwork_router  # noqa: I001
from danso.fieldwork.offline_api import router as offline_router  # noqa: I001
from danso.narratives.api import router as narratives_router  # noqa: E402,I001

from . import errors
from .activities import router as activities_router
from .auth import docs_sign_in, session_auth, token_auth
from .dataentry import router as dataentry_router
from .datavaluesets import router as datavaluesets_router
from .metadata import router as metadata_router
from .orgunits import router as orgunits_router
from .plans import router as plans_router
from .register import router as register_router
from .reports import router as reports_router
from .schemas import MeOut
from .users import router as users_router

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
    docs_decorator=docs_sign_in,
)
api.add_router("/", orgunits_router)
api.add_router("/", register_router)
api.add_router("/", reports_router)
api.add_router("/", datavaluesets_router)
api.add_router("/", dataentry_router)
api.add_router("/", activities_router)
api.add_router("/", plans_router)
api.add_router("/", narratives_router)
api.add_router("/", analysis_router)
api.add_router("/", users_router)
api.add_router("/", fieldwork_router)
api.add_router("/", casework_router)
api.add_router("/", metadata_router)
api.add_router("/", offline_router)
api.add_router("/", adhoc_router)


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


errors.install(api)
