"""The Women's Union's report: the sensitive parts (domestic violence, sponsored children)
only for users with the permission; for the others they are left out with a note, in the
document, its appendix, the frozen copy and the API alike.

By hand (the seeds of domain.md): 1,665 women and girls subjected to domestic violence
detected, 1,508 of them supported: 1,508 ÷ 1,665 = 90,57… → 90,6%; 2,329 trusted addresses;
30,853 orphans sponsored, 3,000 of them orphaned by Covid-19; 170,000,000,000 đồng mobilised.
"""

import pytest

from danso.accounts.models import Role
from danso.narratives import drafts
from danso.narratives.kinds import KINDS
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_organisation
from danso.programmes import entry
from danso.programmes.models import DataSet
from danso.statistics import cycle
from danso.statistics.periods import Period
from tests.exchange.factories import put

from .conftest import docx_text

pytestmark = pytest.mark.django_db

FIGURES = {"WU_DV_DETECTED": "1665", "WU_DV_SUPPORTED": "1508", "WU_TRUSTED_ADDRESSES": "2329",
           "WU_5K3S_HOUSEHOLDS": "125247", "WU_LATRINE_HOUSEHOLDS": "152909",
           "WU_CLEAN_WATER_HOUSEHOLDS": "484358", "WU_ORPHANS_SPONSORED": "30853",
           "WU_ORPHANS_COVID": "3000", "WU_SPONSOR_FUNDS": "170000000000"}  # fmt: skip
SENSITIVE = ["1.665", "1.508", "90,6%", "30.853", "3.000 trẻ", "Có 3 vụ việc nghiêm trọng"]


@pytest.fixture
def union(db, make_user):
    province = OrgUnit.objects.get(uid="P66")
    unit = create_organisation(province, code="HLHPN", name="Hội Liên hiệp Phụ nữ tỉnh Đắk Lắk",
                               unit_type="hoi_lhpn")  # fmt: skip
    allowed = make_user("hoi_pn", Role.PARTNER, unit, sensitive=True)
    other = make_user("hoi_pn2", Role.PARTNER, unit)
    data_set = DataSet.objects.get(code="HLHPN_NAM")
    # The figures counted from the registries (danso.casework) come here as imported history
    # (none of the fictional records exist); the others are typed.
    history = [link.data_element for link in data_set.element_links.all()
               if link.data_element.is_fed_by_registry]  # fmt: skip
    for element in history:
        put(element.code, "default", unit, "2023", FIGURES[element.code], user=allowed)
    typed = {(code, "default"): value for code, value in FIGURES.items()
             if code not in {e.code for e in history}}  # fmt: skip
    assert entry.save(allowed, data_set, unit, Period.parse("2023"), typed) == {}
    return {"unit": unit, "allowed": allowed, "other": other}


def test_the_permitted_reader_sees_every_part(union):
    narrative, _ = drafts.open_draft(union["allowed"], KINDS["womens_union"], union["unit"],
                                     "2023", texts={"violence_notes": "Có 3 vụ việc nghiêm "
                                                                      "trọng đã được chuyển "
                                                                      "công an."})  # fmt: skip
    text = docx_text(drafts.docx(narrative, union["allowed"]))
    assert ("Phát hiện 1.665 phụ nữ và trẻ em gái bị bạo lực gia đình; trong đó 1.508 người "
            "được hỗ trợ ít nhất một dịch vụ trợ giúp xã hội.") in text  # fmt: skip
    assert "Tỷ lệ được hỗ trợ đạt 90,6%." in text
    assert "Nhận đỡ đầu 30.853 trẻ mồ côi, trong đó 3.000 trẻ mồ côi do Covid-19." in text
    assert "Xây dựng, củng cố 2.329 địa chỉ tin cậy tại cộng đồng." in text
    assert "Vận động kinh phí hỗ trợ trẻ được đỡ đầu: 170.000.000.000 đồng." in text
    assert "Có 3 vụ việc nghiêm trọng" in text
    assert (
        "Chỉ số WU_DV_SUPPORTED_SHARE = (#{WU_DV_SUPPORTED}) 1.508 ÷ (#{WU_DV_DETECTED}) 1.665"
        in text
    )


def test_without_the_permission_the_sensitive_parts_are_left_out_with_a_note(union, bearer):
    notes = {"violence_notes": "Có 3 vụ việc nghiêm trọng."}
    narrative, _ = drafts.open_draft(union["allowed"], KINDS["womens_union"], union["unit"],
                                     "2023", texts=notes)  # fmt: skip
    text = docx_text(drafts.docx(narrative, union["other"]))
    for secret in SENSITIVE:
        assert secret not in text, secret
    assert "Phần này có số liệu nhạy cảm" in text
    assert "Xây dựng, củng cố 2.329 địa chỉ tin cậy tại cộng đồng." in text  # not sensitive
    api = bearer(union["other"])
    body = api.get(f"/api/v1/narratives/{narrative.pk}").content.decode()
    for secret in ("1.665", "1.508", "90,6", "30.853", "vụ việc nghiêm trọng"):
        assert secret not in body, secret
    docx = api.get(f"/api/v1/narratives/{narrative.pk}/docx").content
    assert "1.665" not in docx_text(docx)
    # Nor may such a user write the sensitive section.
    with pytest.raises(drafts.TextsRefused) as err:
        drafts.save_texts(union["other"], narrative, {"violence_notes": "x"}, narrative.version)
    assert [p.code for p in err.value.problems] == ["sensitive"]


def test_the_frozen_version_keeps_a_copy_without_the_sensitive_parts(union):
    narrative, _ = drafts.open_draft(union["allowed"], KINDS["womens_union"], union["unit"],
                                     "2023")  # fmt: skip
    submission = cycle.submit("VB-HLHPN", union["unit"], Period.parse("2023"), union["allowed"])
    version = narrative.versions.get()
    assert version.submission == submission
    assert "1.665" in docx_text(drafts.version_docx(version, union["allowed"]))
    public = docx_text(drafts.version_docx(version, union["other"]))
    assert "1.665" not in public and "Phần này có số liệu nhạy cảm" in public
