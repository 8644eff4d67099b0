"""Demo users, villages and partner organisations, so a newcomer sees a working system.

The demo province is Đắk Lắk (66), where the seed figures of the Family Planning Association
come from. Passwords are random, printed once when the users are created, and stored hashed.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction

from danso.accounts.models import Role, User
from danso.casework.demo import create_demo_casework
from danso.orgunits.groups import create_demo_groups
from danso.orgunits.models import Level, OrgUnit, UnitType
from danso.orgunits.services import create_organisation, create_village, legacy_communes_for
from danso.programmes.demo import create_demo_programmes
from danso.programmes.plan_demo import create_plan_demo, plan_communes
from danso.programmes.province_demo import create_province_demo

DEMO_PROVINCE = "P66"  # Tỉnh Đắk Lắk
DEMO_COMMUNE_NAME = "Ea Súp"


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


def _demo_commune() -> OrgUnit:
    communes = OrgUnit.objects.filter(
        path__startswith=f"/VN/{DEMO_PROVINCE}/", level=Level.COMMUNE
    ).order_by("code")
    return communes.filter(short_name=DEMO_COMMUNE_NAME).first() or communes.first()


def _in_sentence(name: str) -> str:
    """ "Xã Ea Súp" inside a sentence is "xã Ea Súp": only the type word loses its capital."""
    return name[:1].lower() + name[1:]


def _ensure_villages(commune: OrgUnit) -> list[OrgUnit]:
    existing = list(commune.children.filter(level=Level.VILLAGE).order_by("code"))
    if existing:
        return existing
    old = list(legacy_communes_for(commune))
    villages = []
    for i in range(1, 9):
        legacy = old[(i - 1) % len(old)]
        villages.append(
            create_village(
                commune,
                code=f"{i:02d}",
                name=f"Thôn {i}",
                unit_type=UnitType.HAMLET,
                legacy_commune=legacy.code,
            )
        )
    return villages


def _ensure_organisation(parent: OrgUnit, code: str, name: str, unit_type: str) -> OrgUnit:
    found = parent.children.filter(code=code).first()
    return found or create_organisation(parent, code=code, name=name, unit_type=unit_type)


@transaction.atomic
def create_demo() -> list[DemoLogin]:
    """Create what is missing and return the logins of users created now (none on a re-run)."""
    nation = OrgUnit.objects.get(uid="VN")
    province = OrgUnit.objects.get(uid=DEMO_PROVINCE)
    commune = _demo_commune()
    villages = _ensure_villages(commune)
    fpa = _ensure_organisation(
        province, "HKHHGD", "Hội Kế hoạch hóa gia đình tỉnh Đắk Lắk", UnitType.FP_ASSOCIATION
    )
    _ensure_organisation(
        province, "HLHPN", "Hội Liên hiệp Phụ nữ tỉnh Đắk Lắk", UnitType.WOMENS_UNION
    )
    _ensure_organisation(
        commune, "TYT", f"Trạm Y tế {_in_sentence(commune.name)}", UnitType.HEALTH_STATION
    )
    people = [
        ("admin", "Quản trị hệ thống", Role.ADMIN, nation),
        ("trunguong", "Cán bộ Trung ương", Role.CENTRAL, nation),
        ("tinh", "Cán bộ Chi cục Dân số Đắk Lắk", Role.PROVINCE, province),
        ("xa", f"Viên chức dân số {_in_sentence(commune.name)}", Role.COMMUNE, commune),
        ("ctv", f"Cộng tác viên {villages[0].name}", Role.COLLABORATOR, villages[0]),
        ("hoi", "Cán bộ Hội KHHGĐ Đắk Lắk", Role.PARTNER, fpa),
        ("xem", "Người xem tỉnh Đắk Lắk", Role.VIEWER, province),
    ]
    sensitive = Permission.objects.get(codename="access_sensitive")
    created = []
    for username, full_name, role, unit in people:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username, password=password, full_name=full_name, role=role)
        user.org_units.add(unit)
        if role in (Role.ADMIN, Role.PROVINCE):
            user.user_permissions.add(sensitive)
        created.append(DemoLogin(username, password, str(Role(role).label), unit.name))
    create_plan_demo(User.objects.filter(username="tinh").first(), province, commune, fpa)
    create_demo_programmes(fpa, commune, villages)
    create_demo_groups(province)
    password = create_demo_casework(province, commune, villages)
    if password:
        created.append(DemoLogin("phunu", password, str(Role.PARTNER.label), commune.name))
    return created


def create_province_figures() -> None:
    """The province's work in the current and previous year (activities, data values, the
    people-reached target allocated to every commune); after the population is generated, so
    that sessions take place in the villages. Idempotent."""
    province = OrgUnit.objects.get(uid=DEMO_PROVINCE)
    commune = _demo_commune()
    fpa = province.children.get(code="HKHHGD")
    officer = User.objects.filter(username="tinh").first()
    create_province_demo(officer, province, commune, fpa, plan_communes(province, commune))
