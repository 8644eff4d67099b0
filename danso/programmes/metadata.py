"""The preloaded aggregate metadata, declared as data: disaggregations, data elements, data sets
and validation rules of the partner organisations (../shared/docs/domain.md).

`load_metadata()` creates or updates them by code (idempotent; run after every migrate), so a
correction here reaches every installation. The official forms of the partner organisations
were not read: names follow the seeds' wording and every data set says so in its description.
"""

from dataclasses import dataclass, field
from itertools import product

from django.db import transaction

from danso.uids import uid_for

from .indicators import AggregateIndicator
from .models import (
    ActivityKind,
    ActivityMeasure,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    CategoryOptionOrder,
    DataElement,
    DataSet,
    DataSetElement,
    ValidationRule,
)

PROVISIONAL = "Tạm thời: biểu chính thức của tổ chức chưa được đối chiếu."

CATEGORIES = {
    # code: (name, [(option code, option name)])
    "SEX": ("Giới tính", [("MALE", "Nam"), ("FEMALE", "Nữ")]),
    "ETHNICITY": ("Dân tộc", [("KINH", "Kinh"), ("ETHNIC_MINORITY", "Dân tộc thiểu số")]),
    "POVERTY": ("Hộ nghèo, cận nghèo", [("POOR", "Hộ nghèo"), ("NEAR_POOR", "Hộ cận nghèo")]),
}  # fmt: skip

COMBOS = {
    # code: (name, [category codes])
    CategoryCombo.DEFAULT: ("Không phân tổ", []),
    "SEX": ("Theo giới tính", ["SEX"]),
    "SEX_ETHNICITY": ("Theo giới tính và dân tộc", ["SEX", "ETHNICITY"]),
    "POVERTY": ("Theo hộ nghèo, cận nghèo", ["POVERTY"]),
}


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    combo: str = CategoryCombo.DEFAULT
    unit: str = "Người"
    value_type: str = "INTEGER_ZERO_OR_POSITIVE"
    sensitive: bool = False
    feed_kinds: tuple[str, ...] = ()
    feed_measure: str = ""


def _fed(code, name, kinds, measure, combo=CategoryCombo.DEFAULT, unit="Người"):
    return Element(code, name, combo, unit, feed_kinds=tuple(kinds), feed_measure=measure)


K = ActivityKind
M = ActivityMeasure
COMMUNICATION = (K.COMMUNICATION, K.CAMPAIGN, K.COMMEMORATION)

