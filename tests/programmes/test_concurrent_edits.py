"""Two people edit the same activity, club or household's poverty status from the same
version: the first save goes through, the second gets 409 with what stands now, and nothing
of the second is saved (before, both got 200 and the first edit was lost)."""

import pytest

from danso.programmes.models import Activity, Club
from danso.register.models import HouseholdPoverty
from danso.register.services import create_household

from .test_activity_api import payload, post

pytestmark = pytest.mark.django_db


def put(client, url, data, version=None):
    headers = {"If-Match": f'"{version}"'} if version is not None else {}
    return client.put(url, data, content_type="application/json", headers=headers)


def test_an_activity_saved_meanwhile_is_not_overwritten(two_communes, bearer):
    a = two_communes["a"]
    first, second = bearer(a["user"]), bearer(a["user"])
    created = post(first, "/api/v1/activities", payload(a["commune"])).json()
    url = f"/api/v1/activities/{created['id']}"
    read = first.get(url)
    assert read["ETag"] == '"1"' and read.json()["version"] == 1

    ok = put(first, url, payload(a["commune"], title="Sửa của người thứ nhất"), version=1)
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    late = put(second, url, payload(a["commune"], title="Sửa của người thứ hai"), version=1)
    assert late.status_code == 409, late.content
    body = late.json()
    assert body["code"] == "stale_version" and body["current_version"] == 2
    assert body["current"]["title"] == "Sửa của người thứ nhất"
    assert Activity.objects.get().title == "Sửa của người thứ nhất"

    again = put(second, url, payload(a["commune"], title="Sửa của người thứ hai"), version=2)
    assert again.status_code == 200 and again.json()["version"] == 3


def test_a_club_saved_meanwhile_is_not_overwritten(two_communes, bearer):
    a = two_communes["a"]
    api = bearer(a["user"])
    club = post(api, "/api/v1/clubs", {"organiser": a["commune"].uid, "name": "CLB A"}).json()
    url = f"/api/v1/clubs/{club['id']}"
    assert api.get(url)["ETag"] == '"1"'
    data = {"organiser": a["commune"].uid, "name": "CLB mới", "topic": "Tiền hôn nhân"}
    assert put(api, url, data, version=1).status_code == 200
    late = put(api, url, {**data, "name": "CLB khác", "topic": ""}, version=1)
    assert late.status_code == 409
    assert late.json()["current"]["name"] == "CLB mới"
    assert Club.objects.get().name == "CLB mới"


def test_without_if_match_an_old_client_still_saves(two_communes, bearer):
    a = two_communes["a"]
    api = bearer(a["user"])
    created = post(api, "/api/v1/activities", payload(a["commune"])).json()
    url = f"/api/v1/activities/{created['id']}"
    assert put(api, url, payload(a["commune"], title="Một")).status_code == 200
    assert put(api, url, payload(a["commune"], title="Hai")).json()["version"] == 3


def test_a_poverty_status_set_meanwhile_is_not_overwritten(two_communes, bearer):
    a = two_communes["a"]
    api = bearer(a["user"])
    household = create_household(a["village"], number="001")
    url = f"/api/v1/households/{household.pk}"
    assert api.get(url)["ETag"] == '"1"'
    poor = put(api, f"{url}/poverty", {"year": 2026, "status": "1"}, version=1)
    assert poor.status_code == 200 and poor["ETag"] == '"2"'
    late = put(api, f"{url}/poverty", {"year": 2026, "status": "2"}, version=1)
    assert late.status_code == 409
    assert late.json()["current"]["poverty"] == {"2026": "1"}
    assert HouseholdPoverty.objects.get().status == "1"


# The forms: a hidden version; the second save is a 409 page that keeps what was typed and
# shows what was saved meanwhile.


