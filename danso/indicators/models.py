"""Indicators of aggregate data kept as data: added by an administrator (the admin pages) or
by a DHIS2 metadata import's `indicators`, beside those declared in code
(programmes/metadata.py INDICATORS). The same shape as DHIS2's indicators: numerator ÷
denominator × factor, each side a sum of data-element operands (#{DE}, #{DE.COC}) and
numbers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danso.programmes.indicators import AggregateIndicator


class Indicator(models.Model):
    uid = models.CharField(_("identifier"), max_length=11, unique=True)
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=230)
    description = models.TextField(_("description"), blank=True)
    numerator = models.CharField(_("numerator"), max_length=500)
    denominator = models.CharField(_("denominator"), max_length=500)
    factor = models.PositiveIntegerField(_("factor"), default=100)
    unit = models.CharField(_("unit"), max_length=30, default="%")
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    # Set from the operands: an indicator over a sensitive data element is sensitive.
    sensitive = models.BooleanField(_("sensitive"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    def as_aggregate(self) -> AggregateIndicator:
        from .services import is_sensitive

        # The stored flag was computed when saved; a data element marked sensitive since (or
        # created after a metadata import) makes the indicator sensitive now.
        sensitive = self.sensitive or is_sensitive(self.numerator, self.denominator)
        return AggregateIndicator(self.code, self.name, self.numerator, self.denominator,
                                  factor=self.factor, unit=self.unit, decimals=self.decimals,
                                  sensitive=sensitive)  # fmt: skip

    def get_additional_data(self):
        return {"ou_path": "/VN/"}  # national metadata
