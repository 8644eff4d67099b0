"""Aggregate values the exchange tests share, on top of tests/conftest.py's two communes.

Commune a holds an industrial zone (data set KCN_QUY, quarterly, workers by sex × ethnicity)
and a Women's Union (HLHPN_NAM, yearly, partly sensitive); the commune itself reports
XA_HOAT_DONG (quarterly). The metadata is the preloaded one (programmes.metadata), loaded after
migrate.
"""

import pytest

from danso.accounts.models import Role
from danso.orgunits.services import create_organisation

from .factories import put


@pytest.fixture
def world(two_communes, make_user):
    a = two_communes["a"]
    a["zone"] = create_organisation(
        a["commune"], code="KCN", name="Khu công nghiệp Hòa Phú", unit_type="khu_cong_nghiep"
    )
    a["union"] = create_organisation(
        a["commune"], code="HPN", name="Hội Phụ nữ xã", unit_type="hoi_lhpn"
    )
    # The commune officer may see the sensitive programmes; the province officer may not.
    a["user"].user_permissions.add(*_sensitive())
    two_communes["province_user"] = make_user("tinh", Role.PROVINCE, two_communes["province"])
    return two_communes


def _sensitive():
    from django.contrib.auth.models import Permission

    return [Permission.objects.get(codename="access_sensitive")]


@pytest.fixture
def stored(world):
    """A handful of values of every kind: default and disaggregated, a decimal, comments and a
    follow-up flag, two units, two kinds of period."""
    a = world["a"]
    officer = a["user"]
    put("XA_FREE_CONTRACEPTIVES_POOR", "POOR", a["commune"], "2025Q3", "14", user=officer)
    put("XA_FREE_CONTRACEPTIVES_POOR", "NEAR_POOR", a["commune"], "2025Q3", "6", user=officer)
    put("XA_CLUBS_ACTIVE", "default", a["commune"], "2025Q3", "3", "có 1 CLB mới", user=officer)
    put("KCN_WORKERS_SERVED", "FEMALE_KINH", a["zone"], "2025Q3", "120", user=officer)
    put("KCN_WORKERS_SERVED", "FEMALE_ETHNIC_MINORITY", a["zone"], "2025Q3", "35",
        followup=True, user=officer)  # fmt: skip
    put("KCN_WORKERS_SERVED", "MALE_KINH", a["zone"], "2025Q3", "0", user=officer)
    put("WU_TRUSTED_ADDRESSES", "default", a["union"], "2025", "4", user=officer)
    put("WU_DV_DETECTED", "default", a["union"], "2025", "7", "nhạy cảm", user=officer)
    put("WU_SPONSOR_FUNDS", "default", a["union"], "2025", "1500000.50", user=officer)
    return world
