"""Saved analyses ("báo cáo đã lưu"): a builder's query kept under a name, shared or not, and
pinned to dashboards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danso.concurrency import Versioned
from danso.orgunits.models import ROOT_UID


class SavedAnalysis(Versioned):
    class Chart(models.TextChoices):
        TABLE = "table", _("Table only")
        BAR = "bar", _("Bar chart")
        STACKED = "stacked", _("Stacked bars")
        LINE = "line", _("Line chart")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The API's query string: dimension=dx:…&dimension=pe:…&filter=ou:… (see query.py). Run
    # with each viewer's own scope, so sharing never shows anyone more than their own area.
    query = models.TextField(_("query"))
    rows = models.CharField(_("rows"), max_length=60, default="ou")  # axes, ";"-separated
    columns = models.CharField(_("columns"), max_length=60, default="pe")
    chart = models.CharField(_("chart"), max_length=10, choices=Chart.choices, default=Chart.BAR)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_analyses")  # fmt: skip
    shared = models.BooleanField(_("shared with every user"), default=False)
    pinned_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                       related_name="pinned_analyses")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved analysis")
        verbose_name_plural = _("saved analyses")

    def __str__(self):
        return self.name

    def get_additional_data(self):
        # In the audit log of the owner's unit (its figures depend on each reader's scope).
        first = self.owner.org_units.order_by("path").first()
        return {"ou_path": first.path if first else f"/{ROOT_UID}/"}
