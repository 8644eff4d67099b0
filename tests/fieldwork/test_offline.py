"""Offline capture: the phone's download, the queued changes it sends back (idempotent by
key), conflicts when the register changed meanwhile, and their resolution both ways.

By hand. Village "Thôn 1" of Xã Ea Súp: household 01, husband (1985) and wife W (1995),
married, no method, registered and accepted on 05/01/2026. Both phones download W at version
v (the id of her latest event: her registration). Phone A records "pill from 10/11/2026",
phone B "IUD from 11/11/2026", both on base v. A arrives first: accepted, W's pill is on the
November slip. B arrives: W has an event after v that B did not send, so B's change is kept
as an open conflict (W's version now A's event; the register shows the pill), nothing
applied: W has exactly one method start. Resolved "apply" it goes through the register (the
IUD switches the method); resolved "discard" it stays, marked, and W keeps the pill.
"""

import datetime
import json

import pytest
from auditlog.models import LogEntry

from danso.accounts.models import Role
from danso.fieldwork import offline
from danso.fieldwork.models import QueuedChange
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes, services
from danso.register.models import Event, Slip

D = datetime.date
DAY = D(2026, 11, 10)


@pytest.fixture
def world(village, couple_in, accepted, make_user, bearer):
    household, husband, wife = couple_in(village, "01", wife_born=D(1995, 3, 1))
    accepted.all()
    commune = village.parent
    other = create_village(
        commune, code="02", name="Thôn 2", unit_type="thon", legacy_commune="24211"
    )
    ctv = make_user("ctv_offline", Role.COLLABORATOR, village)
    return {
        "village": village,
        "other": other,
        "household": household,
        "wife": wife,
        "husband": husband,
        "ctv": ctv,
        "api": bearer(ctv),
        "officer": make_user("xa_offline", Role.COMMUNE, commune),
        "outsider": make_user("ctv_thon2", Role.COLLABORATOR, other),
    }


def item(key, change, base, made="2026-11-10T08:00:00+07:00"):
    return {"key": key, "made_at": made, "base_version": base, "change": change}


def start(world, method, day=DAY):
    return {
        "kind": "method_start",
        "occurred_on": day.isoformat(),
        "household": world["household"].pk,
        "person": world["wife"].pk,
        "method": method,
    }


def send(client, village, device, *items):
    return client.post(
        f"/api/v1/offline/villages/{village.uid}/changes",
        json.dumps({"device": device, "items": list(items)}),
        content_type="application/json",
    )


def test_download_is_the_registers_scope(world, bearer):
    answer = world["api"].get(f"/api/v1/offline/villages/{world['village'].uid}")
    assert answer.status_code == 200
    body = answer.json()
    wife = next(p for p in body["persons"] if p["id"] == world["wife"].pk)
    registration = Event.objects.get(person=world["wife"], kind="registration")
    # Her registration names her husband as spouse; his names no one: her latest event is hers.
    assert wife["version"] == max(registration.pk, offline.version_of(world["wife"].pk))
    assert {p["full_name"] for p in body["persons"]} == {"Chồng 01", "Vợ 01"}
    assert [h["number"] for h in body["households"]] == ["01"]
    # A collaborator of another village learns nothing of this one.
    assert (
        bearer(world["outsider"])
        .get(f"/api/v1/offline/villages/{world['village'].uid}")
        .status_code
        == 404
    )


def test_a_queued_change_is_recorded_once(world):
    base = offline.version_of(world["wife"].pk)
    first = send(
        world["api"], world["village"], "phone-a", item("key-pill-0001", start(world, "5"), base)
    )
    assert first.status_code == 200, first.content
    (answer,) = first.json()
    assert answer["status"] == "accepted" and not answer["repeated"]
    event = Event.objects.get(pk=answer["event"])
    assert (event.kind, event.method, event.slip.period) == ("method_start", "5", "202611")
    assert not event.is_accepted  # waits for the commune's review like any entry
    again = send(
        world["api"], world["village"], "phone-a", item("key-pill-0001", start(world, "5"), base)
    )
    assert again.json()[0]["repeated"] and again.json()[0]["event"] == event.pk
    assert Event.objects.filter(person=world["wife"], kind="method_start").count() == 1
    assert QueuedChange.objects.filter(key="key-pill-0001").count() == 1
    row = QueuedChange.objects.get(key="key-pill-0001")
    assert row.made_at == datetime.datetime.fromisoformat("2026-11-10T08:00:00+07:00")