def test_the_activity_form_refuses_a_save_over_someone_elses(two_communes, login, record):
    from .test_activity_pages import form_data

    a = two_communes["a"]
    activity = record(a["user"], a["commune"], title="Truyền thông")
    first, second = login(a["user"]), login(a["user"])
    url = f"/hoat-dong/{activity.pk}/sua/"
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert (
        first.post(url, form_data(a["commune"], title="Bản thứ nhất", version="1")).status_code
        == 302
    )

    page = second.post(url, form_data(a["commune"], title="Bản thứ hai", version="1"))
    assert page.status_code == 409
    text = page.content.decode()
    assert 'value="Bản thứ hai"' in text  # what the second person typed is kept
    assert "<dd>Bản thứ nhất</dd>" in text  # and what was saved meanwhile is shown
    assert 'name="version" value="2"' in text
    assert Activity.objects.get().title == "Bản thứ nhất"
    # Saving the redrawn form replaces the first edit knowingly.
    assert (
        second.post(url, form_data(a["commune"], title="Bản thứ hai", version="2")).status_code
        == 302
    )
    assert Activity.objects.get().title == "Bản thứ hai"


def test_the_club_form_refuses_a_save_over_someone_elses(two_communes, login):
    from danso.programmes.clubs import ClubInput, save_club

    a = two_communes["a"]
    club = save_club(a["user"], ClubInput(organiser=a["commune"].uid, name="CLB cũ"))
    client = login(a["user"])
    url = f"/cau-lac-bo/{club.pk}/sua/"
    data = {"organiser": a["commune"].uid, "name": "CLB một", "version": "1"}
    assert client.post(url, data).status_code == 302
    page = client.post(url, {**data, "name": "CLB hai"})
    assert page.status_code == 409
    assert 'value="CLB hai"' in page.content.decode()
    assert "<dd>CLB một</dd>" in page.content.decode()
    assert Club.objects.get().name == "CLB một"


def test_the_poverty_form_refuses_a_save_over_someone_elses(two_communes, login):
    a = two_communes["a"]
    household = create_household(a["village"], number="002")
    client = login(a["user"])
    url = f"/so-a0/ho/{household.pk}/"
    assert 'name="version" value="1"' in client.get(url).content.decode()
    post_url = f"/so-a0/ho/{household.pk}/ngheo/"
    assert client.post(post_url, {"year": "2026", "status": "1", "version": "1"}).status_code == 302
    page = client.post(post_url, {"year": "2026", "status": "2", "version": "1"})
    assert page.status_code == 409
    text = page.content.decode()
    assert "<dt>2026</dt><dd>Hộ nghèo</dd>" in text
    assert HouseholdPoverty.objects.get().status == "1"


# Data entry: the form's ETag tags its stored cells.


def _fpa(make_user):
    from danso.accounts.models import Role
    from danso.orgunits.models import OrgUnit
    from danso.orgunits.services import create_organisation

    province = OrgUnit.objects.get(uid="P66")
    org = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                              unit_type="hoi_khhgd")  # fmt: skip
    return org, make_user("hoi", Role.PARTNER, org)


def test_cells_saved_meanwhile_are_not_overwritten_through_the_api(db, make_user, bearer):
    from danso.programmes.models import DataValue

    org, staff = _fpa(make_user)
    first, second = bearer(staff), bearer(staff)
    url = f"/api/v1/dataEntry/HKHHGD_NAM/{org.uid}/2023"
    tag = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == tag

    def save(client, value, tag):
        data = {"values": [{"dataElement": "FPA_CLIENTS", "value": value}]}
        return client.post(url, data, content_type="application/json", headers={"If-Match": tag})

    ok = save(first, "5.838", tag)
    assert ok.status_code == 200 and ok["ETag"] != tag
    late = save(second, "6.000", tag)
    assert late.status_code == 409, late.content
    body = late.json()
    assert body["code"] == "stale_version" and f'"{body["current_version"]}"' == ok["ETag"]
    cells = {r["dataElement"]: r["cells"][0]["value"]
             for s in body["current"]["sections"] for r in s["rows"]}  # fmt: skip
    assert cells["FPA_CLIENTS"] == 5838
    assert DataValue.objects.get().value == 5838
    assert save(second, "6.000", ok["ETag"]).status_code == 200


