"""The activity and club pages: recording through the form, lists, details, files, scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danso.accounts.models import Role
from danso.programmes.clubs import ClubInput, MemberInput, save_club, save_member
from danso.programmes.models import Activity, Club, ClubMember

from .conftest import D
from .test_attachments import PDF, PNG

pytestmark = pytest.mark.django_db


def form_data(organiser, **extra):
    return {
        "kind": "mobile_trip",
        "title": "Chuyến lưu động tháng 3",
        "start_date": "04/03/2026",
        "end_date": "05/03/2026",
        "organiser": organiser.uid,
        "p_ethnic_minority_female": "18",
        "p_ethnic_minority_male": "",
        "p_general_male": "4",
        "s_iud": "6",
        "s_pill": "9",
        "cost": "1500000",
        "funding_source": "local",
        "notes": "Phối hợp với trạm y tế",
        **extra,
    }


def test_an_officer_records_an_activity_with_a_photo(two_communes, login, media):
    a = two_communes["a"]
    client = login(a["user"])
    assert client.get("/hoat-dong/ghi/").status_code == 200
    data = form_data(a["commune"], places=[a["village"].uid, a["station"].uid])
    data["files"] = [SimpleUploadedFile("anh.png", PNG), SimpleUploadedFile("bb.pdf", PDF)]
    response = client.post("/hoat-dong/ghi/", data)
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == f"/hoat-dong/{activity.pk}/"
    assert (activity.start_date, activity.end_date) == (D(2026, 3, 4), D(2026, 3, 5))
    assert {p.uid for p in activity.places.all()} == {a["village"].uid, a["station"].uid}
    assert sorted(activity.participants.values_list("target_group", "sex", "count")) == [
        ("ethnic_minority", "female", 18), ("general", "male", 4),
    ]  # fmt: skip
    assert activity.attachments.count() == 2

    page = client.get(response.url).content.decode()
    assert "Chuyến lưu động tháng 3" in page
    assert "04/03/2026 – 05/03/2026" in page
    assert "1.500.000 đ" in page
    assert "Số chuyến dịch vụ lưu động" in page  # what the activity feeds
    listing = client.get("/hoat-dong/").content.decode()
    assert "Chuyến lưu động tháng 3" in listing


def test_the_form_shows_each_problem_and_keeps_what_was_typed(two_communes, login):
    a = two_communes["a"]
    client = login(a["user"])
    data = form_data(a["commune"], end_date="01/03/2026", p_general_male="-2",
                     places=[a["village"].uid])  # fmt: skip
    data["files"] = [SimpleUploadedFile("virus.exe", b"MZ")]
    response = client.post("/hoat-dong/ghi/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in page
    assert "Số người tham gia (Người dân, Nam) không được âm." in page
    assert "virus.exe không phải ảnh, tệp PDF hay tài liệu văn phòng." in page
    assert f'value="{a["village"].uid}" checked' in page  # the chosen place stays chosen
    assert not Activity.objects.exists()


def test_the_place_search_offers_only_reachable_units(two_communes, login):
    a, b = two_communes["a"], two_communes["b"]
    client = login(a["user"])
    nearby = client.get("/hoat-dong/dia-ban/", {"organiser": a["commune"].uid}).content.decode()
    assert a["village"].uid in nearby and a["station"].uid in nearby
    found = client.get("/hoat-dong/dia-ban/", {"q": "Thôn 1", "organiser": a["commune"].uid})
    assert a["village"].uid in found.content.decode()
    assert b["village"].uid not in found.content.decode()
    chosen = client.get("/hoat-dong/dia-ban/", {"q": "Thôn 1", "places": a["village"].uid})
    assert a["village"].uid not in chosen.content.decode()  # already chosen


def test_the_list_filters_by_kind_unit_and_dates(two_communes, login, record):
    a = two_communes["a"]
    record(a["user"], a["commune"], title="Truyền thông xã", start_date=D(2026, 1, 5))
    record(a["user"], a["village"], kind="training", title="Tập huấn thôn",
           start_date=D(2026, 2, 5))  # fmt: skip
    client = login(a["user"])

    def titles(**query):
        page = client.get("/hoat-dong/", query).content.decode()
        return {t for t in ("Truyền thông xã", "Tập huấn thôn") if t in page}

    assert titles() == {"Truyền thông xã", "Tập huấn thôn"}
    assert titles(kind="training") == {"Tập huấn thôn"}
    assert titles(unit=a["village"].uid) == {"Tập huấn thôn"}
    assert titles(date_from="01/02/2026") == {"Tập huấn thôn"}
    assert titles(date_to="31/01/2026") == {"Truyền thông xã"}


def test_another_communes_activity_is_out_of_reach(two_communes, login, record, media):
    a, b = two_communes["a"], two_communes["b"]
    theirs = record(b["user"], b["commune"], title="Hoạt động của xã B",
                    uploads=[SimpleUploadedFile("b.png", PNG)])  # fmt: skip
    attachment = theirs.attachments.get()
    outsider, owner = login(a["user"]), login(b["user"])
    for url in (f"/hoat-dong/{theirs.pk}/", f"/hoat-dong/{theirs.pk}/sua/",
                f"/hoat-dong/{theirs.pk}/tep/{attachment.pk}/"):  # fmt: skip
        assert outsider.get(url).status_code == 404, url
        assert owner.get(url).status_code == 200, url
    assert outsider.post(f"/hoat-dong/{theirs.pk}/xoa/").status_code == 404
    assert "Hoạt động của xã B" not in outsider.get("/hoat-dong/").content.decode()
    assert outsider.get("/hoat-dong/", {"unit": b["commune"].uid}).status_code == 404
    assert Activity.objects.filter(pk=theirs.pk).exists()


def test_files_are_served_only_through_the_scoped_view(two_communes, login, record, media):
    a = two_communes["a"]
    files = [SimpleUploadedFile("ảnh.png", PNG), SimpleUploadedFile("bb.pdf", PDF)]
    activity = record(a["user"], a["commune"], uploads=files)
    png, pdf = activity.attachments.get(name="ảnh.png"), activity.attachments.get(name="bb.pdf")
    client = login(a["user"])
    response = client.get(f"/hoat-dong/{activity.pk}/tep/{png.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert client.get(f"/hoat-dong/{activity.pk}/tep/{pdf.pk}/").status_code == 200
    assert client.get(f"/tep/{png.file.name}").status_code == 404  # no public media URL
    from django.test import Client

    assert Client().get(f"/hoat-dong/{activity.pk}/tep/{png.pk}/").status_code == 302  # login


def test_an_edit_keeps_or_removes_files(two_communes, login, record, media):
    a = two_communes["a"]
    activity = record(a["user"], a["commune"], uploads=[SimpleUploadedFile("a.png", PNG)])
    png = activity.attachments.get()
    client = login(a["user"])
    edit = client.get(f"/hoat-dong/{activity.pk}/sua/").content.decode()
    assert 'value="02/03/2026"' in edit
    data = form_data(a["commune"], remove=[png.pk])
    data["files"] = [SimpleUploadedFile("b.pdf", PDF)]
    assert client.post(f"/hoat-dong/{activity.pk}/sua/", data).status_code == 302
    assert [x.name for x in activity.attachments.all()] == ["b.pdf"]
    assert client.post(f"/hoat-dong/{activity.pk}/xoa/").status_code == 302
    assert not Activity.objects.exists()


def test_a_viewer_reads_but_does_not_record(two_communes, make_user, login, record):
    a = two_communes["a"]
    activity = record(a["user"], a["commune"])
    viewer = login(make_user("xem", Role.VIEWER, two_communes["province"]))
    assert viewer.get(f"/hoat-dong/{activity.pk}/").status_code == 200
    assert viewer.get("/hoat-dong/ghi/").status_code == 403
    assert viewer.get(f"/hoat-dong/{activity.pk}/sua/").status_code == 403
    assert viewer.post(f"/hoat-dong/{activity.pk}/xoa/").status_code == 403
    assert "Ghi hoạt động" not in viewer.get("/hoat-dong/").content.decode()


def test_a_club_with_members_and_sessions(two_communes, login, record):
    a = two_communes["a"]
    client = login(a["user"])
    response = client.post("/cau-lac-bo/", {"name": "CLB Không sinh con thứ 3",
                                            "organiser": a["commune"].uid,
                                            "founded_on": "01/01/2026"})  # fmt: skip
    club = Club.objects.get()
    assert response.status_code == 302 and response.url == f"/cau-lac-bo/{club.pk}/"
    response = client.post(f"/cau-lac-bo/{club.pk}/", {"full_name": "H'Hen Niê", "sex": "female",
                                                       "birth_year": "1994"})  # fmt: skip
    assert response.status_code == 302
    member = club.members.get()
    session_form = client.get("/hoat-dong/ghi/", {"kind": "club_session", "club": club.pk})
    assert f'<option value="{club.pk}" selected>' in session_form.content.decode()
    record(a["user"], a["commune"], kind="club_session", club=club.pk, title="Sinh hoạt quý 1",
           participants=[("couple", "female", 12)])  # fmt: skip
    page = client.get(f"/cau-lac-bo/{club.pk}/").content.decode()
    assert "H&#x27;Hen Niê" in page and "1994" in page and "Sinh hoạt quý 1" in page
    listing = client.get("/cau-lac-bo/").content.decode()
    assert "CLB Không sinh con thứ 3" in listing

    client.post(f"/cau-lac-bo/{club.pk}/thanh-vien/{member.pk}/roi/")
    member.refresh_from_db()
    assert member.left_on is not None
    client.post(f"/cau-lac-bo/{club.pk}/thanh-vien/{member.pk}/xoa/")
    assert not ClubMember.objects.exists()

    response = client.post(f"/cau-lac-bo/{club.pk}/sua/", {"name": "CLB đổi tên",
                                                           "organiser": a["commune"].uid,
                                                           "founded_on": "01/01/2026",
                                                           "closed_on": "01/12/2025"})  # fmt: skip
    assert "Ngày ngừng hoạt động trước ngày thành lập." in response.content.decode()


def test_another_communes_club_is_out_of_reach(two_communes, login):
    a, b = two_communes["a"], two_communes["b"]
    club = save_club(b["user"], ClubInput(organiser=b["commune"].uid, name="CLB xã B"))
    member = save_member(b["user"], club, MemberInput(full_name="Y Đăk", sex="male"))
    outsider = login(a["user"])
    for url in (f"/cau-lac-bo/{club.pk}/", f"/cau-lac-bo/{club.pk}/sua/",
                f"/cau-lac-bo/{club.pk}/tim-nguoi/?q=a"):  # fmt: skip
        assert outsider.get(url).status_code == 404, url
    for url in (f"/cau-lac-bo/{club.pk}/", f"/cau-lac-bo/{club.pk}/thanh-vien/{member.pk}/roi/",
                f"/cau-lac-bo/{club.pk}/thanh-vien/{member.pk}/xoa/"):  # fmt: skip
        assert outsider.post(url, {"full_name": "X", "sex": "male"}).status_code == 404, url
    assert "CLB xã B" not in outsider.get("/cau-lac-bo/").content.decode()
    assert club.members.count() == 1 and club.members.get().left_on is None