ELEMENTS = [
    # Fed by activities: never typed in, so never counted twice.
    _fed("ACT_COMM_SESSIONS", "Số buổi truyền thông trực tiếp", [K.COMMUNICATION], M.COUNT,
         unit="Buổi"),
    _fed("ACT_COMM_REACHED", "Số người được truyền thông trực tiếp", COMMUNICATION,
         M.PARTICIPANTS, "SEX"),
    _fed("ACT_COUNSELLED", "Số người được tư vấn", [K.COUNSELLING], M.PARTICIPANTS, "SEX"),
    _fed("ACT_MOBILE_TRIPS", "Số chuyến dịch vụ lưu động", [K.MOBILE_TRIP], M.COUNT,
         unit="Chuyến"),
    _fed("ACT_MOBILE_CLIENTS",
         "Số khách hàng được cung cấp dịch vụ SKSS/KHHGĐ tại cộng đồng (chuyến lưu động)",
         [K.MOBILE_TRIP], M.CLIENTS),
    _fed("ACT_CLUB_SESSIONS", "Số buổi sinh hoạt câu lạc bộ", [K.CLUB_SESSION], M.COUNT,
         unit="Buổi"),
    _fed("ACT_TRAININGS", "Số lớp tập huấn", [K.TRAINING], M.COUNT, unit="Lớp"),
    _fed("ACT_TRAINED", "Số người được tập huấn", [K.TRAINING], M.PARTICIPANTS, "SEX"),
    _fed("ACT_ADVOCACY", "Số hội nghị vận động", [K.ADVOCACY], M.COUNT, unit="Hội nghị"),
    _fed("ACT_CAMPAIGNS", "Số chiến dịch truyền thông", [K.CAMPAIGN], M.COUNT,
         unit="Chiến dịch"),
    # Family Planning Association.
    Element("FPA_CLIENTS", "Tổng số khách hàng được cung cấp dịch vụ", unit="Khách hàng"),
    Element("FPA_FP_CLINIC", "Khách hàng sử dụng dịch vụ KHHGĐ tại phòng khám",
            unit="Khách hàng"),
    Element("FPA_SRH_COUNSEL_CLINIC", "Khách hàng được tư vấn SKSS tại phòng khám",
            unit="Khách hàng"),
    Element("FPA_SRH_SERVICE_CLINIC", "Khách hàng sử dụng dịch vụ SKSS tại phòng khám",
            unit="Khách hàng"),
    Element("FPA_SPECIAL_COUNSEL",
            "Khách hàng được tư vấn chuyên biệt (quan hệ, tình dục…)", unit="Khách hàng"),
    # Industrial-zone workers programme.
    Element("KCN_WORKERS_SERVED", "Công nhân được tư vấn, cung cấp dịch vụ", "SEX_ETHNICITY"),
    # Women's Union: family and social work.
    Element("WU_DV_DETECTED", "Phụ nữ và trẻ em gái bị bạo lực gia đình được phát hiện",
            sensitive=True, feed_measure=M.REGISTRY),
    Element("WU_DV_SUPPORTED",
            "Trong đó: được hỗ trợ ít nhất một dịch vụ trợ giúp xã hội", sensitive=True,
            feed_measure=M.REGISTRY),
    Element("WU_TRUSTED_ADDRESSES", "Địa chỉ tin cậy được xây dựng, củng cố", unit="Địa chỉ",
            feed_measure=M.REGISTRY),
    Element("WU_5K3S_HOUSEHOLDS", "Hộ đạt tiêu chí “5 không 3 sạch” / “5 có 3 sạch”",
            unit="Hộ", feed_measure=M.REGISTRY),
    Element("WU_LATRINE_HOUSEHOLDS", "Hộ được hỗ trợ xây nhà tiêu hợp vệ sinh", unit="Hộ"),
    Element("WU_CLEAN_WATER_HOUSEHOLDS", "Hộ được hỗ trợ sử dụng nước sạch", unit="Hộ"),
    Element("WU_ORPHANS_SPONSORED", "Trẻ mồ côi được nhận đỡ đầu (“Mẹ đỡ đầu”)",
            unit="Trẻ", sensitive=True, feed_measure=M.REGISTRY),
    Element("WU_ORPHANS_COVID", "Trong đó: trẻ mồ côi do Covid-19", unit="Trẻ",
            sensitive=True, feed_measure=M.REGISTRY),
    Element("WU_SPONSOR_FUNDS", "Kinh phí vận động cho trẻ được đỡ đầu", unit="Đồng",
            value_type="NUMBER", feed_measure=M.REGISTRY),
    # Commune population work.
    Element("XA_FREE_CONTRACEPTIVES_POOR",
            "Người thuộc hộ nghèo, cận nghèo được cấp phương tiện tránh thai miễn phí",
            "POVERTY"),
    Element("XA_CLUBS_ACTIVE", "Số câu lạc bộ đang hoạt động", unit="Câu lạc bộ"),
]  # fmt: skip


