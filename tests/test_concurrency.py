"""The shared optimistic-concurrency mechanism, on a real model (an org-unit group)."""

import pytest

from danso.concurrency import StaleEdit, claim, etag, parse_if_match
from danso.orgunits.models import OrgUnitGroup

pytestmark = pytest.mark.django_db


def _group():
    return OrgUnitGroup.objects.create(uid="aaaaaaaaaaa", code="VUNG_KHO", name="Vùng khó khăn")


def test_an_edit_from_the_current_version_goes_through_and_bumps_it():
    group = _group()
    claim(group, 1)
    assert group.version == 2
    assert OrgUnitGroup.objects.get(pk=group.pk).version == 2


def test_the_second_of_two_edits_from_the_same_version_is_refused():
    group = _group()
    first, second = OrgUnitGroup.objects.get(pk=group.pk), OrgUnitGroup.objects.get(pk=group.pk)
    claim(first, 1)
    with pytest.raises(StaleEdit) as refused:
        claim(second, 1)
    assert refused.value.current_version == 2
    assert "2" in refused.value.message
    assert OrgUnitGroup.objects.get(pk=group.pk).version == 2  # nothing more happened


def test_if_match_headers():
    group = _group()
    assert etag(group) == '"1"'
    assert parse_if_match('"3"') == 3
    assert parse_if_match('W/"3"') == 3
    assert parse_if_match("3") == 3
    assert parse_if_match("*") is None
    assert parse_if_match("") is None
    assert parse_if_match('"99999999999999999999"') is None
