"""The builder's page and saved analyses: saved only if the query can be answered, shared ones
seen by others (each with their own area's figures), pinned to one's own dashboard."""

import pytest

from danso.accounts.models import Role
from danso.analysis.models import SavedAnalysis

pytestmark = pytest.mark.django_db
QUERY = "dimension=dx:cpr;third_share&dimension=pe:LAST_8_QUARTERS&dimension=ou:USER_ORGUNIT"


def test_the_builder_lists_figures_units_and_periods(officer, login):
    page = login(officer).get("/phan-tich/").content.decode()
    assert 'value="cpr"' in page and 'value="KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY"' in page
    assert 'value="PROGRESS.cpr"' in page and 'value="ACTIVITIES.mobile_trip"' in page
    assert 'value="LAST_8_QUARTERS"' in page and "8 quý gần nhất" in page
    assert 'value="WU_DV_DETECTED"' in page  # the officer may see sensitive data


def test_sensitive_figures_are_not_offered_without_the_permission(make_user, unit, login):
    plain = make_user("xem", Role.VIEWER, unit("P66"))
    assert 'value="WU_DV_DETECTED"' not in login(plain).get("/phan-tich/").content.decode()


def test_save_share_pin_and_delete(officer, make_user, unit, login):
    client = login(officer)
    response = client.post("/phan-tich/luu/", {
        "name": "CPR 8 quý", "query": QUERY, "rows": "ou;dx", "columns": "pe", "chart": "line",
        "shared": "on", "pin": "on",
    })  # fmt: skip
    saved = SavedAnalysis.objects.get()
    assert response["Location"] == f"/phan-tich/?luu={saved.pk}"
    assert (saved.owner, saved.shared, list(saved.pinned_by.all())) == (officer, True, [officer])
    assert "CPR 8 quý" in client.get(f"/phan-tich/?luu={saved.pk}").content.decode()
    assert "CPR 8 quý" in client.get("/bang-dieu-khien/").content.decode()  # pinned

    commune = make_user("xa", Role.COMMUNE, unit("C24211"))
    other = login(commune)
    assert "CPR 8 quý" in other.get("/phan-tich/da-luu/").content.decode()  # shared
    assert "CPR 8 quý" not in other.get("/bang-dieu-khien/").content.decode()  # not their pin
    other.post(f"/phan-tich/da-luu/{saved.pk}/ghim/")
    assert "CPR 8 quý" in other.get("/bang-dieu-khien/").content.decode()
    assert other.post(f"/phan-tich/da-luu/{saved.pk}/xoa/").status_code == 403  # not theirs
    saved.shared = False
    saved.save()
    assert other.get(f"/phan-tich/?luu={saved.pk}").status_code == 404
    client.post(f"/phan-tich/da-luu/{saved.pk}/xoa/")
    assert not SavedAnalysis.objects.exists()


def test_a_query_that_cannot_be_answered_is_not_saved(officer, login):
    response = login(officer).post("/phan-tich/luu/", {
        "name": "Sai", "query": "dimension=dx:nope&dimension=pe:2025Q3&dimension=ou:P66",
        "chart": "bar",
    }, follow=True)  # fmt: skip
    assert "Chưa lưu: Không có chỉ tiêu: nope." in response.content.decode()
    assert not SavedAnalysis.objects.exists()
