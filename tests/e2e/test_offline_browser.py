"""Offline capture on a phone, driven in Debian's chromium with the network cut off
(`context.set_offline`, which also cuts the service worker's own fetches).

1. The collaborator opens the offline slip, the network goes, the page reloads from the
   service worker's cache, a birth is recorded and shown queued; the network returns, it is
   sent and accepted, and the commune officer finds it on the village's slip.
   A change the register refuses comes back "sent back" with its Vietnamese message.
2. Two phones of the village's collaborator, both offline, start a method for the same
   woman; back online one after the other: the first is accepted, the second is a conflict
   shown on the phone and on the officer's page with both versions; applied from the phone,
   both changes are in the woman's history (nothing lost).
3. Signing out clears the phone's IndexedDB and the cached shell.
"""

import datetime

import pytest
from playwright.sync_api import expect

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e
COMMUNE = "C24211"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN"}

PEOPLE = """() => new Promise((resolve) => {
  const req = indexedDB.open("danso-offline");
  req.onsuccess = () => {
    const all = req.result.transaction("villages").objectStore("villages").getAll();
    all.onsuccess = () => { req.result.close(); resolve(all.result[0].persons); };
  };
})"""
DATABASES = "() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))"


def open_offline(context, server):
    phone = context.new_page()
    sign_in(phone, server, "ctv")
    phone.goto(f"{server}/ngoai-tuyen/")
    phone.wait_for_selector("#offline[data-loaded='1'][data-shell='ready']")
    return phone


def women(phone, born_from, born_to):
    """Married women of the village on the phone, born in [born_from, born_to]."""
    people = phone.evaluate(PEOPLE)
    return [
        p
        for p in people
        if p["sex"] == "2"
        and p["marital_status"] == "2"
        and str(born_from) <= p["date_of_birth"][:4] <= str(born_to)
        and not p["is_pending"]
    ]


def today() -> str:
    return f"{datetime.date.today():%d/%m/%Y}"


def record(phone, kind, **fields):
    phone.select_option("#o-kind", kind)
    phone.fill("#o-date", today())
    for selector, value in fields.items():
        if selector == "o-child":
            phone.fill(f"#{selector}", value)
        else:
            phone.select_option(f"#{selector}", value)
    phone.click("#offline-form button[type=submit]")


def test_a_birth_recorded_offline_reaches_the_commune(browser, server):
    context = browser.new_context(**PHONE)
    phone = open_offline(context, server)
    assert "Dữ liệu thôn trên điện thoại từ" in phone.locator("#data-status").inner_text()
    mother = women(phone, 1988, 1998)[0]
    no_method = next(p for p in phone.evaluate(PEOPLE) if p["sex"] == "1" and not p["method"])

    context.set_offline(True)
    phone.reload()  # from the service worker's cache: the network is off
    phone.wait_for_selector("#offline[data-loaded='1']")
    assert phone.locator("#net").inner_text() == "Không có mạng: thay đổi được giữ trên điện thoại"
    record(
        phone, "birth", **{"o-mother": str(mother["id"]), "o-child": "Y Ngoại Tuyến", "o-sex": "1"}
    )
    item = phone.locator("#queue li", has_text="Y Ngoại Tuyến")
    assert item.get_attribute("data-status") == "queued"
    assert "Đang chờ trên điện thoại" in item.inner_text()
    # A change the register will refuse: he uses no method to stop.
    record(phone, "method_stop", **{"o-person": str(no_method["id"])})
    expect(phone.locator("#queue li[data-status='queued']")).to_have_count(2)
    shot(phone, "phone-offline-queue")

    context.set_offline(False)  # the page hears `online` and sends the queue
    phone.wait_for_selector("#queue li[data-status='accepted']")
    assert "Đã nhận vào phiếu" in item.inner_text()
    refused = phone.locator("#queue li[data-status='refused']")
    refused.wait_for()
    assert no_method["full_name"] in refused.inner_text() and "Bị trả lại" in refused.inner_text()
    assert (
        refused.locator(".errors").inner_text()
        == "Người này không sử dụng biện pháp tránh thai nào."
    )
    shot(phone, "phone-offline-sent")
    context.close()

    desk = browser.new_context(viewport={"width": 1200, "height": 800}, locale="vi-VN")
    officer = desk.new_page()
    sign_in(officer, server, "xa")
    officer.goto(f"{server}/phieu/xa/{COMMUNE}/")
    officer.locator("main table").get_by_role("link", name="Thôn 1", exact=True).click()
    officer.wait_for_load_state("networkidle")
    assert "Y Ngoại Tuyến" in officer.locator("main table").inner_text()
    desk.close()