def test_a_refused_change_is_sent_back_with_the_registers_message(world):
    stop = {
        "kind": "method_stop",
        "occurred_on": DAY.isoformat(),
        "household": world["household"].pk,
        "person": world["wife"].pk,
    }
    (answer,) = send(world["api"], world["village"], "a", item("key-stop-0001", stop, None)).json()
    assert answer["status"] == "refused"
    assert [p["code"] for p in answer["problems"]] == ["no_method_in_use"]
    assert answer["problems"][0]["message"]  # Vietnamese, from the register's checks
    assert not Event.objects.filter(kind="method_stop").exists()


def test_someone_elses_change_meanwhile_makes_a_conflict(world):
    base = offline.version_of(world["wife"].pk)
    send(world["api"], world["village"], "phone-a", item("key-a-000001", start(world, "5"), base))
    # The same collaborator's other phone, offline on the same copy.
    answer = send(
        world["api"],
        world["village"],
        "phone-b",
        item("key-b-000001", start(world, "1", D(2026, 11, 11)), base),
    ).json()[0]
    assert answer["status"] == "conflict" and answer["conflict_code"] == "stale_version"
    assert answer["is_open"]
    assert Event.objects.filter(person=world["wife"], kind="method_start").count() == 1
    lines = dict(answer["current"]["lines"])
    assert lines["Biện pháp đang dùng"] == codes.METHOD.label("5")
    assert [s["text"] for s in answer["current"]["since"]] == [
        f"Mới sử dụng biện pháp tránh thai 10/11/2026 · {codes.METHOD.label('5')}"
    ]
    mine = dict(answer["mine"])
    assert mine["Biện pháp"] == codes.METHOD.label("1") and mine["Người"] == "Vợ 01"
    row = QueuedChange.objects.get(key="key-b-000001")
    assert row.base_version == base and row.payload["method"] == "1" and row.device == "phone-b"


def test_a_phones_own_earlier_changes_are_no_conflict(world):
    base = offline.version_of(world["wife"].pk)
    preg = {
        "kind": "pregnancy",
        "occurred_on": "2026-11-12",
        "household": world["household"].pk,
        "person": world["wife"].pk,
        "outcome": "1",
    }
    answers = send(
        world["api"],
        world["village"],
        "phone-a",
        item("key-seq-00001", start(world, "5"), base),
        item("key-seq-00002", preg, base),
    ).json()
    assert [a["status"] for a in answers] == ["accepted", "accepted"]


