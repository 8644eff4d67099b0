"""Code lists of the household register (Sổ A0) and the collaborator slip (P0/CTV).

Declared as data, in one place, so they can be corrected when the official annex of Circular
01/2022/TT-BYT is at hand. Lists marked PROVISIONAL were not read in the official annex (see
docs/register.md): they follow third-party software that claims to follow the circular, or
the General Statistics Office's lists where the circular refers to them.
"""

from dataclasses import dataclass

from danso.text import fold


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: dict[str, str]
    provisional: bool = True

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.codes.items())

    def label(self, code: str) -> str:
        return self.codes.get(code, code)

    def code_for(self, value: str) -> str | None:
        """The code of a value written as a code ("2", or "1" for "01") or as its label, with
        or without diacritics ("Nữ", "e-de"): officials type either. None if it is neither."""
        if value in self.codes:
            return value
        if value.isdigit() and value.zfill(2) in self.codes:
            return value.zfill(2)
        by_label = {fold(label): code for code, label in self.codes.items()}
        return by_label.get(fold(value))


SEX = CodeList("sex", {"1": "Nam", "2": "Nữ"}, provisional=False)
MALE, FEMALE = "1", "2"

RELATIONSHIP = CodeList(
    "relationship",
    {
        "1": "Chủ hộ",
        "2": "Vợ/chồng",
        "3": "Con",
        "4": "Cha/mẹ",
        "5": "Ông/bà",
        "6": "Cháu",
        "7": "Anh/chị/em",
        "8": "Con dâu/con rể",
        "9": "Quan hệ khác",
    },
)
HEAD = "1"

# The 54 ethnic groups in the General Statistics Office's coding (QĐ 121-TCTK/PPCĐ).
ETHNICITY = CodeList(
    "ethnicity",
    {
        f"{i:02d}": name
        for i, name in enumerate(
            [
                "Kinh",
                "Tày",
                "Thái",
                "Hoa",
                "Khơ-me",
                "Mường",
                "Nùng",
                "HMông",
                "Dao",
                "Gia-rai",
                "Ngái",
                "Ê-đê",
                "Ba-na",
                "Xơ-đăng",
                "Sán Chay",
                "Cơ-ho",
                "Chăm",
                "Sán Dìu",
                "Hrê",
                "Mnông",
                "Ra-glai",
                "Xtiêng",
                "Bru-Vân Kiều",
                "Thổ",
                "Giáy",
                "Cơ-tu",
                "Gié-Triêng",
                "Mạ",
                "Khơ-mú",
                "Co",
                "Tà-ôi",
                "Chơ-ro",
                "Kháng",
                "Xinh-mun",
                "Hà Nhì",
                "Chu-ru",
                "Lào",
                "La Chí",
                "La Ha",
                "Phù Lá",
                "La Hủ",
                "Lự",
                "Lô Lô",
                "Chứt",
                "Mảng",
                "Pà Thẻn",
                "Cờ Lao",
                "Cống",
                "Bố Y",
                "Si La",
                "Pu Péo",
                "Brâu",
                "Ơ Đu",
                "Rơ-măm",
            ],
            start=1,
        )
    },
    provisional=False,
)
KINH = "01"

EDUCATION = CodeList(
    "education",
    {
        "0": "Chưa đi học",
        "1": "Tiểu học",
        "2": "Trung học cơ sở",
        "3": "Trung học phổ thông",
        "4": "Trung cấp",
        "5": "Cao đẳng",
        "6": "Đại học",
        "7": "Trên đại học",
    },
)

MARITAL_STATUS = CodeList(
    "marital_status",
    {"1": "Chưa kết hôn", "2": "Đang có vợ/chồng", "3": "Ly hôn", "4": "Góa"},
)
NEVER_MARRIED, MARRIED, DIVORCED, WIDOWED = "1", "2", "3", "4"

# How a person lives in the household. Whether they count as a de facto usual resident is
# computed from this and the dates (see register.models.Residence), never typed in.
RESIDENCE_KIND = CodeList(
    "residence_kind",
    {
        "1": "Thường trú, có mặt",
        "2": "Tạm vắng",
        "3": "Tạm trú",
    },
)
PRESENT, TEMPORARILY_ABSENT, TEMPORARY_RESIDENT = "1", "2", "3"

HOUSEHOLD_KIND = CodeList(
    "household_kind", {"1": "Hộ gia đình", "2": "Hộ tập thể"}, provisional=False
)
FAMILY_HOUSEHOLD, COLLECTIVE_HOUSEHOLD = "1", "2"