def test_the_entry_page_keeps_what_was_typed_and_shows_what_was_saved(db, make_user, login):
    from danso.programmes.models import DataValue

    org, staff = _fpa(make_user)
    first, second = login(staff), login(staff)
    url = f"/so-lieu/HKHHGD_NAM/{org.uid}/2023/"
    page = first.get(url).content.decode()
    tag = page.split('name="version" value="')[1].split('"')[0]
    assert first.post(url, {"v:FPA_CLIENTS:default": "5.838", "version": tag}).status_code == 302
    late = second.post(url, {"v:FPA_CLIENTS:default": "6.000", "v:FPA_FP_CLINIC:default": "",
                             "version": tag})  # fmt: skip
    assert late.status_code == 409
    text = late.content.decode()
    assert 'value="6.000"' in text
    assert "Đã được lưu trong lúc bạn sửa: 5.838" in text
    assert DataValue.objects.get().value == 5838


# Plan targets: a revision is addressed by the target it revises; an allocation by its ETag.


def _province_target(two_communes, make_user):
    from danso.accounts.models import Role
    from danso.programmes import plans

    officer = make_user("tinh", Role.PROVINCE, two_communes["province"])
    target = plans.set_target(officer, two_communes["province"], 2026, "ACT_TRAINED", 50)
    return officer, target


def test_two_revisions_of_the_same_target_the_second_gets_409(two_communes, make_user, bearer):
    officer, target = _province_target(two_communes, make_user)
    api = bearer(officer)
    url = f"/api/v1/targets/{target.pk}/revise"
    assert post(api, url, {"value": 60, "reason": "Bổ sung"}).status_code == 201
    late = post(api, url, {"value": 70, "reason": "Người thứ hai"})
    assert late.status_code == 409, late.content
    body = late.json()
    assert body["code"] == "stale_version" and body["current"]["value"] == 60
    assert body["current_version"] == 1  # the current revision number


def test_an_allocation_changed_meanwhile_is_not_overwritten(two_communes, make_user, bearer):
    from danso.programmes.models import Target

    officer, target = _province_target(two_communes, make_user)
    first, second = bearer(officer), bearer(officer)
    url = f"/api/v1/targets/{target.pk}"
    tag = first.get(f"{url}/allocation")["ETag"]
    a, b = two_communes["a"]["commune"], two_communes["b"]["commune"]

    def allocate(client, x, y, tag):
        data = {"allocations": [{"ou": a.uid, "value": x}, {"ou": b.uid, "value": y}]}
        return client.post(f"{url}/allocate", data, content_type="application/json",
                           headers={"If-Match": tag})  # fmt: skip

    ok = allocate(first, 20, 30, tag)
    assert ok.status_code == 200 and ok["ETag"] != tag
    late = allocate(second, 25, 25, tag)
    assert late.status_code == 409
    assert late.json()["current_version"] == ok["ETag"].strip('"')
    assert sorted(Target.objects.filter(plan__unit__in=[a, b]).values_list("value", flat=True)) == [
        20,
        30,
    ]


def test_the_allocation_page_keeps_what_was_typed(two_communes, make_user, login):
    from danso.programmes import plans
    from danso.programmes.models import Target

    officer, target = _province_target(two_communes, make_user)
    client = login(officer)
    url = f"/chi-tieu/{target.pk}/phan-bo/"
    page = client.get(url).content.decode()
    tag = page.split('name="version" value="')[1].split('"')[0]
    a, b = two_communes["a"]["commune"], two_communes["b"]["commune"]
    plans.allocate(officer, target, [plans.Share(a, 10), plans.Share(b, 40)])  # someone else
    late = client.post(url, {f"u_{a.uid}": "22", f"u_{b.uid}": "28", "version": tag})
    assert late.status_code == 409
    text = late.content.decode()
    assert 'value="22"' in text and 'value="28"' in text
    assert plans.allocation_version(target) in text
    assert sorted(Target.objects.filter(plan__unit__in=[a, b]).values_list("value", flat=True)) == [
        10,
        40,
    ]