def test_two_phones_one_person_both_offline(browser, server):
    first, second = browser.new_context(**PHONE), browser.new_context(**PHONE)
    phone_a, phone_b = open_offline(first, server), open_offline(second, server)
    woman = women(phone_a, 1980, 1987)[0]
    first.set_offline(True)
    second.set_offline(True)
    record(phone_a, "method_start", **{"o-person": str(woman["id"]), "o-method": "5"})
    record(phone_b, "method_start", **{"o-person": str(woman["id"]), "o-method": "1"})
    assert phone_a.locator("#queue li").last.get_attribute("data-status") == "queued"
    assert phone_b.locator("#queue li").last.get_attribute("data-status") == "queued"

    first.set_offline(False)
    phone_a.wait_for_selector("#queue li[data-status='accepted']")
    second.set_offline(False)
    conflict = phone_b.locator("#queue li[data-status='conflict']")
    conflict.wait_for()
    mine, theirs = conflict.locator(".mine").inner_text(), conflict.locator(".theirs").inner_text()
    assert "Vòng tránh thai" in mine and woman["full_name"] in mine
    assert "Thuốc uống tránh thai" in theirs  # phone A's pill, now in the register
    shot(phone_b, "offline-conflict")

    desk = browser.new_context(viewport={"width": 1200, "height": 800}, locale="vi-VN")
    officer = desk.new_page()
    sign_in(officer, server, "xa")
    officer.goto(f"{server}/ngoai-tuyen/xung-dot/xa/{COMMUNE}/")
    article = officer.locator("article.conflict", has_text=woman["full_name"])
    assert "Vòng tránh thai" in article.locator(".mine").inner_text()
    assert "Thuốc uống tránh thai" in article.locator(".theirs").inner_text()
    shot(officer, "offline-conflict-officer")

    conflict.get_by_role("button", name="Vẫn ghi thay đổi của tôi").click()
    phone_b.wait_for_selector("#queue li[data-status='applied']")
    officer.reload()
    assert officer.locator("article.conflict", has_text=woman["full_name"]).count() == 0
    assert woman["full_name"] in officer.locator("ul.decided").inner_text()
    # Nothing lost: both phones' method starts are in her history, in the order they came.
    timeline = officer.request.get(f"{server}/api/v1/persons/{woman['id']}/timeline").json()
    starts = [
        e["method"]
        for e in timeline
        if e["kind"] == "method_start" and e["occurred_on"] == f"{datetime.date.today()}"
    ]
    assert starts == ["5", "1"]
    officer.goto(f"{server}/so-a0/nguoi/{woman['id']}/")
    assert "Vòng tránh thai" in officer.locator("ol.timeline").inner_text()
    for context in (first, second, desk):
        context.close()


def test_sign_out_clears_the_phone(browser, server):
    context = browser.new_context(**PHONE)
    phone = open_offline(context, server)
    assert "danso-offline" in phone.evaluate(DATABASES)
    assert phone.evaluate("() => caches.keys()") == ["danso-shell-v1"]
    with phone.expect_navigation():
        phone.locator("form[action$='/dang-xuat/'] button").click()
    phone.wait_for_load_state("networkidle")
    assert "/dang-nhap/" in phone.url
    assert "danso-offline" not in phone.evaluate(DATABASES)
    assert phone.evaluate("() => caches.keys()") == []
    context.close()
