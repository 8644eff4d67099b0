"""Review of the indicators kept as data: `Indicator.sensitive` is computed when the indicator
is saved (admin form, DHIS2 import). A data element marked sensitive afterwards left the
indicator readable by a user without the permission in /api/v1/analytics. The indicator's
sensitivity now follows its operands when it is read."""

from danso.accounts.models import Role
from danso.indicators.models import Indicator
from danso.orgunits.models import OrgUnit
from danso.programmes.models import DataElement


def test_an_element_marked_sensitive_later_makes_the_indicator_sensitive(make_user, bearer):
    element = DataElement.objects.filter(sensitive=False).exclude(value_type="PERCENTAGE").first()
    Indicator.objects.create(uid="IdRevSens01", code="REVIEW_SHARE", name="Tỷ lệ rà soát",
                             numerator=f"#{{{element.code}}}",
                             denominator=f"#{{{element.code}}}", sensitive=False)  # fmt: skip
    plain = bearer(make_user("tinh_review", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    query = {"dx": "REVIEW_SHARE", "pe": "2026Q3", "ou": "P66"}
    assert plain.get("/api/v1/analytics", query).status_code == 200
    element.sensitive = True
    element.save()
    refused = plain.get("/api/v1/analytics", query)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "sensitive"
    allowed = bearer(make_user("tinh_review_s", Role.PROVINCE, OrgUnit.objects.get(uid="P66"),
                               sensitive=True))  # fmt: skip
    assert allowed.get("/api/v1/analytics", query).status_code == 200