POVERTY = CodeList("poverty", {"0": "Không nghèo", "1": "Hộ nghèo", "2": "Hộ cận nghèo"})
POOR, NEAR_POOR = "1", "2"

METHOD = CodeList(
    "method",
    {
        "1": "Vòng tránh thai",
        "2": "Triệt sản nam",
        "3": "Triệt sản nữ",
        "4": "Bao cao su",
        "5": "Thuốc uống tránh thai",
        "6": "Thuốc tiêm tránh thai",
        "7": "Thuốc cấy tránh thai",
        "8": "Biện pháp khác (truyền thống)",
    },
)
IUD, VASECTOMY, TUBAL_LIGATION, CONDOM, PILL, INJECTABLE, IMPLANT, TRADITIONAL = (
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
)
MODERN_METHODS = {IUD, VASECTOMY, TUBAL_LIGATION, CONDOM, PILL, INJECTABLE, IMPLANT}
FEMALE_ONLY_METHODS = {IUD, TUBAL_LIGATION, PILL, INJECTABLE, IMPLANT}
MALE_ONLY_METHODS = {VASECTOMY}
# Methods handed out again and again: days one supply lasts (provisional: a pack of pills is
# one cycle; a progestogen injection covers 3 months).
RESUPPLY_DAYS = {PILL: 28, INJECTABLE: 90}
RESUPPLIED_METHODS = set(RESUPPLY_DAYS)

PLACE_OF_DELIVERY = CodeList(
    "place_of_delivery",
    {"1": "Trạm Y tế", "2": "Cơ sở y tế khác", "3": "Tại nhà", "4": "Nơi khác"},
)
SERVICE_PLACE = CodeList(
    "service_place",
    {
        "1": "Trạm Y tế xã",
        "2": "Bệnh viện, trung tâm y tế",
        "3": "Cơ sở y tế tư nhân",
        "4": "Dịch vụ lưu động",
        "5": "Cộng tác viên, tiếp thị xã hội",
        "6": "Nơi khác",
    },
)

PREGNANCY_OUTCOME = CodeList(
    "pregnancy_outcome", {"1": "Mang thai", "2": "Sảy thai", "3": "Phá thai"}
)
PREGNANT, MISCARRIAGE, ABORTION = "1", "2", "3"

NEWBORN_CONDITIONS = CodeList(
    "newborn_conditions",
    {
        "hypothyroidism": "Suy giáp trạng bẩm sinh",
        "g6pd": "Thiếu men G6PD",
        "cah": "Tăng sản thượng thận bẩm sinh",
        "deafness": "Khiếm thính bẩm sinh",
        "heart": "Tim bẩm sinh",
    },
    provisional=False,
)
PRENATAL_CONDITIONS = CodeList(
    "prenatal_conditions",
    {
        "down": "Hội chứng Down",
        "edwards": "Hội chứng Edwards",
        "patau": "Hội chứng Patau",
        "thalassemia": "Thalassemia",
    },
    provisional=False,
)
SCREENING_RESULT = CodeList(
    "screening_result",
    {"0": "Bình thường", "1": "Nguy cơ thấp", "2": "Nguy cơ cao", "9": "Không sàng lọc"},
)

# The coded fields of a person (Person, a registration's person data, a change of basic data).
PERSON_CODE_LISTS = {
    "sex": SEX,
    "relationship": RELATIONSHIP,
    "ethnicity": ETHNICITY,
    "education": EDUCATION,
    "marital_status": MARITAL_STATUS,
    "residence_kind": RESIDENCE_KIND,
}

ALL_LISTS = [
    SEX,
    RELATIONSHIP,
    ETHNICITY,
    EDUCATION,
    MARITAL_STATUS,
    RESIDENCE_KIND,
    HOUSEHOLD_KIND,
    POVERTY,
    METHOD,
    PLACE_OF_DELIVERY,
    SERVICE_PLACE,
    PREGNANCY_OUTCOME,
    NEWBORN_CONDITIONS,
    PRENATAL_CONDITIONS,
    SCREENING_RESULT,
]

BY_NAME = {code_list.name: code_list for code_list in ALL_LISTS}


def markdown() -> str:
    """Every code list as a Markdown table: the section "Code lists" of docs/register.md is
    this text (a test compares them; paste this output there after changing a list)."""
    parts = []
    for code_list in ALL_LISTS:
        note = " (provisional)" if code_list.provisional else ""
        rows = "\n".join(f"| `{code}` | {label} |" for code, label in code_list.codes.items())
        parts.append(f"### `{code_list.name}`{note}\n\n| code | label |\n|---|---|\n{rows}\n")
    return "\n".join(parts)
