"""A province union with two commune branches, their cadres and others, on the real tree."""

import pytest

from danso.accounts.models import Role
from danso.casework import forms
from danso.casework.services import create_union_unit


@pytest.fixture
def union(two_communes, make_user):
    province = two_communes["province"]
    world = {"province": province}
    world["union"] = create_union_unit(province, code="HLHPN", name="Hội LHPN tỉnh Đắk Lắk")
    world["province_cadre"] = make_user("phunu_tinh", Role.PARTNER, world["union"], sensitive=True)
    for key in ("a", "b"):
        commune = two_communes[key]["commune"]
        branch = create_union_unit(commune, code="HLHPN", name=f"Hội LHPN {commune.name}")
        world[key] = {
            **two_communes[key],
            "branch": branch,
            "cadre": make_user(f"phunu_{key}", Role.PARTNER, branch, sensitive=True),
        }
    # Not a union role: a province officer with the permission, an administrator without it,
    # and a union cadre without the permission.
    world["officer"] = make_user("tinh_nhay_cam", Role.PROVINCE, province, sensitive=True)
    world["admin"] = make_user("quantri", Role.ADMIN, province)
    world["no_permission"] = make_user("phunu_khong_quyen", Role.PARTNER, world["a"]["branch"])
    return world


def save(form_class, user, data, **kwargs):
    """Save through the form every interface uses; fail loudly on a refusal."""
    form = form_class(data, user=user, **kwargs)
    assert form.is_valid(), form.errors.as_data()
    return form.save()


def child(user, place, *, cause="disease", name="", birth="2015-04-02"):
    named = (
        {
            "naming": "named",
            "full_name": name,
            "consent_date": "2024-01-05",
            "consent_by": "Bà ngoại (người giám hộ)",
        }
        if name
        else {"naming": "pseudonymous"}
    )
    return save(
        forms.ChildForm,
        user,
        {
            "place": place.uid,
            "birth_date": birth,
            "sex": "female",
            "orphaned": "both",
            "cause": cause,
            "purpose": "Theo dõi hỗ trợ",
            **named,
        },
    )


def sponsor(user, place, name="Công ty TNHH Hư Cấu"):
    return save(
        forms.SponsorForm,
        user,
        {"place": place.uid, "kind": "business", "name": name, "phone": "0900000000"},
    )


def sponsorship(user, the_child, the_sponsor, start):
    return save(
        forms.SponsorshipForm,
        user,
        {"sponsor": the_sponsor.pk, "kind": "indirect", "start": start, "monthly_amount": 500000},
        child=the_child,
    )


def support(user, the_sponsorship, date, cash=0, gifts=0):
    return save(
        forms.SupportForm,
        user,
        {"date": date, "cash": cash, "in_kind_value": gifts, "given_by": "Chi hội"},
        parent=the_sponsorship,
    )


def case(user, place, opened, *, name=""):
    named = (
        {"naming": "named", "full_name": name, "consent_date": opened}
        if name
        else {"naming": "pseudonymous"}
    )
    return save(
        forms.CaseForm,
        user,
        {
            "place": place.uid,
            "opened_on": opened,
            "form": "physical",
            "detected_by": "union",
            "description": "Bị chồng đánh (hư cấu)",
            **named,
        },
    )


def service(user, the_case, code, date):
    return save(
        forms.ServiceForm,
        user,
        {"service": code, "date": date, "provider": "Trạm Y tế"},
        parent=the_case,
    )


def address(user, place, established):
    return save(
        forms.AddressForm,
        user,
        {
            "place": place.uid,
            "name": "Nhà bà Hư Cấu",
            "host_kind": "household",
            "host_name": "Bà Hư Cấu",
            "capacity": 2,
            "established_on": established,
            "project": "project8",
        },
    )


def assessment(user, place, year, *, missing=()):
    from danso.casework.models import CRITERIA_CODES

    marks = {c: "on" for c in CRITERIA_CODES if c not in missing}
    return save(
        forms.AssessmentForm,
        user,
        {"place": place.uid, "year": year, "head_name": "Hộ Hư Cấu", **marks},
    )


@pytest.fixture
def recorded(union):
    """The records of test_counts' hand computation (kept by the two commune branches)."""
    a, b = union["a"], union["b"]
    ua, ub = a["cadre"], b["cadre"]
    # Commune A. Child 1 (COVID-19) sponsored from March 2024, three months of support:
    # 500.000 cash each month and 200.000 of gifts once = 1.700.000.
    c1 = child(ua, a["village"], cause="covid19", name="Nguyễn Thị Hư Cấu")
    s1 = sponsorship(ua, c1, sponsor(ua, a["commune"]), "2024-03-01")
    for month in ("03", "04", "05"):
        support(ua, s1, f"2024-{month}-15", cash=500000)
    support(ua, s1, "2024-05-20", gifts=200000)
    # Child 2: sponsored since 2023 (not a 2024 orphan), 300.000 given in January 2024.
    c2 = child(ua, a["commune"])
    s2 = sponsorship(ua, c2, sponsor(ua, a["commune"], "Vợ chồng Hư Cấu"), "2023-06-01")
    support(ua, s2, "2024-01-10", cash=300000)
    # Cases: two services for case 1 (supported), none for case 2, case 3 is from 2023.
    k1 = case(ua, a["village"], "2024-02-10", name="Trần Thị Hư Cấu")
    service(ua, k1, "health", "2024-02-10")
    service(ua, k1, "legal", "2024-02-20")
    case(ua, a["commune"], "2024-07-01")
    k3 = case(ua, a["commune"], "2023-12-30")
    service(ua, k3, "counselling", "2024-01-03")
    address(ua, a["village"], "2024-04-01")
    address(ua, a["commune"], "2022-05-01")
    assessment(ua, a["village"], 2024)
    assessment(ua, a["village"], 2024, missing=("clean_alley",))
    assessment(ua, a["village"], 2023)
    # Commune B: a case detected in September 2024 first served in January 2025; a COVID-19
    # orphan sponsored from November 2024 with 1.000.000 of gifts in December.
    k4 = case(ub, b["commune"], "2024-09-09")
    service(ub, k4, "shelter", "2025-01-05")
    c3 = child(ub, b["village"], cause="covid19")
    s3 = sponsorship(ub, c3, sponsor(ub, b["commune"], "Hội doanh nhân nữ"), "2024-11-01")
    support(ub, s3, "2024-12-01", gifts=1000000)
    union.update(child1=c1, case1=k1, case4=k4, sponsorship1=s1)
    return union
