"""Demo casework for the demo province's union: a few dozen made-up children, sponsors, cases,
trusted addresses and 5K3S households. Every name is fictional and says so ("(hư cấu)")."""

import datetime
import random

from django.contrib.auth.models import Permission
from django.db import transaction

from danso.accounts.models import Role, User
from danso.orgunits.models import OrgUnit

from .models import (
    CRITERIA_CODES,
    AddressUse,
    Child,
    DVCase,
    DVService,
    HouseholdAssessment,
    ServiceCode,
    Sponsor,
    Sponsorship,
    Support,
    TrustedAddress,
    Visit,
)
from .services import ensure_union_unit

GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Lan",
    "Mai",
    "Ngọc",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Uyên",
    "Vy",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "H'", "Y", "Ksor", "Niê"]


def _name(rng, middle="Thị") -> str:
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)} (hư cấu)"


@transaction.atomic
def create_demo_casework(province: OrgUnit, commune: OrgUnit, villages: list[OrgUnit]):
    """Once: the province union, the commune branch, a union cadre ("phunu", printed with the
    other logins by the caller) and the records. Returns the cadre's password if created."""
    union = ensure_union_unit(province, "HLHPN", f"Hội Liên hiệp Phụ nữ {province.name}")
    branch = ensure_union_unit(commune, "HLHPN", f"Hội Liên hiệp Phụ nữ {commune.name}")
    if Child.objects.filter(branch_path__startswith=union.path.rsplit("/", 2)[0]).exists():
        return None
    import secrets

    password = None
    cadre = User.objects.filter(username="phunu").first()
    if cadre is None:
        password = secrets.token_urlsafe(9)
        cadre = User.objects.create_user(
            "phunu", password=password, role=Role.PARTNER, full_name=f"Cán bộ {branch.name}"
        )
        cadre.org_units.add(branch)
        cadre.user_permissions.add(Permission.objects.get(codename="access_sensitive"))
    rng = random.Random(13)
    first = datetime.date.today().year - 3  # the records span the last three years and this one
    place = lambda: rng.choice(villages)  # noqa: E731
    common = {"commune": commune, "branch": branch, "created_by": cadre}
    sponsors = []
    for i, (kind, name) in enumerate(
        [
            ("business", "Công ty TNHH Hư Cấu Ea Súp"),
            ("couple", "Vợ chồng ông bà Hư Cấu"),
            ("organisation", "Hội Doanh nhân nữ (hư cấu)"),
            ("person", "Bà Hư Cấu Một"),
            ("person", "Bà Hư Cấu Hai"),
        ]
    ):
        sponsors.append(
            Sponsor.objects.create(
                kind=kind, name=name, phone=f"090000000{i}", village=place(), **common
            )
        )
    for i in range(30):
        born = datetime.date(2008 + i % 12, 1 + i % 12, 1 + i % 27)
        named = i % 3 == 0
        child = Child.objects.create(
            full_name=_name(rng, "Thị" if i % 2 else "Văn") if named else "",
            naming="named" if named else "pseudonymous",
            consent_date=datetime.date(2023, 1, 10) if named else None,
            birth_date=born,
            sex="female" if i % 2 else "male",
            orphaned=rng.choice(["father", "mother", "both"]),
            cause="covid19" if i % 4 == 0 else rng.choice(["disease", "accident", "other"]),
            purpose="Theo dõi, hỗ trợ trẻ được đỡ đầu",
            village=place(),
            **common,
        )
        start = min(datetime.date(first + i % 4, 1 + i % 12, 1), datetime.date.today())
        s = Sponsorship.objects.create(
            child=child,
            sponsor=sponsors[i % len(sponsors)],
            kind=rng.choice(["direct", "indirect"]),
            start=start,
            expected_end=born.replace(year=born.year + 18),
            monthly_amount=500000,
            cadre=cadre,
            commune=commune,
            village=child.village,
            branch=branch,
            created_by=cadre,
        )
        for m in range(3):
            day = min(start + datetime.timedelta(days=30 * m + 10), datetime.date.today())
            Support.objects.create(
                sponsorship=s,
                date=day,
                cash=500000,
                in_kind_value=200000 if m == 0 else 0,
                given_by="Chi hội",
            )
        Visit.objects.create(
            sponsorship=s,
            date=min(start + datetime.timedelta(days=45), datetime.date.today()),
            kind="visit",
            notes="Thăm hỏi tại nhà (hư cấu).",
            cadre=cadre,
        )
    addresses = []
    for i in range(8):
        addresses.append(
            TrustedAddress.objects.create(
                name=f"Địa chỉ tin cậy số {i + 1} (hư cấu)",
                host_kind="household" if i % 2 else "organisation",
                host_name=_name(rng),
                phone=f"091000000{i}",
                hours="Cả ngày",
                capacity=2,
                established_on=min(datetime.date(first + i % 4, 3, 8), datetime.date.today()),
                project="project8",
                village=place(),
                **common,
            )
        )
    services = list(ServiceCode.values)
    for i in range(24):
        opened = min(
            datetime.date(first + i % 4, 1 + (i * 5) % 12, 1 + i % 28), datetime.date.today()
        )
        case = DVCase.objects.create(
            opened_on=opened,
            form=rng.choice(["physical", "psychological", "economic"]),
            detected_by=rng.choice(["union", "neighbour", "self", "police"]),
            birth_year=1975 + i,
            description="Vụ việc hư cấu để minh họa.",
            purpose="Hỗ trợ nạn nhân bạo lực gia đình",
            village=place(),
            **common,
        )
        for k in range(i % 3):
            DVService.objects.create(
                case=case,
                service=services[(i + k) % len(services)],
                date=min(opened + datetime.timedelta(days=k + 1), datetime.date.today()),
                provider="Trạm Y tế xã (hư cấu)",
            )
        if i % 5 == 0:
            AddressUse.objects.create(
                address=addresses[i % len(addresses)], kind="stay", date=opened, nights=2, case=case
            )
    for i in range(40):
        marks = {c: not (i % 4 == 0 and c == "clean_alley") for c in CRITERIA_CODES}
        HouseholdAssessment.objects.create(
            year=first + 1 + i % 3,
            head_name=_name(rng).replace(" Thị ", " Văn "),
            criteria=marks,
            village=place(),
            **common,
        )
    return password
