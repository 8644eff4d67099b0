"""Shared test set-up: the real org-unit fixture is loaded once per test database, and small
factories build users and villages on top of it.

The database is whatever DANSO_DATABASE_URL names (SQLite by default); .ci/run runs the suite
on SQLite and on PostgreSQL. A PostgreSQL that cannot be reached makes the tests error out.
"""

import pytest
from django.test import Client

from danso.accounts.models import AccessToken, Role, User
from danso.orgunits.loading import load_units
from danso.orgunits.models import OrgUnit, UnitType
from danso.orgunits.services import create_organisation, create_village


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_units()


@pytest.fixture
def unit():
    return lambda uid: OrgUnit.objects.get(uid=uid)


@pytest.fixture
def make_user(db):
    def make(username, role, *units, sensitive=False, password="mật-khẩu-đủ-dài-1"):
        user = User.objects.create_user(username, password=password, role=role)
        user.org_units.add(*units)
        if sensitive:
            from django.contrib.auth.models import Permission

            user.user_permissions.add(Permission.objects.get(codename="access_sensitive"))
        return user

    return make


@pytest.fixture
def login():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return client_for


@pytest.fixture
def bearer():
    def client_for(user) -> Client:
        _, token = AccessToken.issue(user, "test")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return client_for


@pytest.fixture
def two_communes(db, make_user):
    """The first two communes of Đắk Lắk (66), each with a village, a health station and a
    commune officer."""
    province = OrgUnit.objects.get(uid="P66")
    a, b = OrgUnit.objects.filter(parent=province).order_by("code")[:2]
    world = {"province": province}
    for key, commune in (("a", a), ("b", b)):
        village = create_village(
            commune,
            code="01",
            name=f"Thôn 1 {commune.short_name}",
            unit_type=UnitType.HAMLET,
            legacy_commune=commune.predecessor_links.filter(old__level="commune").first().old.code,
        )
        station = create_organisation(
            commune, code="TYT", name=f"Trạm Y tế {commune.name}", unit_type="tram_y_te"
        )
        officer = make_user(f"xa_{key}", Role.COMMUNE, commune)
        world[key] = {"commune": commune, "village": village, "station": station, "user": officer}
    return world


@pytest.fixture(autouse=True)
def _figures_not_kept_across_tests():
    """Dashboards and reports added up are kept in the cache under the villages' versions
    (statistics/dashboard.py, report.py); test databases roll back to the same ids and
    versions, so one test's figures must not be read by the next."""
    from django.core.cache import cache

    cache.clear()
