"""A person who moved in keeps the sending commune's entries in their history; on their page
the receiving officer is offered "Hủy mục này" only for the entries their own commune made,
and those work; the sending commune's entries are not cancellable by them (404)."""

import re

from django.utils import timezone

from danso.accounts.models import Role
from danso.demo import _demo_commune
from danso.fieldwork import moves
from danso.fieldwork.demo import create_fieldwork_demo, create_move_demo
from danso.register.models import Event, Person


def test_the_receiving_officer_cancels_only_their_own_entries(db, make_user, login):
    commune = _demo_commune()
    village = create_fieldwork_demo(commune)
    origin_village = create_move_demo(commune)
    (move,) = moves.expected(commune)
    officer = login(make_user("xa", Role.COMMUNE, commune))
    today = timezone.localdate()
    officer.post(f"/chuyen-cu/xa/{commune.uid}/", {
        "action": "arrive", "move_out": move.pk, "village": village.uid, "number": "01",
        "arrived_on": today.strftime("%d/%m/%Y"),
    })  # fmt: skip
    mother = Person.objects.get(full_name="H'Lan Êban")
    assert mother.village == village
    history = Event.objects.filter(person=mother) | Event.objects.filter(other_person=mother)
    theirs = {e.pk for e in history if e.ou_path.startswith(origin_village.path)}
    ours = {e.pk for e in history if e.ou_path.startswith(commune.path)}
    assert len(theirs) >= 3 and ours  # registration, birth, move out; the move in
    html = officer.get(f"/so-a0/nguoi/{mother.pk}/").content.decode()
    offered = {int(pk) for pk in re.findall(r'action="/so-a0/su-kien/(\d+)/huy/"', html)}
    assert offered == ours
    for pk in theirs:  # what the page no longer offers is refused anyway
        answer = officer.post(f"/so-a0/su-kien/{pk}/huy/", {"reason": "Nhầm"})
        assert answer.status_code == 404
    (own,) = ours
    done = officer.post(f"/so-a0/su-kien/{own}/huy/", {"reason": "Ghi nhầm ngày đến"})
    assert done.status_code == 302
    assert Event.objects.get(pk=own).is_superseded