INDICATORS = [
    AggregateIndicator(
        "WU_DV_SUPPORTED_SHARE",
        "Tỷ lệ phụ nữ, trẻ em gái bị bạo lực gia đình được hỗ trợ ít nhất một dịch vụ",
        "#{WU_DV_SUPPORTED}", "#{WU_DV_DETECTED}", sensitive=True,
    ),
    AggregateIndicator(
        "ACT_CLIENTS_PER_TRIP", "Số khách hàng bình quân một chuyến dịch vụ lưu động",
        "#{ACT_MOBILE_CLIENTS}", "#{ACT_MOBILE_TRIPS}", factor=1, unit="Khách hàng/chuyến",
    ),
    AggregateIndicator(
        "KCN_ETHNIC_MINORITY_SHARE", "Tỷ lệ công nhân dân tộc thiểu số trong số được phục vụ",
        "#{KCN_WORKERS_SERVED.MALE_ETHNIC_MINORITY} + #{KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY}",
        "#{KCN_WORKERS_SERVED}",
    ),
    AggregateIndicator(
        "XA_NEAR_POOR_SHARE", "Tỷ lệ người thuộc hộ cận nghèo trong số được cấp miễn phí",
        "#{XA_FREE_CONTRACEPTIVES_POOR.NEAR_POOR}", "#{XA_FREE_CONTRACEPTIVES_POOR}",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Rule:
    code: str
    left: str
    operator: str
    right: str
    message: str
    # "Of which ≤ total" says nothing while either side is still blank.
    missing_values: str = ValidationRule.Missing.SKIP_IF_ANY


@dataclass(frozen=True)
class DataSetDeclaration:
    code: str
    name: str
    period_type: str
    unit_types: tuple[str, ...]
    sections: list[tuple[str, list[str]]]
    rules: list[Rule] = field(default_factory=list)
    sensitive: bool = False
    deadline_working_days: int = 10


LE = "less_than_or_equal_to"

DATA_SETS = [
    DataSetDeclaration(
        "HKHHGD_NAM", "Hội Kế hoạch hóa gia đình – kết quả cung cấp dịch vụ năm", "year",
        ("hoi_khhgd",),
        [
            ("Truyền thông", ["ACT_COMM_SESSIONS", "ACT_COMM_REACHED"]),
            ("Dịch vụ", ["FPA_CLIENTS", "FPA_FP_CLINIC", "ACT_MOBILE_TRIPS",
                         "ACT_MOBILE_CLIENTS", "FPA_SRH_COUNSEL_CLINIC",
                         "FPA_SRH_SERVICE_CLINIC", "FPA_SPECIAL_COUNSEL"]),
        ],
        [
            Rule("FPA_CLINIC_LE_CLIENTS", "#{FPA_FP_CLINIC}", LE, "#{FPA_CLIENTS}",
                 "Khách hàng KHHGĐ tại phòng khám không thể nhiều hơn tổng số khách hàng."),
            Rule("FPA_SRH_LE_CLIENTS", "#{FPA_SRH_SERVICE_CLINIC}", LE, "#{FPA_CLIENTS}",
                 "Khách hàng dịch vụ SKSS tại phòng khám không thể nhiều hơn tổng số khách hàng."),
            Rule("FPA_SPECIAL_LE_COUNSEL", "#{FPA_SPECIAL_COUNSEL}", LE,
                 "#{FPA_SRH_COUNSEL_CLINIC}",
                 "Khách hàng tư vấn chuyên biệt không thể nhiều hơn khách hàng được tư vấn SKSS."),
        ],
        deadline_working_days=15,
    ),
    DataSetDeclaration(
        "KCN_QUY", "Chương trình chăm sóc SKSS/KHHGĐ cho công nhân khu công nghiệp – quý",
        "quarter", ("khu_cong_nghiep", "doanh_nghiep"),
        [
            ("Tư vấn, dịch vụ", ["KCN_WORKERS_SERVED", "ACT_COUNSELLED"]),
            ("Tập huấn, vận động, truyền thông", ["ACT_TRAININGS", "ACT_TRAINED",
                                                  "ACT_ADVOCACY", "ACT_CAMPAIGNS",
                                                  "ACT_COMM_REACHED"]),
        ],
    ),
    DataSetDeclaration(
        "HLHPN_NAM", "Hội Liên hiệp Phụ nữ – công tác gia đình, xã hội năm", "year",
        ("hoi_lhpn",),
        [
            ("Phòng, chống bạo lực gia đình", ["WU_DV_DETECTED", "WU_DV_SUPPORTED",
                                                "WU_TRUSTED_ADDRESSES"]),
            ("Xây dựng gia đình", ["WU_5K3S_HOUSEHOLDS", "WU_LATRINE_HOUSEHOLDS",
                                   "WU_CLEAN_WATER_HOUSEHOLDS"]),
            ("Mẹ đỡ đầu", ["WU_ORPHANS_SPONSORED", "WU_ORPHANS_COVID", "WU_SPONSOR_FUNDS"]),
        ],
        [
            Rule("WU_SUPPORTED_LE_DETECTED", "#{WU_DV_SUPPORTED}", LE, "#{WU_DV_DETECTED}",
                 "Số được hỗ trợ không thể nhiều hơn số bị bạo lực gia đình được phát hiện."),
            Rule("WU_COVID_LE_SPONSORED", "#{WU_ORPHANS_COVID}", LE, "#{WU_ORPHANS_SPONSORED}",
                 "Trẻ mồ côi do Covid-19 không thể nhiều hơn tổng số trẻ được đỡ đầu."),
        ],
        sensitive=True,
    ),
    DataSetDeclaration(
        "XA_HOAT_DONG", "Hoạt động truyền thông, dịch vụ dân số cấp xã – quý", "quarter",
        ("xa", "phuong", "dac_khu", "thi_tran"),  # thị trấn (townships): the old map only
        [
            ("Truyền thông, tư vấn", ["ACT_COMM_SESSIONS", "ACT_COMM_REACHED",
                                      "ACT_COUNSELLED", "ACT_CLUB_SESSIONS",
                                      "XA_CLUBS_ACTIVE"]),
            ("Dịch vụ", ["ACT_MOBILE_TRIPS", "ACT_MOBILE_CLIENTS",
                         "XA_FREE_CONTRACEPTIVES_POOR"]),
        ],
        deadline_working_days=5,
    ),
]  # fmt: skip


def _upsert(model, code: str, kind: str, **values):
    obj, _created = model.objects.update_or_create(
        code=code, defaults={"uid": uid_for(kind, code), **values}
    )
    return obj


def _load_combos() -> dict[str, CategoryCombo]:
    options, categories = {}, {}
    for code, (name, opts) in CATEGORIES.items():
        category = _upsert(Category, code, "category", name=name)
        for order, (opt_code, opt_name) in enumerate(opts):
            options[opt_code] = _upsert(CategoryOption, opt_code, "option", name=opt_name)
            CategoryOptionOrder.objects.update_or_create(
                category=category, option=options[opt_code], defaults={"sort_order": order}
            )
        categories[code] = (category, [options[c] for c, _n in opts])
    combos = {}
    for code, (name, cat_codes) in COMBOS.items():
        combo = _upsert(CategoryCombo, code, "combo", name=name)
        combo.categories.set([categories[c][0] for c in cat_codes])
        cells = product(*[categories[c][1] for c in cat_codes])
        for order, cell in enumerate(cells):
            coc_code = "_".join(o.code for o in cell) or CategoryCombo.DEFAULT
            coc_name = ", ".join(o.name for o in cell) or "Tổng"
            coc = _upsert(CategoryOptionCombo, coc_code, "coc", name=coc_name, combo=combo,
                          sort_order=order)  # fmt: skip
            coc.options.set(cell)
        combos[code] = combo
    return combos


@transaction.atomic
def load_metadata() -> None:
    combos = _load_combos()
    elements = {}
    for e in ELEMENTS:
        elements[e.code] = _upsert(
            DataElement, e.code, "dataElement", name=e.name, short_name=e.name[:100],
            category_combo=combos[e.combo], unit=e.unit, value_type=e.value_type,
            sensitive=e.sensitive, feed_kinds=list(e.feed_kinds), feed_measure=e.feed_measure,
        )  # fmt: skip
    for d in DATA_SETS:
        data_set = _upsert(
            DataSet, d.code, "dataSet", name=d.name, description=PROVISIONAL,
            period_type=d.period_type, unit_types=list(d.unit_types), sensitive=d.sensitive,
            deadline_working_days=d.deadline_working_days,
        )  # fmt: skip
        order, keep = 0, []
        for section, codes in d.sections:
            for code in codes:
                DataSetElement.objects.update_or_create(
                    data_set=data_set, data_element=elements[code],
                    defaults={"section": section, "sort_order": order},
                )  # fmt: skip
                keep.append(elements[code].pk)
                order += 1
        data_set.element_links.exclude(data_element__in=keep).delete()
        for r in d.rules:
            _upsert(ValidationRule, r.code, "validationRule", data_set=data_set, left=r.left,
                    operator=r.operator, right=r.right, message=r.message,
                    missing_values=r.missing_values)  # fmt: skip
