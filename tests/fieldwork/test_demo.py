"""The demo's field-work village and move, as docs/fieldwork.md describes them."""

from django.utils import timezone

from danso.accounts.models import Role
from danso.demo import _demo_commune
from danso.fieldwork import moves
from danso.fieldwork.demo import create_fieldwork_demo, create_move_demo
from danso.fieldwork.worklists import worklists
from danso.register.models import Household


def test_demo_village_and_move(db, make_user, login):
    commune = _demo_commune()
    village = create_fieldwork_demo(commune)
    assert create_fieldwork_demo(commune) is None  # once
    today = timezone.localdate()
    (review,) = worklists(village, today, "free_contraception")
    assert [i.person.full_name for i in review.items] == ["H'Hen 01", "H'Hen 02", "H'Hen 06"]
    create_move_demo(commune)
    (move,) = moves.expected(commune)
    officer = login(make_user("xa", Role.COMMUNE, commune))
    page = officer.post(f"/chuyen-cu/xa/{commune.uid}/", {
        "action": "arrive", "move_out": move.pk, "village": village.uid, "number": "01",
        "arrived_on": today.strftime("%d/%m/%Y"),
    }, follow=True)  # fmt: skip
    html = page.content.decode()
    assert "giữ một lịch sử" in html, html[html.find("<main") :][:3000]
    household = Household.objects.get(village=village, number="01")
    assert household.persons.filter(full_name="H'Lan Êban").exists()
    (review,) = worklists(village, today, "free_contraception")
    assert len(review.items) == 3  # she is not married: the review is unchanged
