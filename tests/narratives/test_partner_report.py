"""Done when (issue 12): the demo's FP Association for 2023 states 487, 5.838, 266, 1.253,
1.325, 1.384 and 39 in sentences like the year-end review, and names the communes its 10
mobile trips reached.

By hand, from the seeds (programmes/demo.py and domain.md): direct communication sessions of
92 + 78 + 85 + 64 + 88 + 80 = 487 people; clients 5,838 (typed in); FP at the clinic 266; SRH
counselling at the clinic 1,325; SRH services at the clinic 1,384; special counselling 39;
10 trips serving 118 + 132 + 141 + 97 + 125 + 136 + 110 + 129 + 143 + 122 = 1,253 clients,
1,253 ÷ 10 = 125,3 a trip, each trip to two old communes (20 in all) of M'Đrắk, Ea Súp,
Ea H'leo and Krông Búk districts; 10 × 18,000,000 = 180,000,000 đồng from a project.
"""

import re

import pytest
from typer.testing import CliRunner

from danso.cli import app
from danso.demo import create_demo
from danso.programmes.models import Activity

from .conftest import docx_text

pytestmark = pytest.mark.django_db

SENTENCES = [
    "Trong năm 2023, Hội đã tổ chức 6 buổi truyền thông trực tiếp về sức khỏe sinh sản, kế "
    "hoạch hóa gia đình cho 487 lượt người.",
    "Tổng số lượt khách hàng được cung cấp dịch vụ: 5.838 lượt, trong đó:",
    "- Dịch vụ kế hoạch hóa gia đình tại phòng khám: 266 khách hàng;",
    "- Cung cấp dịch vụ SKSS/KHHGĐ tại cộng đồng: 1.253 lượt người qua 10 chuyến dịch vụ lưu động;",
    "- Tư vấn sức khỏe sinh sản tại phòng khám: 1.325 khách hàng;",
    "- Dịch vụ sức khỏe sinh sản tại phòng khám: 1.384 khách hàng;",
    "- Tư vấn chuyên biệt (quan hệ, tình dục…): 39 khách hàng.",
    "Bình quân mỗi chuyến dịch vụ lưu động phục vụ 125,3 khách hàng/chuyến.",
]
# The old communes (before 1 July 2025) the trips reached, by old district, with the current
# commune each lies in: the names the report must print.
PLACES = {
    "huyện M'Đrắk": ["thị trấn M'Drắk (nay thuộc xã M'Drắk)", "xã Ea Lai (nay thuộc xã M'Drắk)",
                     "xã Krông Jing (nay thuộc xã M'Drắk)", "xã Cư Prao (nay thuộc xã Cư Prao)",
                     "xã Ea Pil (nay thuộc xã Cư Prao)", "xã Ea H'MLay (nay thuộc xã Ea Riêng)"],
    "huyện Ea Súp": ["thị trấn Ea Súp (nay thuộc xã Ea Súp)", "xã Ea Rốk (nay thuộc xã Ea Rốk)",
                     "xã Ia JLơi (nay thuộc xã Ea Rốk)", "xã Ia Lốp", "xã Ya Tờ Mốt (nay thuộc "
                     "xã Ea Bung)", "xã Ia RVê (nay là xã Ia Rvê)"],
    "huyện Ea H'leo": ["thị trấn Ea Drăng (nay thuộc xã Ea Drăng)",
                       "xã Ea Ral (nay thuộc xã Ea Drăng)", "xã Ea H'leo (nay là xã Ea H'Leo)",
                       "xã Ea Wy (nay thuộc xã Ea Wy)"],
    "huyện Krông Búk": ["xã Cư Né (nay thuộc xã Krông Búk)",
                        "xã Chứ Kbô (nay thuộc xã Krông Búk)", "xã Ea Sin (nay thuộc xã Cư Pơng)",
                        "thị trấn Pơng Drang (nay thuộc xã Pơng Drang)"],
}  # fmt: skip


