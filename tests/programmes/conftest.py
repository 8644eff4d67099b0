import datetime

import pytest

from danso.accounts.models import Role
from danso.orgunits.services import create_organisation
from danso.programmes.activities import ActivityInput, save_activity

D = datetime.date
TODAY = D(2026, 11, 1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are made by the dozen here; the real hasher takes a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fpa(two_communes, make_user):
    """The province's Family Planning Association and a member of its staff."""
    association = create_organisation(
        two_communes["province"], code="HKHHGD", name="Hội KHHGĐ tỉnh", unit_type="hoi_khhgd"
    )
    return {"unit": association, "user": make_user("hoi", Role.PARTNER, association)}


@pytest.fixture
def record():
    """Record an activity as a user: record(user, organiser, kind=…, start_date=…, …)."""

    def record(user, organiser, uploads=(), **fields):
        fields.setdefault("kind", "communication")
        fields.setdefault("start_date", D(2026, 3, 2))
        data = ActivityInput(organiser=organiser.uid, **fields)
        return save_activity(user, data, uploads=uploads, today=TODAY)

    return record
