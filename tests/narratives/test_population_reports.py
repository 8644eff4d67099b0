"""The year-end review and the province's quarterly briefing, on the small register of
tests/statistics (described there, in test_reports.py):

Xã Ea Súp (village A1; before the reform thị trấn Ea Súp): everyone registered on 01/01/2025,
so 2024 has no birth and no married woman; in 2025 one birth (a boy, W1's 2nd child, 10/08),
one death; on 31/12/2025 two married women 15–49 (W1 with an IUD, W2 without a method):
CPR 1 ÷ 2 = 50,0%, a rate from 2 married women, fewer than 20: printed with the caution.
Phường Tuy Hòa (village B1): on 30/09/2025 married women W3 (pill) and W4: CPR 1 ÷ 2 = 50,0%.

The province's plan for 2025, allocated: CPR at least 70% for Ea Súp (50 ÷ 70 = 71,4%, under
80% of what is expected: red, lagging) and at least 60% for Tuy Hòa (50 ÷ 60 = 83,3%: amber,
not lagging); third-or-higher share at most 10% for Ea Súp (no third birth by 30/09: met).
"""

import pytest

from danso.accounts.models import Role
from danso.narratives import drafting, drafts, render, templates
from danso.narratives.kinds import KINDS
from danso.orgunits.models import OrgUnit
from danso.programmes import plans
from danso.programmes.plans import Share

from .conftest import docx_tables, docx_text

pytestmark = pytest.mark.django_db


def document(kind_code, uid, period, user=None) -> bytes:
    kind = KINDS[kind_code]
    request = drafting.make_request(kind, OrgUnit.objects.get(uid=uid), period, user=user)
    content = drafting.gather(request)
    template, _n = templates.template_bytes(kind)
    return render.docx(template, kind, content, {}, drafts.sensitive_ok(user))


def test_year_review_gives_the_change_from_the_previous_year_and_cautions(register):
    text = docx_text(document("year_review", "C24211", "2025"))
    assert "Tổng kết công tác Dân số năm 2025 và phương hướng, nhiệm vụ năm 2026" in text
    assert "- Số trẻ sinh ra: 1 trẻ (nam 1, nữ 0), tăng 1 trẻ so với năm 2024 (0 trẻ)." in text
    cpr = next(line for line in text.splitlines() if "(CPR): " in line)
    assert cpr.startswith("- Tỷ lệ sử dụng biện pháp tránh thai (CPR): 50,0% (lưu ý: chỉ tính "
                          "từ 2 (số phụ nữ 15–49 tuổi có chồng), chưa đến 20")  # fmt: skip
    # 2024 had no married woman: no rate, and no change is claimed.
    assert "so với năm 2024" not in cpr
    srb = next(line for line in text.splitlines() if "Tỷ số giới tính khi sinh:" in line)
    assert "chưa tính được" in srb  # 1 boy and no girl: no ratio, never a bare number
    # The indicator table: last year, this year, the change.
    table = next(t for t in docx_tables(document("year_review", "C24211", "2025"))
                 if t[0][0] == "Chỉ tiêu")  # fmt: skip
    births = next(row for row in table if row[0] == "Số trẻ sinh ra")
    assert births[2:5] == ["0", "1", "+1"]
    appendix = text.split("NGUỒN CỦA CÁC SỐ LIỆU", 1)[1]
    assert "Sổ A0 (biểu 03-DSX, mục II), xã Ea Súp, năm 2025" in appendix
    assert ("Tỷ lệ sử dụng biện pháp tránh thai (CPR)" in appendix
            and "= Phụ nữ 15–49 tuổi có chồng đang sử dụng biện pháp tránh thai (1,0) ÷ Số "
                "phụ nữ 15–49 tuổi có chồng (2,0) × 100" in appendix)  # fmt: skip


def test_a_period_before_the_reform_names_the_old_units_with_the_current_one(register):
    text = docx_text(document("year_review", "C24211", "2024"))
    assert ("Đến ngày 31/12/2024, thị trấn Ea Súp, xã Ea Lê và xã Cư M'Lan, huyện Ea Súp (nay "
            "là xã Ea Súp) có 0 hộ dân cư") in text  # fmt: skip


