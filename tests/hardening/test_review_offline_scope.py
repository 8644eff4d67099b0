"""Review of the offline API: a queued change names persons by id, and the server described
them by name whatever the id (danso/fieldwork/offline.py `describe`). A collaborator of Thôn 1
sending a change that names a person of Thôn 2 (outside their scope) had it refused, as it
must be, but the answer's `mine` carried that person's full name: a name leak by id. Now an
id outside the viewer's scope is shown as the bare id, as for an unknown one."""

# ruff: noqa: F811 (the fieldwork fixtures are imported by name)
import datetime
import json

from danso.accounts.models import Role
from danso.fieldwork.models import QueuedChange
from danso.orgunits.services import create_village
from tests.fieldwork.conftest import accepted, couple_in, village  # noqa: F401 (fixtures)

D = datetime.date


def test_refused_change_does_not_name_a_person_outside_scope(
    village,
    couple_in,
    accepted,
    make_user,
    bearer,  # noqa: F811
):
    household, _husband, wife = couple_in(village, "01", wife_born=D(1995, 3, 1))
    other = create_village(
        village.parent, code="02", name="Thôn 2", unit_type="thon", legacy_commune="24211"
    )
    _h2, _m2, stranger = couple_in(other, "01", wife_born=D(1990, 1, 1))
    accepted.all()
    ctv = make_user("ctv_review", Role.COLLABORATOR, village)
    change = {"kind": "method_start", "occurred_on": "2026-11-10", "household": household.pk,
              "person": stranger.pk, "method": "5"}  # fmt: skip
    answer = bearer(ctv).post(
        f"/api/v1/offline/villages/{village.uid}/changes",
        json.dumps({"device": "p1", "items": [
            {"key": "review-0001", "made_at": "2026-11-10T08:00:00+07:00",
             "base_version": None, "change": change}]}),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    (row,) = answer.json()
    assert row["status"] == "refused"
    assert stranger.full_name not in json.dumps(answer.json(), ensure_ascii=False)
    assert ["Người", str(stranger.pk)] in row["mine"] or [
        "Person", str(stranger.pk)] in row["mine"]  # fmt: skip
    # the same on a later read of the caller's queue
    again = bearer(ctv).get("/api/v1/offline/changes")
    assert stranger.full_name not in json.dumps(again.json(), ensure_ascii=False)
    # a person in scope is still named
    stored = QueuedChange.objects.get(key="review-0001")
    stored.payload["person"] = wife.pk
    stored.save()
    named = bearer(ctv).get("/api/v1/offline/changes").json()[0]["mine"]
    assert any(line[1] == wife.full_name for line in named)
