"""Nobody without the sensitive permission and a union role over the area reads a record:
not through a page, the API, an export, a report, a narrative or the audit log. Break the
glass is logged, shown to the branch and expires; exports are pseudonymised by default."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from danso.accounts.models import Role
from danso.casework.models import BreakGlass, Child, Erasure, SensitiveExport
from danso.narratives import drafts
from danso.narratives.kinds import KINDS
from danso.programmes import entry
from danso.programmes.models import DataSet, DataValue, Plan, Target
from danso.statistics.periods import Period
from tests.narratives.conftest import docx_text

pytestmark = pytest.mark.django_db

NAMES = ["Nguyễn Thị Hư Cấu", "Trần Thị Hư Cấu", "Bị chồng đánh", "Bà ngoại"]


def _secrets(world):
    return NAMES + [world["child1"].code, world["case1"].code, world["sponsorship1"].code]


def _urls(world):
    c, k, s = world["child1"].code, world["case1"].code, world["sponsorship1"].code
    pages = [f"/hoi-phu-nu/{kind}/" for kind in ("child", "sponsor", "case", "address")]
    pages += [
        f"/hoi-phu-nu/child/{c}/",
        f"/hoi-phu-nu/child/{c}/sua/",
        f"/hoi-phu-nu/case/{k}/",
        f"/hoi-phu-nu/case/{k}/sua/",
        f"/hoi-phu-nu/ghi/support/{s}/",
        f"/hoi-phu-nu/ghi/service/{k}/",
        f"/hoi-phu-nu/ghi/sponsorship/{c}/",
    ]
    api = [
        "/api/v1/sponsorships",
        "/api/v1/sponsorships/children",
        "/api/v1/sponsorships/sponsors",
        "/api/v1/dv-cases",
        "/api/v1/trusted-addresses",
        f"/api/v1/dv-cases/{k}",
        f"/api/v1/sponsorships/{s}",
        f"/api/v1/sponsorships/children/{c}",
    ]
    return pages, api


@pytest.fixture
def audited(recorded):
    """A sensitive data value with a comment and a target on a sensitive element, audited."""
    union, cadre = recorded["union"], recorded["province_cadre"]
    data_set = DataSet.objects.get(code="HLHPN_NAM")
    typed = {("WU_LATRINE_HOUSEHOLDS", "default"): "12"}
    assert (
        entry.save(
            cadre,
            data_set,
            union,
            Period.parse("2024"),
            typed,
            {("WU_LATRINE_HOUSEHOLDS", "default"): "Ghi chú bí mật"},
        )
        == {}
    )
    plan = Plan.objects.create(unit=union, ou_path=union.path, year=2024)
    Target.objects.create(plan=plan, metric="WU_DV_DETECTED", value=987654)
    return recorded


def test_the_matrix_nobody_else_reads_any_record(audited, login, bearer):
    w = audited
    outsiders = [w["officer"], w["admin"], w["no_permission"], w["b"]["cadre"]]
    pages, api = _urls(w)
    secrets = _secrets(w)
    for user in outsiders:
        web, token = login(user), bearer(user)
        for url in pages:
            response = web.get(url)
            # B's cadre reads B's lists (a union role there), never A's records.
            lists = url.count("/") == 3 and user == w["b"]["cadre"]
            assert response.status_code in ((200,) if lists else (403, 404)), (user, url)
            text = response.content.decode()
            assert not any(s in text for s in secrets), (user, url)
        for url in api:
            response = token.get(url)
            lists = url.count("/") == 3 or url.endswith(("children", "sponsors"))
            expected = (200,) if (lists and user == w["b"]["cadre"]) else (403, 404)
            assert response.status_code in expected, (user, url, response.status_code)
            assert not any(s in response.content.decode() for s in secrets), (user, url)
        for registry in ("children", "cases", "addresses", "sponsors"):
            response = web.post(f"/hoi-phu-nu/xuat/{registry}/", {"names": "1"})
            if user == w["b"]["cadre"]:
                assert response.status_code == 200
            else:
                assert response.status_code == 403, (user, registry)
            assert not any(s in response.content.decode() for s in secrets)
        # The counts page: a commune's small counts are hidden from those without access.
        text = web.get(
            f"/hoi-phu-nu/?unit={w['a']['branch'].uid}&from=2024-01-01&to=2024-12-31"
        ).content.decode()
        assert not any(s in text for s in secrets)
        if user in (w["officer"], w["admin"], w["no_permission"]):
            assert "&lt; 5" in text
        # The union's data set: only with the permission.
        response = web.get(f"/so-lieu/HLHPN_NAM/{w['union'].uid}/2024/")
        if not user.can_access_sensitive:
            assert response.status_code in (403, 404)


def test_the_audit_log_hides_sensitive_values_from_an_administrator_without_permission(
    audited, login, make_user
):
    w = audited
    text = login(w["admin"]).get("/nhat-ky/?unit=P66").content.decode()
    assert "Sensitive:" in text or "Nhạy cảm" in text  # the entries, without their values
    for secret in [*_secrets(w), "Ghi chú bí mật", "987654", "Hư Cấu"]:
        assert secret not in text, secret
    # Django's admin does not open the log to them either.
    assert login(w["admin"]).get("/quan-tri/auditlog/logentry/").status_code in (302, 403)
    # An administrator with the permission sees the entries, the names still masked.
    allowed = make_user("quantri_nc", Role.ADMIN, w["province"], sensitive=True)
    text = login(allowed).get("/nhat-ky/?unit=P66").content.decode()
    assert w["case1"].code in text and "Ghi chú bí mật" in text
    assert "Nguyễn Thị Hư Cấu" not in text and "•••" in text


def test_narratives_and_data_exports_leave_the_records_out(audited):
    w = audited
    narrative, _ = drafts.open_draft(w["province_cadre"], KINDS["womens_union"], w["union"], "2024")
    allowed = docx_text(drafts.docx(narrative, w["province_cadre"]))
    assert "Phát hiện 3 phụ nữ và trẻ em gái bị bạo lực gia đình" in allowed
    public = docx_text(drafts.docx(narrative, w["admin"]))
    assert "Phát hiện 3 phụ nữ" not in public
    for text in (allowed, public):
        assert not any(s in text for s in _secrets(w))


def test_break_the_glass_is_logged_shown_to_the_branch_and_expires(recorded, login):
    w = recorded
    case = w["case1"]
    officer = login(w["officer"])
    url = f"/hoi-phu-nu/case/{case.code}/"
    assert officer.get(url).status_code == 404
    short = officer.post(
        "/hoi-phu-nu/pha-kinh/", {"kind": "case", "code": case.code, "reason": "cần", "hours": 2}
    )
    assert short.status_code == 200 and BreakGlass.objects.count() == 0
    # Without the permission there is no glass to break.
    login(w["admin"]).post(
        "/hoi-phu-nu/pha-kinh/",
        {"kind": "case", "code": case.code, "reason": "Yêu cầu của công an huyện", "hours": 2},
    )
    assert BreakGlass.objects.count() == 0
    response = officer.post(
        "/hoi-phu-nu/pha-kinh/",
        {
            "kind": "case",
            "code": case.code,
            "reason": "Phối hợp với công an xã bảo vệ nạn nhân",
            "hours": 2,
        },
    )
    assert response.status_code == 302
    assert officer.get(url).status_code == 200
    grant = BreakGlass.objects.get()
    assert LogEntry.objects.get_for_object(grant).exists()
    owner_page = login(w["a"]["cadre"]).get(url).content.decode()
    assert "Phối hợp với công an xã bảo vệ nạn nhân" in owner_page
    assert str(w["officer"]) in owner_page
    grant.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    grant.save()
    assert officer.get(url).status_code == 404


def test_exports_are_pseudonymised_unless_names_are_asked_and_that_is_audited(recorded, login):
    w = recorded
    cadre = login(w["a"]["cadre"])
    plain = cadre.post("/hoi-phu-nu/xuat/children/").content.decode()
    assert w["child1"].code in plain and "Nguyễn Thị Hư Cấu" not in plain
    named = cadre.post("/hoi-phu-nu/xuat/children/", {"names": "1"}).content.decode()
    assert "Nguyễn Thị Hư Cấu" in named
    exports = list(SensitiveExport.objects.order_by("pk").values_list("with_names", "rows"))
    assert exports == [(False, 2), (True, 2)]
    assert LogEntry.objects.filter(content_type__model="sensitiveexport").count() == 2


def test_erasure_on_request_leaves_no_name_behind(recorded, login):
    w = recorded
    child = w["child1"]
    cadre = login(w["a"]["cadre"])
    response = cadre.post(
        f"/hoi-phu-nu/child/{child.code}/xoa/", {"reason": "Người giám hộ yêu cầu xóa"}
    )
    assert response.status_code == 302
    assert not Child.objects.filter(pk=child.pk).exists()
    assert Erasure.objects.get().record_code == child.code
    for entry_ in LogEntry.objects.filter(content_type__model="child"):
        assert "Nguyễn Thị Hư Cấu" not in str(entry_.changes), entry_.changes
    assert DataValue.objects.count() == 0  # nothing else was touched