def test_a_closed_slip_makes_a_conflict(world):
    services.submit(services.slip_for(world["village"], "202611"), world["ctv"])
    base = offline.version_of(world["wife"].pk)
    (answer,) = send(
        world["api"], world["village"], "a", item("key-closed-01", start(world, "5"), base)
    ).json()
    assert (answer["status"], answer["conflict_code"]) == ("conflict", "slip_closed")
    assert dict(answer["current"]["lines"])["Phiếu thu tin của tháng"] == "Đã nộp"
    # Applied while the slip is still closed: the register refuses, the conflict stays open.
    officer = world["api"]
    refused = officer.post(
        f"/api/v1/offline/conflicts/{answer['id']}/resolve",
        {"resolution": "apply"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "slip_closed"
    assert QueuedChange.objects.get(pk=answer["id"]).is_open


def _conflict(world):
    base = offline.version_of(world["wife"].pk)
    send(world["api"], world["village"], "phone-a", item("key-a-000002", start(world, "5"), base))
    return send(
        world["api"],
        world["village"],
        "phone-b",
        item("key-b-000002", start(world, "1", D(2026, 11, 11)), base),
    ).json()[0]


def test_resolved_apply_goes_through_the_register(world):
    answer = _conflict(world)
    url = f"/api/v1/offline/conflicts/{answer['id']}/resolve"
    done = world["api"].post(url, {"resolution": "apply"}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "applied" and done.json()["resolved_by"] == "ctv_offline"
    starts = Event.objects.filter(person=world["wife"], kind="method_start").order_by("pk")
    assert [e.method for e in starts] == ["5", "1"]
    assert done.json()["event"] == starts.last().pk
    again = world["api"].post(url, {"resolution": "discard"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_resolved"
    entries = LogEntry.objects.get_for_model(QueuedChange).filter(object_id=answer["id"])
    assert any("resolution" in (e.changes_dict or {}) for e in entries)


def test_resolved_discard_keeps_the_register_and_the_change(world, login):
    answer = _conflict(world)
    desk = login(world["officer"])
    page = desk.get(f"/ngoai-tuyen/xung-dot/xa/{world['village'].parent.uid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vợ 01" in text and codes.METHOD.label("1") in text and codes.METHOD.label("5") in text
    desk.post(f"/ngoai-tuyen/xung-dot/{answer['id']}/", {"resolution": "discard"})
    row = QueuedChange.objects.get(pk=answer["id"])
    assert (row.resolution, row.is_open, row.resolved_by) == ("discarded", False, world["officer"])
    assert row.payload["method"] == "1"  # kept
    assert [e.method for e in Event.objects.filter(person=world["wife"], kind="method_start")] == [
        "5"
    ]
    assert (
        "Vợ 01"
        not in desk.get(f"/ngoai-tuyen/xung-dot/xa/{world['village'].parent.uid}/")
        .content.decode()
        .split("Đã quyết định")[0]
    )
    # The phone learns the officer's decision when it next syncs.
    (mine,) = world["api"].get("/api/v1/offline/changes?key_list=key-b-000002").json()
    assert (mine["status"], mine["resolved_by"]) == ("discarded", "xa_offline")
    entry = LogEntry.objects.get_for_model(QueuedChange).filter(object_id=row.pk).latest("pk")
    assert entry.actor == world["officer"] and entry.changes_dict["resolution"][1] == "discarded"


def test_conflicts_are_scoped(world, make_user, bearer, login):
    answer = _conflict(world)
    other_commune = OrgUnit.objects.get(uid="C24211").parent.children.exclude(uid="C24211").first()
    stranger = make_user("xa_khac", Role.COMMUNE, other_commune)
    client = bearer(stranger)
    assert client.get("/api/v1/offline/conflicts").json() == []
    resolve = client.post(
        f"/api/v1/offline/conflicts/{answer['id']}/resolve",
        {"resolution": "discard"},
        content_type="application/json",
    )
    assert resolve.status_code == 404
    # Another collaborator of the commune does not see it either (another village).
    assert bearer(world["outsider"]).get("/api/v1/offline/conflicts").json() == []
    officer = (
        bearer(world["officer"])
        .get(f"/api/v1/offline/conflicts?commune={world['village'].parent.uid}")
        .json()
    )
    assert [c["id"] for c in officer] == [answer["id"]]
    province = make_user("tinh_offline", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))
    assert [
        c["id"] for c in bearer(province).get("/api/v1/offline/conflicts?commune=P66").json()
    ] == [answer["id"]]
    page = login(province).get("/ngoai-tuyen/xung-dot/xa/P66/")
    assert page.status_code == 200 and "Vợ 01" in page.content.decode()
    # Recording elsewhere is refused: the outsider's village is not this one.
    refused = send(
        bearer(world["outsider"]), world["village"], "x", item("key-out-0001", start(world, "5"), 0)
    )
    assert refused.status_code == 404


def test_the_shell_and_sign_out(world, login, client):
    sw = client.get("/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/"
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["theme_color"] == "#0b6e4f" and body["start_url"] == "/ngoai-tuyen/"
    assert "Phiếu" in body["name"] or "phiếu" in body["name"]
    assert {i["type"] for i in body["icons"]} == {"image/png", "image/svg+xml"}
    phone = login(world["ctv"])
    assert phone.get("/ngoai-tuyen/").url == f"/ngoai-tuyen/thon/{world['village'].uid}/"
    page = phone.get(f"/ngoai-tuyen/thon/{world['village'].uid}/")
    assert page.status_code == 200 and b'id="offline"' in page.content
    assert (
        login(world["outsider"]).get(f"/ngoai-tuyen/thon/{world['village'].uid}/").status_code
        == 404
    )
    out = phone.post("/dang-xuat/")
    assert out["Clear-Site-Data"] == '"storage"'


def test_openapi_documents_the_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    send_op = schema["paths"]["/api/v1/offline/villages/{village_uid}/changes"]["post"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(send_op["responses"])
    resolve_op = schema["paths"]["/api/v1/offline/conflicts/{conflict_id}/resolve"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(resolve_op["responses"])
    assert "QueuedOut" in schema["components"]["schemas"]
    assert Slip.Status.OPEN  # the download names the slip's status with these codes
