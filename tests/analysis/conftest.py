"""The statistics tests' hand-built register (two communes of Đắk Lắk, see
tests/statistics/test_reports.py) and a province officer who sees both."""

import pytest

from danso.accounts.models import Role
from tests.statistics.conftest import register  # noqa: F401  (the shared fixture)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(make_user, unit):
    return make_user("tinh", Role.PROVINCE, unit("P66"), sensitive=True)