@pytest.fixture
def province_plan(register, make_user):
    officer = make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))
    province = OrgUnit.objects.get(uid="P66")
    ea_sup, tuy_hoa = OrgUnit.objects.get(uid="C24211"), OrgUnit.objects.get(uid="C22015")
    cpr = plans.set_target(officer, province, 2025, "cpr", 70)
    plans.allocate(officer, cpr, [Share(ea_sup, 70), Share(tuy_hoa, 60)])
    third = plans.set_target(officer, province, 2025, "third_share", 10)
    plans.allocate(officer, third, [Share(ea_sup, 10)])
    return officer


def test_quarterly_briefing_lists_every_commune_with_its_progress_and_the_lagging(province_plan):
    data = document("quarterly_briefing", "P66", "2025Q3", province_plan)
    text = docx_text(data)
    assert "BIÊN BẢN" in text and "Họp giao ban công tác Dân số quý 3 năm 2025" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text
    table = next(t for t in docx_tables(data) if t[0][:3] == ["STT", "Đơn vị", "Chỉ tiêu"])
    communes = OrgUnit.objects.filter(parent__uid="P66", level="commune")
    listed = {row[1] for row in table[1:] if row[1]}
    assert listed == {c.name for c in communes}  # every commune, each once
    assert len(listed) == communes.count() == 102
    ea_sup = [row for row in table if row[1] == "Xã Ea Súp"][0]
    index = table.index(ea_sup)
    rows = {r[2]: r for r in table[index : index + 2]}
    assert rows["Tỷ lệ sử dụng biện pháp tránh thai (CPR)"][3:6] == ["≥ 70%", "50,0%", "71,4%"]
    assert rows["Tỷ lệ sử dụng biện pháp tránh thai (CPR)"][6].startswith("Chậm tiến độ")
    assert rows["Tỷ lệ sinh con thứ 3 trở lên"][3:5] == ["≤ 10%", "0,0%"]
    assert rows["Tỷ lệ sinh con thứ 3 trở lên"][6].startswith("Đạt")
    tuy_hoa = [row for row in table if row[1] == "Phường Tuy Hòa"][0]
    assert tuy_hoa[3:6] == ["≥ 60%", "50,0%", "83,3%"]
    others = [row for row in table[1:] if row[1] not in ("Xã Ea Súp", "Phường Tuy Hòa", "")]
    assert all(row[2] == "Chưa được giao chỉ tiêu" for row in others)
    lagging = text.split("IV. ĐƠN VỊ CHẬM TIẾN ĐỘ", 1)[1].split("V. Ý KIẾN THẢO LUẬN", 1)[0]
    assert "có 1 đơn vị chậm tiến độ (1 chỉ tiêu)" in lagging
    assert ("- Xã Ea Súp: tỷ lệ sử dụng biện pháp tránh thai (CPR) thực hiện 50,0%, kế hoạch ≥ 70% "
            "(71,4%, cần đạt 100,0% đến thời điểm này).") in lagging  # fmt: skip
    assert "Tuy Hòa" not in lagging
    # The quarter against the same quarter of last year.
    assert (
        "- Số trẻ sinh ra: 1 trẻ (nam 1, nữ 0), tăng 1 trẻ so với cùng kỳ năm 2024 (0 trẻ)." in text
    )


def test_six_month_review_and_wrong_periods(register):
    text = docx_text(document("six_month_review", "P66", "2025S2"))
    assert (
        "Sơ kết công tác Dân số 6 tháng cuối năm 2025 và nhiệm vụ trọng tâm 6 tháng đầu năm 2026"
        in text
    )
    assert "cùng kỳ năm 2024" in text
    kind = KINDS["six_month_review"]
    with pytest.raises(drafting.DraftError) as err:
        drafting.make_request(kind, OrgUnit.objects.get(uid="P66"), "2025Q3")
    assert err.value.code == "wrong_period_type"
    with pytest.raises(drafting.DraftError) as err:
        drafting.make_request(kind, OrgUnit.objects.get(uid="P66"), "2099S1")
    assert err.value.code == "period_not_over"