def test_the_association_2023_report_states_the_seed_figures(tmp_path):
    create_demo()
    output = tmp_path / "hoi-2023.docx"
    result = CliRunner().invoke(app, ["report", "narrative", "--kind", "partner_annual",
                                      "--unit", "P66-HKHHGD", "--period", "2023",
                                      "--user", "hoi", "--output", str(output)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert str(output) in result.output
    text = docx_text(output.read_bytes())
    for sentence in SENTENCES:
        assert sentence in text, sentence
    # The trips' sentence names every commune reached, by district, as it was then.
    trips = next(line for line in text.splitlines() if line.startswith("10 chuyến dịch vụ"))
    assert trips.startswith("10 chuyến dịch vụ lưu động đã đến 20 địa bàn: ")
    for district, places in PLACES.items():
        assert f"{district}: " in trips, district
        for place in places:
            assert place in trips, place
    assert len(re.findall(r"(?:xã|thị trấn) [^,;(]+", trips.split(": ", 1)[1])) >= 20
    assert "180.000.000 đồng (nguồn: dự án, nhà tài trợ)" in text
    # The national motto, the issuing body, the number, the title and the signature block.
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "HỘI KẾ HOẠCH HÓA GIA ĐÌNH TỈNH ĐẮK LẮK", "/BC-HKHHGD", "BÁO CÁO",
                 "Kết quả hoạt động năm 2023 và phương hướng, nhiệm vụ năm 2024",
                 "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nơi nhận:"):  # fmt: skip
        assert line in text, line


def test_every_figure_is_traced_in_the_appendix(tmp_path):
    """The appendix names each figure's data set, element and option combo, and for those
    fed by activities the activities' ids."""
    create_demo()
    output = tmp_path / "hoi.docx"
    arguments = ["report", "narrative", "--kind", "partner_annual", "--unit", "P66-HKHHGD",
                 "--period", "2023", "--output", str(output)]  # fmt: skip
    CliRunner().invoke(app, arguments)
    text = docx_text(output.read_bytes())
    appendix = text.split("NGUỒN CỦA CÁC SỐ LIỆU TRONG BÁO CÁO", 1)[1]
    trip_ids = sorted(Activity.objects.filter(kind="mobile_trip", start_date__year=2023)
                      .values_list("pk", flat=True))  # fmt: skip
    assert len(trip_ids) == 10
    assert ("Biểu HKHHGD_NAM, chỉ tiêu FPA_CLIENTS «Tổng số khách hàng được cung cấp dịch "
            "vụ», phân tổ default; Hội Kế hoạch hóa gia đình tỉnh Đắk Lắk, năm 2023; số liệu "
            "đơn vị nhập") in appendix  # fmt: skip
    assert ("chỉ tiêu ACT_MOBILE_TRIPS «Số chuyến dịch vụ lưu động», phân tổ default; Hội Kế "
            "hoạch hóa gia đình tỉnh Đắk Lắk, năm 2023; tính từ các hoạt động số "
            + ", ".join(map(str, trip_ids))) in appendix  # fmt: skip
    assert (
        "Chỉ số ACT_CLIENTS_PER_TRIP = (#{ACT_MOBILE_CLIENTS}) 1.253 ÷ (#{ACT_MOBILE_TRIPS}) 10"
        in appendix
    )
    for value in (
        "487 lượt người",
        "5.838 lượt",
        "266 khách hàng",
        "1.253 lượt người",
        "1.325 khách hàng",
        "1.384 khách hàng",
        "39 khách hàng",
        "10 chuyến",
    ):
        assert value in appendix, value


def test_the_command_lists_the_kinds_and_refuses_a_wrong_one(tmp_path):
    from danso.narratives.catalogue import KIND_HELP
    from danso.narratives.kinds import KINDS

    assert list(KIND_HELP) == list(KINDS)
    help_text = CliRunner().invoke(app, ["report", "narrative", "--help"]).output
    for code in KINDS:
        assert code in help_text
    create_demo()
    wrong = CliRunner().invoke(app, ["report", "narrative", "--kind", "year_review", "--unit",
                                     "P66-HKHHGD", "--period", "2023", "--output",
                                     str(tmp_path / "x.docx")])  # fmt: skip
    assert wrong.exit_code == 2
    assert not (tmp_path / "x.docx").exists()
