"""Optimistic concurrency: no edit is lost silently.

An object that users edit carries `version` (see `Versioned`). A form sends back, hidden, the
version it was drawn from; an API client sends it as `If-Match` (the ETag of the GET). The
write claims the version with one conditional UPDATE (`claim`): it succeeds only if nobody
saved in between, else `StaleEdit` is raised and the caller answers 409 (API) or redraws the
form with what the user typed and the current values (web).
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Someone saved the object after the editor read it."""

    code = "stale_version"

    def __init__(self, current_version: int | None):
        self.current_version = current_version
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Someone else saved this record while you were editing it (now version "
            "%(version)s). Nothing of yours was saved: check the current values and save again."
        ) % {"version": self.current_version}


def claim(obj: models.Model, expected: int | None) -> None:
    """Bump `obj.version` if it still equals `expected` (the version the editor started from),
    atomically; raise StaleEdit if it does not. `expected=None` means the client sent no
    version (an old client): the write goes ahead on the version read now."""
    model = type(obj)
    expected = obj.version if expected is None else expected
    updated = model._default_manager.filter(pk=obj.pk, version=expected).update(
        version=F("version") + 1
    )
    if not updated:
        current = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True)
        raise StaleEdit(current.first())
    obj.version = expected + 1


def etag(obj: models.Model) -> str:
    return f'"{obj.version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version named by an If-Match header ('"3"', 'W/"3"' or '3'); None if absent or not
    a version danso issued."""
    if not header:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < 10 else None


def parse_tag(header: str | None) -> str | None:
    """The tag named by an If-Match header or a hidden field ('"3f2a…"', 'W/"3f2a…"'), for
    objects whose version is a tag of several rows (a data-entry form, an allocation)."""
    value = (header or "").strip().removeprefix("W/").strip('"')
    return value if value.isalnum() and len(value) <= 64 else None
