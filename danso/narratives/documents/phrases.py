"""How the partner organisations' data sets are said in a report, declared as data: each
phrase is printed when every figure it names has a value; `{CODE}` is the element's total with
its unit, `{CODE|lượt}` with another unit word. Elements no phrase names are listed after."""

PHRASES = {
    "HKHHGD_NAM": [
        ("p", "Trong {period}, {who} đã tổ chức {ACT_COMM_SESSIONS} truyền thông trực tiếp về "
              "sức khỏe sinh sản, kế hoạch hóa gia đình cho {ACT_COMM_REACHED|lượt người}."),
        ("p", "Tổng số lượt khách hàng được cung cấp dịch vụ: {FPA_CLIENTS|lượt}, trong đó:"),
        ("bullet", "Dịch vụ kế hoạch hóa gia đình tại phòng khám: {FPA_FP_CLINIC};"),
        ("bullet", "Cung cấp dịch vụ SKSS/KHHGĐ tại cộng đồng: {ACT_MOBILE_CLIENTS|lượt người} qua "
                   "{ACT_MOBILE_TRIPS} dịch vụ lưu động;"),
        ("bullet", "Tư vấn sức khỏe sinh sản tại phòng khám: {FPA_SRH_COUNSEL_CLINIC};"),
        ("bullet", "Dịch vụ sức khỏe sinh sản tại phòng khám: {FPA_SRH_SERVICE_CLINIC};"),
        ("bullet", "Tư vấn chuyên biệt (quan hệ, tình dục…): {FPA_SPECIAL_COUNSEL}."),
    ],
    "KCN_QUY": [
        ("p", "Trong {period}, {who} đã tư vấn, cung cấp dịch vụ SKSS/KHHGĐ cho "
              "{KCN_WORKERS_SERVED|lượt công nhân}; tư vấn trực tiếp cho "
              "{ACT_COUNSELLED|lượt người}."),
        ("p", "Tổ chức {ACT_TRAININGS} tập huấn cho {ACT_TRAINED|lượt người}; {ACT_ADVOCACY} vận "
              "động và {ACT_CAMPAIGNS} truyền thông, tiếp cận {ACT_COMM_REACHED|lượt người}."),
    ],
    "HLHPN_NAM": [
        ("p", "Xây dựng, củng cố {WU_TRUSTED_ADDRESSES} tin cậy tại cộng đồng."),
        ("p", "Phát hiện {WU_DV_DETECTED|phụ nữ và trẻ em gái} bị bạo lực gia đình; trong đó "
              "{WU_DV_SUPPORTED|người} được hỗ trợ ít nhất một dịch vụ trợ giúp xã hội."),
        ("p", "Vận động {WU_5K3S_HOUSEHOLDS} đạt tiêu chí “5 không 3 sạch”, “5 có 3 sạch”; hỗ trợ "
              "{WU_LATRINE_HOUSEHOLDS} xây nhà tiêu hợp vệ sinh và {WU_CLEAN_WATER_HOUSEHOLDS} sử "
              "dụng nước sạch."),
        ("p", "Nhận đỡ đầu {WU_ORPHANS_SPONSORED|trẻ} mồ côi, trong đó {WU_ORPHANS_COVID|trẻ} mồ "
              "côi do Covid-19."),
        ("p", "Vận động kinh phí hỗ trợ trẻ được đỡ đầu: {WU_SPONSOR_FUNDS|đồng}."),
    ],
}  # fmt: skip
