"""A quarter reconciled with other sectors: imported, explained, signed off.

By hand. Village in Xã Ea Súp (C24211): a couple registered 05/01/2025 and the husband's
mother (1950). In 2025Q3 the wife has a boy at the commune health station (10/07, citizen ID
066225000001) and the grandmother dies (20/08). The register's figures for 2025Q3: births 1,
deaths 1, facility births 1, residents on 30/09: 3 (husband, wife, boy).
Civil registration says 2 births (one registered late, from the previous quarter) and 1 death,
the health facilities 1 birth, the police 4 residents (a son registered there but living away).
"""

import datetime

import pytest

from danso.accounts.models import Role
from danso.fieldwork import reconciliation as rec
from danso.fieldwork.models import Reconciliation, SectorCount, SectorPerson
from danso.register import codes
from danso.register.validation import Change
from danso.statistics.periods import Period
from tests.fieldwork.conftest import person_data

D = datetime.date
Q3 = Period.parse("2025Q3")
COUNTS = b"""commune,period,source,value
C24211,2025Q3,civil_births,2
C24211,2025Q3,civil_deaths,1
C24211,2025Q3,facility_births,1
C24211,2025Q3,police_residents,4
"""


@pytest.fixture
def commune(village, couple_in, accepted):
    household, _husband, wife = couple_in(village, "01", wife_born=D(1995, 3, 8), day=D(2025, 1, 5))
    (grandma,) = accepted(Change("registration", D(2025, 1, 5), household,
                                 person_data=person_data("Bà", codes.FEMALE, D(1950, 1, 1),
                                                         relationship="4")))  # fmt: skip
    accepted(Change("birth", D(2025, 7, 10), household, other_person=wife, place="1",
                    person_data=person_data("Y Sơn", codes.MALE, D(2025, 7, 10),
                                            citizen_id="066225000001")))  # fmt: skip
    accepted(Change("death", D(2025, 8, 20), household, person=grandma))
    accepted.all()
    return village.parent


@pytest.fixture
def officer(make_user, commune):
    return make_user("xa", Role.COMMUNE, commune)


def test_a_quarter_imported_explained_and_signed_off(commune, officer):
    assert rec.import_counts(officer, "counts.csv", COUNTS) == 4
    got = {line.source: (line.other, line.register, line.difference)
           for line in rec.lines(commune, Q3)}  # fmt: skip
    assert got == {
        "civil_births": (2, 1, 1), "civil_deaths": (1, 1, 0),
        "facility_births": (1, 1, 0), "police_residents": (4, 3, 1),
    }  # fmt: skip
    with pytest.raises(rec.ImportRefused) as err:  # differences must be explained
        rec.record_explanation(officer, commune, Q3, "", sign=True)
    assert err.value.problems[0].code == "required"
    explanation = "1 khai sinh muộn của quý 2; 1 người có hộ khẩu nhưng đi làm xa."
    signed = rec.record_explanation(officer, commune, Q3, explanation, sign=True)
    assert signed.signed_off_by == officer and signed.explanation == explanation
    with pytest.raises(rec.ImportRefused) as err:  # a signed-off period is closed
        rec.import_counts(officer, "counts.csv", COUNTS)
    assert {p.code for p in err.value.problems} == {"signed_off"}
    # The half-year and the year are reconciled on their own.
    assert rec.import_counts(officer, "y.csv", COUNTS.replace(b"2025Q3", b"2025")) == 4
    assert rec.lines(commune, Period.parse("2025"))[0].register == 1


def test_every_bad_row_is_reported_and_nothing_kept(commune, officer):
    bad = b"""commune,period,source,value
C24211,2025Q3,civil_births,2
C99999,2025Q3,civil_births,2
C24211,202507,civil_births,2
C24211,2025Q3,hospital,2
C24211,2025Q3,civil_deaths,one
C24211,2025Q3,civil_births,3
"""
    with pytest.raises(rec.ImportRefused) as err:
        rec.import_counts(officer, "bad.csv", bad)
    assert [(p.index, p.field, p.code) for p in err.value.problems] == [
        (3, "commune", "unknown_unit"), (4, "period", "invalid_period"),
        (5, "source", "invalid_code"), (6, "value", "invalid_number"),
        (7, "source", "duplicate_row"),
    ]  # fmt: skip
    assert SectorCount.objects.count() == 0


def test_person_level_file_matched_by_citizen_id(commune, officer):
    people = """commune,period,source,citizen_id,full_name,date_of_birth
C24211,2025Q3,civil_births,066225000001,Y Sơn,10/07/2025
C24211,2025Q3,civil_births,066325000002,H'Lan,02/05/2025
""".encode()
    assert rec.import_persons(officer, "births.csv", people) == 2
    found = rec.match(commune, Q3, "civil_births")
    assert (found["in_file"], found["matched"]) == (2, 1)
    assert [p.full_name for p in found["unmatched_file"]] == ["H'Lan"]
    assert found["unmatched_register"] == []
    assert SectorPerson.objects.get(citizen_id="066225000001").person.full_name == "Y Sơn"
    # The death has no file: the register's person is listed as unmatched.
    deaths = rec.match(commune, Q3, "civil_deaths")
    assert deaths["in_file"] == 0 and [p.full_name for p in deaths["register_without_id"]] == ["Bà"]


def test_page_and_api(commune, officer, login, bearer, make_user):
    client = login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post("/thong-nhat-so-lieu/nhap/", {
        "kind": "counts", "file": SimpleUploadedFile("counts.csv", COUNTS, "text/csv"),
    })  # fmt: skip
    assert answer.status_code == 302
    page = client.get(f"/thong-nhat-so-lieu/{commune.uid}/2025Q3/")
    html = page.content.decode()
    assert page.status_code == 200 and "+1<" in html
    api = bearer(officer)
    got = api.get(f"/api/v1/communes/{commune.uid}/reconciliation?period=2025Q3").json()
    assert {line["source"]: line["difference"] for line in got["lines"]}["police_residents"] == 1
    url = f"/api/v1/communes/{commune.uid}/reconciliation?period=2025Q3"
    refused = api.post(url, {"explanation": "", "sign_off": True}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "required"
    signed = api.post(f"/api/v1/communes/{commune.uid}/reconciliation?period=2025Q3",
                      {"explanation": "Khai sinh muộn.", "sign_off": True},
                      content_type="application/json")  # fmt: skip
    assert signed.status_code == 200 and signed.json()["signed_off_at"]
    assert Reconciliation.objects.get().signed_off_by == officer
    collaborator = make_user("ctv", Role.COLLABORATOR, commune)
    with pytest.raises(rec.ImportRefused):
        rec.import_counts(collaborator, "counts.csv", COUNTS.replace(b"Q3", b"Q4"))
