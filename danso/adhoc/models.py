"""Ad hoc data requests ("báo cáo đột xuất theo yêu cầu của cấp trên"): a one-off data set an
upper level asks of chosen units, for one period, by a date. The figures are data values like
any other (entered with the usual form, submitted through the reporting cycle), so the table
builder shows them; the request keeps what the data set does not: who asked, for which
period, by when, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataRequest(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)  # = its data set's code
    data_set = models.OneToOneField(
        "programmes.DataSet", on_delete=models.PROTECT, related_name="adhoc_request"
    )
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    period = models.CharField(_("period"), max_length=10)  # the period the figures are about
    deadline = models.DateField(_("deadline"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip
    requester_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT,
                                       related_name="+")  # fmt: skip
    ou_path = models.CharField(max_length=255, db_index=True)  # the requester unit's
    units_asked = models.JSONField(
        default=list
    )  # the `ou` items as given (uids, LEVEL-, OU_GROUP-)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_additional_data(self):
        return {"ou_path": self.ou_path}
