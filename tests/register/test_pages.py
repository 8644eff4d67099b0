"""The register's pages with Django's test client: the collaborator's path and the review."""

import pytest

from danso.accounts.models import Role
from danso.register.models import Event, Household, Person, Slip

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctv(village, make_user, login):
    return login(make_user("ctv1", Role.COLLABORATOR, village))


@pytest.fixture
def officer(village, make_user, login):
    return login(make_user("xa", Role.COMMUNE, village.parent))


def test_collaborator_path_from_household_to_accepted_slip(village, ctv, officer):
    response = ctv.post(f"/so-a0/thon/{village.uid}/", {"number": "12", "address": "", "kind": "1"})
    household = Household.objects.get(number="12")
    assert response.status_code == 302
    url = f"/so-a0/ho/{household.pk}/ghi/"
    page = ctv.get(url).content.decode()
    assert "<h1>Ghi thay đổi</h1>" in page
    response = ctv.post(
        url,
        {
            "kind": "registration",
            "occurred_on": "05/01/2025",
            "full_name": "Hoàng Thị Mai",
            "sex": "2",
            "date_of_birth": "12/03/1998",
            "relationship": "1",
            "ethnicity": "01",
            "marital_status": "1",
            "intends_to_stay": "on",
            "period": "202501",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    person = Person.objects.get(full_name="Hoàng Thị Mai")
    # A woman cannot have a vasectomy: refused with a message, nothing recorded.
    response = ctv.post(
        url,
        {
            "kind": "method_start",
            "occurred_on": "06/01/2025",
            "person": person.pk,
            "method": "2",
            "period": "202501",
        },
    )
    assert response.status_code == 200
    assert Event.objects.count() == 1
    slip = Slip.objects.get()
    assert ctv.post(f"/phieu/{slip.pk}/", {"action": "submit"}).status_code == 302
    assert ctv.post(f"/phieu/{slip.pk}/", {"action": "accept"}).status_code == 403
    queue = officer.get(f"/phieu/xa/{village.parent.uid}/?ky=202501").content.decode()
    assert village.name in queue
    officer.post(f"/phieu/{slip.pk}/", {"action": "accept"})
    slip.refresh_from_db()
    assert slip.status == Slip.Status.ACCEPTED
    members = ctv.get(f"/so-a0/ho/{household.pk}/", {"ngay": "31/01/2025"}).content.decode()
    assert "Hoàng Thị Mai" in members
    before = ctv.get(f"/so-a0/ho/{household.pk}/", {"ngay": "01/01/2025"}).content.decode()
    assert "Hoàng Thị Mai</a></td>" not in before
    found = ctv.get("/so-a0/tim/", {"q": "hoang thi mai"}).content.decode()
    assert f"/so-a0/nguoi/{person.pk}/" in found


def test_officer_cancels_an_accepted_entry_with_a_reason(village, ctv, officer):
    ctv.post(f"/so-a0/thon/{village.uid}/", {"number": "1", "kind": "1"})
    household = Household.objects.get()
    ctv.post(
        f"/so-a0/ho/{household.pk}/ghi/",
        {
            "kind": "registration",
            "occurred_on": "05/01/2025",
            "full_name": "Đỗ Văn Tâm",
            "sex": "1",
            "date_of_birth": "12/03/1950",
            "relationship": "1",
            "period": "202501",
            "intends_to_stay": "on",
        },
    )
    person = Person.objects.get()
    ctv.post(
        f"/so-a0/ho/{household.pk}/ghi/",
        {
            "kind": "elderly_check",
            "occurred_on": "07/01/2025",
            "person": person.pk,
            "period": "202501",
        },
    )
    slip = Slip.objects.get()
    ctv.post(f"/phieu/{slip.pk}/", {"action": "submit"})
    officer.post(f"/phieu/{slip.pk}/", {"action": "accept"})
    check = Event.objects.get(kind="elderly_check")
    assert ctv.post(f"/so-a0/su-kien/{check.pk}/huy/", {"reason": "x"}).status_code == 403
    officer.post(f"/so-a0/su-kien/{check.pk}/huy/", {"reason": "Ghi nhầm người"})
    check.refresh_from_db()
    assert check.is_superseded
    page = officer.get(f"/so-a0/nguoi/{person.pk}/").content.decode()
    assert "Ghi nhầm người" in page and 'class="superseded' in page
