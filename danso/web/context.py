"""Template context shared by every page: the agency's name for the top bar."""

from django.conf import settings


def branding(request):
    return {"agency_name": settings.AGENCY_NAME}
