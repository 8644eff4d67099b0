"""Inputs that broke pages or the database (issue 16): every number and text is checked
against its column, on the API, the forms and the imports; one error shape, in Vietnamese."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danso.accounts.models import Role
from danso.exchange.jobs import run_job
from danso.exchange.models import ImportJob
from danso.limits import BIGINT_MAX, ColumnLimitError, bounds, decimal_bound
from danso.programmes.models import Activity, Target
from danso.register import services
from danso.register.models import Household

pytestmark = pytest.mark.django_db
TOO_BIG = BIGINT_MAX + 1  # 2^63


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def officer(two_communes, make_user):
    return make_user("tinh", Role.PROVINCE, two_communes["province"])


def assert_refused(response, field_end, code):
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}
    assert any(e["field"].endswith(field_end) and e["code"] == code for e in body["errors"]), body
    return body


def test_bounds_come_from_the_model_fields():
    assert bounds(Target, "value") == (-decimal_bound(Target._meta.get_field("value")),
                                       decimal_bound(Target._meta.get_field("value")))  # fmt: skip
    low, high = bounds(Target, "value")
    assert str(high) == "9999999999999999.99" and low == -high
    assert bounds(Activity, "cost")[1] == 10**15 - 1
    assert bounds(Household.poverty.rel.related_model, "year") == (0, 32767)


@pytest.mark.parametrize("value", [1e17, 1e300])
def test_a_target_too_large_for_its_column_is_refused(officer, bearer, value):
    api = bearer(officer)
    response = post(
        api, "/api/v1/plans/P66/2026/targets", {"metric": "ACT_TRAINED", "value": value}
    )
    body = assert_refused(response, "value", "out_of_range")
    assert "9.999.999.999.999.998" in body["errors"][0]["message"]
    assert not Target.objects.exists()
    # The plan and progress pages of the year still answer.
    assert api.get("/api/v1/progress?ou=P66&year=2026").status_code == 200


def test_the_plan_service_checks_the_column_too(officer, login):
    """A form or an import goes through the same service."""
    from danso.programmes import plans

    with pytest.raises(plans.PlanError) as refused:
        plans.set_target(officer, officer.org_units.get(), 2026, "ACT_TRAINED", "1e17", None)
    assert refused.value.code == "out_of_range"


def test_pages_and_filters_beyond_64_bits_answer_422(two_communes, bearer):
    api = bearer(two_communes["a"]["user"])
    for url in (
        f"/api/v1/households?limit={TOO_BIG}",
        f"/api/v1/persons?offset={TOO_BIG}",
        f"/api/v1/persons?household={TOO_BIG}",
        f"/api/v1/activities?club={TOO_BIG}",
        f"/api/v1/persons/{TOO_BIG}",
        f"/api/v1/households?offset={10**30}&limit={2**62}",
    ):
        response = api.get(url)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["errors"][0]["code"] == "out_of_range"
    assert api.get(f"/api/v1/persons?offset={BIGINT_MAX - 10_000}").status_code == 200


def test_a_search_of_many_words_is_bounded(two_communes, bearer):
    api = bearer(two_communes["a"]["user"])
    words = " ".join(["an"] * 1400)
    assert_refused(api.get("/api/v1/persons", {"q": words}), "q", "too_long")
    assert api.get("/api/v1/persons", {"q": "Nguyễn Văn"}).status_code == 200


def test_long_text_and_nul_bytes_are_refused_before_the_database(two_communes, bearer):
    a = two_communes["a"]
    api = bearer(a["user"])
    household = {"village": a["village"].uid, "number": "1", "address": "x" * 1_000_000}
    body = assert_refused(post(api, "/api/v1/households", household), "address", "too_long")
    assert "tối đa 300 ký tự" in body["errors"][0]["message"]
    household = {"village": a["village"].uid, "number": "1\x002"}
    assert_refused(post(api, "/api/v1/households", household), "number", "nul_byte")
    activity = {"kind": "communication", "title": "t" * 1_000_000, "start_date": "2026-03-02",
                "organiser": a["commune"].uid}  # fmt: skip
    assert_refused(post(api, "/api/v1/activities", activity), "title", "too_long")
    activity.update(title="", notes="a\x00b")
    assert_refused(post(api, "/api/v1/activities", activity), "notes", "nul_byte")
    activity.update(notes="", cost=10**20)
    assert_refused(post(api, "/api/v1/activities", activity), "cost", "out_of_range")
    assert not Household.objects.exists() and not Activity.objects.exists()


def test_every_save_is_checked_against_the_columns(two_communes):
    """The safety net under the schemas: a value that reaches save() unchecked is refused."""
    village = two_communes["a"]["village"]
    household = Household(number="1", address="x" * 301)
    household.place_in(village)
    with pytest.raises(ColumnLimitError) as refused:
        household.save()
    assert [(p.field, p.code) for p in refused.value.problems] == [("address", "too_long")]


def test_a_village_with_households_answers_409(two_communes, make_user, bearer):
    a = two_communes["a"]
    services.create_household(a["village"], number="1", address="", user=a["user"])
    response = bearer(a["user"]).delete(f"/api/v1/orgunits/{a['village'].uid}")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "in_use"


def test_a_missing_attachment_file_answers_404(two_communes, bearer, settings, tmp_path):
    from danso.programmes.activities import ActivityInput, save_activity

    settings.MEDIA_ROOT = tmp_path
    a = two_communes["a"]
    upload = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    data = ActivityInput(organiser=a["commune"].uid, kind="communication",
                         start_date=datetime.date(2026, 3, 2))  # fmt: skip
    activity = save_activity(a["user"], data, uploads=[upload], today=datetime.date(2026, 3, 3))
    attachment = activity.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    response = bearer(a["user"]).get(
        f"/api/v1/activities/{activity.pk}/attachments/{attachment.pk}"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


VILLAGE = {"code": "1", "name": "x", "unit_type": "thon"}


def test_errors_have_one_shape_in_vietnamese(two_communes, bearer, client):
    api = bearer(two_communes["a"]["user"])
    cases = [
        (client.get("/api/v1/me"), 401),
        (api.get("/api/v1/persons/999999"), 404),
        (api.get("/api/v1/persons?household=abc"), 422),
        (post(api, "/api/v1/orgunits/P66/villages", VILLAGE), 404),  # outside the caller's area
        (post(api, "/api/v1/dataEntry/KCN_QUY/P66/2026Q1", {"values": []}), 404),
    ]  # fmt: skip
    for response, status in cases:
        body = response.json()
        assert response.status_code == status, body
        assert set(body) >= {"detail", "code", "errors"}, body
        for english in ("Not found", "Refused", "You may not", "Nothing was saved", "Invalid"):
            assert english not in str(body), body


def test_a_csv_field_over_128_kb_is_a_rejected_row(two_communes, make_user):
    a = two_communes["a"]
    header = "village,household_number,address\n"
    text = header + f"01,001,{'x' * 200_000}\n01,002,Buôn Ma\n"
    job = ImportJob.objects.create(
        kind="households", unit=a["commune"], created_by=a["user"], ou_path=a["commune"].path,
        file_name="ho.csv", content=text.encode(),
    )  # fmt: skip
    run_job(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED, job.message
    assert [(e["index"], e["field"], e["code"]) for e in job.errors] == [(2, "address", "too_long")]
    assert "tối đa" in job.errors[0]["message"]
    assert not Household.objects.exists()
