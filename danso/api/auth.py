"""API authentication: the browser's session (with CSRF) or a personal access token (Bearer)."""

from functools import wraps

from auditlog.context import auditlog_value
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from danso.accounts.models import AccessToken


def _attribute_audit_to(user) -> None:
    """The audit middleware ran before token auth knew the user; name the actor now."""
    context = auditlog_value.get(None)
    if context is not None:
        context["actor"] = user


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        found = AccessToken.objects.authenticate(token)
        if found is None:
            return None
        # Record use at most once a minute to avoid a write per request.
        now = timezone.now()
        if not found.last_used_at or (now - found.last_used_at).total_seconds() > 60:
            AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        _attribute_audit_to(found.user)
        return found.user


class ActiveSessionAuth(SessionAuth):
    """Session auth that ignores deactivated accounts."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()


def docs_sign_in(view):
    """With DANSO_API_DOCS_REQUIRE_LOGIN, /api/v1/docs and the OpenAPI document need a session
    or a token: the browser is sent to the login page, any other client gets 401."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.API_DOCS_REQUIRE_LOGIN:
            return view(request, *args, **kwargs)
        user = request.user if request.user.is_authenticated else token_auth(request)
        if user is not None and user.is_active:
            return view(request, *args, **kwargs)
        if request.path.endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        detail = _("Authentication required.")
        return JsonResponse({"detail": detail, "code": "unauthenticated", "errors": []}, status=401)

    return wrapped
