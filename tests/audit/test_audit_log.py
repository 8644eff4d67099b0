"""Every create, update and delete is recorded: who, when, which object, before and after."""

import datetime

import pytest
from auditlog.models import LogEntry

from danso.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def entries_about(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_ui_create_is_logged_with_actor_and_values(two_communes, login):
    officer = two_communes["a"]["user"]
    commune = two_communes["a"]["commune"]
    old = commune.predecessor_links.first().old.code
    response = login(officer).post(
        f"/don-vi/{commune.uid}/them-thon/",
        {"code": "55", "name": "Thôn Năm Lăm", "unit_type": "thon", "legacy_commune": old},
    )
    assert response.status_code == 302
    village = OrgUnit.objects.get(uid=f"{commune.uid}-55")
    (entry,) = entries_about(village)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == officer
    assert entry.changes_dict["name"] == ["None", "Thôn Năm Lăm"]
    assert entry.additional_data["ou_path"] == village.path


def test_update_and_delete_record_before_and_after(two_communes, bearer):
    officer = two_communes["a"]["user"]
    village = two_communes["a"]["village"]
    village.name = "Thôn Mới"
    village.save()
    response = bearer(officer).delete(f"/api/v1/orgunits/{village.uid}")
    assert response.status_code == 204
    created, updated, deleted = entries_about(village)
    assert updated.action == LogEntry.Action.UPDATE
    assert updated.changes_dict["name"] == [f"Thôn 1 {village.parent.short_name}", "Thôn Mới"]
    assert deleted.action == LogEntry.Action.DELETE
    assert deleted.actor == officer  # named through the token, not the session


def test_administrator_browses_filtered_log_in_scope(two_communes, make_user, login, unit):
    admin = make_user("qt", "admin", unit("VN"))
    commune_a = two_communes["a"]["commune"]
    client = login(admin)
    page = client.get("/nhat-ky/", {"unit": commune_a.uid}).content.decode()
    assert two_communes["a"]["village"].name in page
    assert two_communes["b"]["village"].name not in page
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    later = client.get("/nhat-ky/", {"date_from": tomorrow}).content.decode()
    assert two_communes["a"]["village"].name not in later


def test_province_admin_does_not_see_other_provinces(two_communes, make_user, login, unit):
    other_admin = make_user("qt_hn", "admin", unit("P01"))
    page = login(other_admin).get("/nhat-ky/").content.decode()
    assert two_communes["a"]["village"].name not in page


def test_non_administrators_cannot_open_the_log(two_communes, login):
    assert login(two_communes["a"]["user"]).get("/nhat-ky/").status_code == 403
