"""Pages of offline capture: the service worker and the web app manifest (served at the site's
root so that their scope covers every page), the phone's slip page for a village, the
commune officer's list of open conflicts, and a sign-out that clears what the phone kept."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts.scope import can_record, can_review, get_visible_unit_or_404, scoped
from danso.orgunits.models import Level
from danso.register import codes
from danso.register.models import EventKind
from danso.register.services import RegisterError

from . import offline
from .models import QueuedChange

SERVICE_WORKER = Path(__file__).resolve().parents[1] / "web" / "static" / "danso" / "js" / "sw.js"
THEME = "#0b6e4f"  # --brand in danso.css


def service_worker(request):
    """`/sw.js`: served from the root so that its scope is the whole site."""
    response = HttpResponse(
        SERVICE_WORKER.read_bytes(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    data = {
        "name": _("danso – collaborator's slip"),
        "short_name": "danso",
        "description": _("Record the village's changes on the phone, with or without network."),
        "lang": "vi",
        "start_url": reverse("offline_home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#f4f6f9",
        "icons": [
            {"src": static("danso/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("danso/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("danso/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


class LogoutView(auth_views.LogoutView):
    """Sign-out also clears what the site kept in the browser (IndexedDB, caches, the
    service worker): offline.js clears the phone's database before it posts, and the answer
    asks the browser to clear the site's storage."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


@login_required
def offline_home(request):
    """The app's start: the user's village, or the villages they record for."""
    villages = scoped(request.user, _villages(), "path").order_by("path")[:200]
    villages = [v for v in villages if can_record(request.user, v.path)]
    if len(villages) == 1:
        return redirect("offline_village", villages[0].uid)
    return render(request, "fieldwork/offline_home.html", {"villages": villages})


def _villages():
    from danso.orgunits.models import OrgUnit

    return OrgUnit.objects.filter(level=Level.VILLAGE)


@login_required
def offline_village(request, uid):
    village = get_visible_unit_or_404(request.user, uid)
    if village.level != Level.VILLAGE or not can_record(request.user, village.path):
        raise PermissionDenied
    kinds = [(k, EventKind(k).label) for k in offline.OFFLINE_KINDS]
    return render(
        request,
        "fieldwork/offline.html",
        {
            "unit": village,
            "kinds": kinds,
            "methods": codes.METHOD.choices,
            "outcomes": codes.PREGNANCY_OUTCOME.choices,
            "sexes": codes.SEX.choices,
        },
    )


@login_required
def conflict_list(request, uid):
    commune = get_visible_unit_or_404(request.user, uid)
    if commune.level in (Level.VILLAGE, Level.ORGANISATION) or not can_review(
        request.user, commune.path
    ):
        raise PermissionDenied
    rows = [
        (row, offline.describe(row.payload, request.user))
        for row in offline.open_conflicts(request.user, commune)
    ]
    decided = (
        scoped(request.user, QueuedChange.objects.filter(ou_path__startswith=commune.path))
        .exclude(resolution="")
        .select_related("user", "resolved_by", "person")
        .order_by("-resolved_at")[:20]
    )
    return render(
        request, "fieldwork/conflicts.html", {"unit": commune, "rows": rows, "decided": decided}
    )


@login_required
@require_POST
def conflict_resolve(request, pk):
    row = get_object_or_404(scoped(request.user, QueuedChange.objects.all()), pk=pk)
    if not offline.may_resolve(request.user, row):
        raise PermissionDenied
    resolution = request.POST.get("resolution")
    if resolution not in (offline.APPLY, offline.DISCARD):
        messages.error(request, _("Choose how to decide the conflict."))
    else:
        try:
            offline.resolve(row, request.user, resolution)
        except offline.OfflineError as err:
            messages.error(request, err.message)
        except RegisterError as err:
            messages.error(request, "; ".join(p.message for p in err.problems))
        else:
            messages.success(
                request,
                _("Applied: the change is on the slip.")
                if resolution == offline.APPLY
                else _("The register was kept; the queued change is kept as discarded."),
            )
    return redirect("offline_conflicts", row.village.parent.uid)
