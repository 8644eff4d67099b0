"""Reading the audit log (django-auditlog's LogEntry) within an administrator's scope.

Every audited model stores the path of its org unit in `additional_data.ou_path`, so entries
can be filtered by unit subtree with one prefix match.
"""

import datetime

from auditlog.models import LogEntry
from django.utils import timezone

from danso.accounts.scope import path_q, scope_paths


def entries_for(admin, *, actor=None, unit=None, date_from=None, date_to=None):
    paths = scope_paths(admin)
    entries = LogEntry.objects.select_related("actor", "content_type")
    entries = entries.filter(path_q(paths, "additional_data__ou_path"))
    if actor:
        entries = entries.filter(actor=actor)
    if unit:
        entries = entries.filter(additional_data__ou_path__startswith=unit.path)
    if date_from:
        entries = entries.filter(timestamp__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(timestamp__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return entries.order_by("-timestamp", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
