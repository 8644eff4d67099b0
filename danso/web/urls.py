from django.contrib.auth import views as auth_views
from django.urls import path

from danso.fieldwork import offline_views

from . import pickers, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", offline_views.LogoutView.as_view(), name="logout"),  # clears the phone
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("don-vi/tim/", views.search, name="search"),
    path("don-vi/chon/", pickers.unit_choices, name="unit_choices"),
    path("don-vi/chon-xa/", pickers.commune_choices, name="commune_choices"),
    path("don-vi/<str:uid>/", views.unit_detail, name="unit"),
    path("don-vi/<str:uid>/them-thon/", views.village_create, name="village_create"),
    path("don-vi/<str:uid>/nhap-thon/", views.village_import, name="village_import"),
    path("don-vi/<str:uid>/mau-thon.csv", views.village_template, name="village_template"),
    path("don-vi/<str:uid>/them-to-chuc/", views.organisation_create, name="organisation_create"),
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("tai-khoan/token/", views.tokens, name="tokens"),
    path("tai-khoan/token/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]

from . import register_views as rv  # noqa: E402

urlpatterns += [
    path("so-a0/tim/", rv.person_search, name="person_search"),
    path("so-a0/thon/<str:uid>/", rv.village_register, name="village_register"),
    path("so-a0/ho/<int:pk>/", rv.household_detail, name="household"),
    path("so-a0/ho/<int:pk>/ghi/", rv.record_change, name="record_change"),
    path("so-a0/ho/<int:pk>/ngheo/", rv.household_poverty, name="household_poverty"),
    path("so-a0/nguoi/<int:pk>/", rv.person_detail, name="person"),
    path("so-a0/su-kien/<int:pk>/huy/", rv.cancel_event, name="cancel_event"),
    path("phieu/<int:pk>/", rv.slip_detail, name="slip"),
    path("phieu/xa/<str:uid>/", rv.review_queue, name="review_queue"),
]

from . import exchange_views as xv  # noqa: E402

urlpatterns += [
    path("nhap-du-lieu/", xv.import_start, name="import_start"),
    path("nhap-du-lieu/<int:pk>/", xv.import_job, name="import_job"),
    path("nhap-du-lieu/mau/<str:kind>.<str:fmt>", xv.import_template, name="import_template"),
    path("xuat-so-a0/<str:uid>/", xv.register_export, name="register_export"),
]

from . import dhis2_views  # noqa: E402

urlpatterns += [
    path("trao-doi-dhis2/", dhis2_views.datavalues, name="datavalues"),
    path("trao-doi-dhis2/xuat/", dhis2_views.datavalues_export, name="datavalues_export"),
    path("trao-doi-dhis2/nhap/<int:pk>/", dhis2_views.datavalues_job, name="datavalues_job"),
]

from . import report_views  # noqa: E402

urlpatterns += [
    path("bao-cao/", report_views.report_page, name="report"),
    path("bao-cao/nop/", report_views.report_submit, name="report_submit"),
    path("bao-cao/nop/<int:pk>/xet/", report_views.report_review, name="report_review"),
    path("bao-cao/tien-do/", report_views.completeness, name="report_completeness"),
    path("bao-cao/tinh-nen/<int:pk>/", report_views.report_job, name="report_job"),
    path("bang-dieu-khien/", report_views.dashboard, name="dashboard"),
    path("bao-cao/danh-sach/", report_views.name_list, name="name_list"),
]

from . import entry_views  # noqa: E402

urlpatterns += [
    path("so-lieu/", entry_views.entry_start, name="entry_start"),
    path("so-lieu/chon/", entry_views.entry_pick, name="data_entry_pick"),
    path(
        "so-lieu/<str:code>/<str:uid>/<str:period_id>/", entry_views.data_entry, name="data_entry"
    ),
]

from . import plan_views  # noqa: E402

urlpatterns += [
    path("ke-hoach/", plan_views.plan_home, name="plan_home"),
    path("ke-hoach/<str:uid>/<int:year>/", plan_views.plan_page, name="plan"),
    path("chi-tieu/<int:pk>/dieu-chinh/", plan_views.target_revise, name="target_revise"),
    path("chi-tieu/<int:pk>/phan-bo/", plan_views.target_allocate, name="target_allocate"),
    path("tien-do/", plan_views.progress_page, name="progress"),
    path(
        "ke-hoach/<str:uid>/2025/phan-bo-lai/",
        plan_views.reallocation_page,
        name="plan_reallocation",
    ),
]

from . import activity_views as av  # noqa: E402

urlpatterns += [
    path("hoat-dong/", av.activity_list, name="activities"),
    path("hoat-dong/ghi/", av.activity_create, name="activity_create"),
    path("hoat-dong/dia-ban/", av.place_search, name="activity_places"),
    path("hoat-dong/<int:pk>/", av.activity_detail, name="activity"),
    path("hoat-dong/<int:pk>/sua/", av.activity_edit, name="activity_edit"),
    path("hoat-dong/<int:pk>/xoa/", av.activity_delete, name="activity_delete"),
    path(
        "hoat-dong/<int:pk>/tep/<int:attachment_pk>/",
        av.attachment_download,
        name="activity_attachment",
    ),
    path("cau-lac-bo/", av.club_list, name="clubs"),
    path("cau-lac-bo/<int:pk>/", av.club_detail, name="club"),
    path("cau-lac-bo/<int:pk>/sua/", av.club_edit, name="club_edit"),
    path("cau-lac-bo/<int:pk>/tim-nguoi/", av.club_person_search, name="club_person_search"),
    path(
        "cau-lac-bo/<int:pk>/thanh-vien/<int:member_pk>/roi/",
        av.member_leave,
        name="club_member_leave",
    ),
    path(
        "cau-lac-bo/<int:pk>/thanh-vien/<int:member_pk>/xoa/",
        av.member_delete,
        name="club_member_delete",
    ),
]

from danso.narratives import views as nv  # noqa: E402

urlpatterns += [
    path("bao-cao/van-ban/", nv.narratives, name="narratives"),
    path("bao-cao/van-ban/<int:pk>/", nv.narrative, name="narrative"),
    path("bao-cao/van-ban/<int:pk>/soan/", nv.narrative_refresh, name="narrative_refresh"),
    path("bao-cao/van-ban/<int:pk>/docx/", nv.narrative_docx, name="narrative_docx"),
    path("bao-cao/van-ban/<int:pk>/pdf/", nv.narrative_pdf, name="narrative_pdf"),
    path("bao-cao/van-ban/viec/<int:pk>/", nv.narrative_job, name="narrative_job"),
    path("bao-cao/van-ban/mau/", nv.template_list, name="narrative_templates"),
    path("bao-cao/van-ban/mau/<str:code>.docx", nv.template_download, name="narrative_template"),
]

from danso.analysis import views as analysis_views  # noqa: E402

from . import group_views  # noqa: E402

urlpatterns += [
    path("phan-tich/", analysis_views.builder, name="analysis"),
    path("phan-tich/luu/", analysis_views.save, name="analysis_save"),
    path("phan-tich/da-luu/", analysis_views.saved_list, name="analysis_saved"),
    path("phan-tich/da-luu/<int:pk>/", analysis_views.saved_open, name="analysis_open"),
    path("phan-tich/da-luu/<int:pk>/ghim/", analysis_views.pin, name="analysis_pin"),
    path("phan-tich/da-luu/<int:pk>/xoa/", analysis_views.delete, name="analysis_delete"),
    path("nhom-don-vi/", group_views.group_list, name="group_list"),
    path("nhom-don-vi/them/", group_views.group_edit, name="group_create"),
    path("nhom-don-vi/nhap/", group_views.group_import, name="group_import"),
    path("nhom-don-vi/mau.csv", group_views.group_template, name="group_template"),
    path("nhom-don-vi/bo/them/", group_views.group_set_edit, name="group_set_create"),
    path("nhom-don-vi/bo/<str:code>/", group_views.group_set_edit, name="group_set_edit"),
    path("nhom-don-vi/<str:code>/", group_views.group_edit, name="group_edit"),
]

from . import user_views  # noqa: E402

urlpatterns += [
    path("nguoi-dung/", user_views.user_list, name="users"),
    path("nguoi-dung/them/", user_views.user_create, name="user_create"),
    path("nguoi-dung/chon-don-vi/", user_views.unit_choices, name="user_unit_choices"),
    path("nguoi-dung/<str:username>/", user_views.user_detail, name="user_detail"),
    path("nguoi-dung/<str:username>/mat-khau/", user_views.user_password, name="user_password"),
    path("nguoi-dung/<str:username>/token/", user_views.user_token, name="user_token"),
    path(
        "nguoi-dung/<str:username>/token/<int:pk>/thu-hoi/",
        user_views.user_token_revoke,
        name="user_token_revoke",
    ),
]

from danso.fieldwork import views as fw  # noqa: E402

urlpatterns += [
    path("cong-viec/thon/<str:uid>/", fw.village_worklists, name="worklists"),
    path("chuyen-cu/xa/<str:uid>/", fw.move_inbox, name="move_inbox"),
    path("thong-nhat-so-lieu/nhap/", fw.reconciliation_home, name="reconciliation_home"),
    path(
        "thong-nhat-so-lieu/<str:uid>/<str:period>/", fw.reconciliation_page, name="reconciliation"
    ),
]

urlpatterns += [
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("ngoai-tuyen/", offline_views.offline_home, name="offline_home"),
    path("ngoai-tuyen/thon/<str:uid>/", offline_views.offline_village, name="offline_village"),
    path(
        "ngoai-tuyen/xung-dot/xa/<str:uid>/", offline_views.conflict_list, name="offline_conflicts"
    ),
    path("ngoai-tuyen/xung-dot/<int:pk>/", offline_views.conflict_resolve, name="offline_resolve"),
]

from danso.adhoc import views as adhoc_views  # noqa: E402

urlpatterns += [
    path("yeu-cau-bao-cao/", adhoc_views.request_list, name="adhoc_list"),
    path("yeu-cau-bao-cao/moi/", adhoc_views.request_create, name="adhoc_create"),
    path("yeu-cau-bao-cao/<str:code>/", adhoc_views.request_detail, name="adhoc_detail"),
    path("yeu-cau-bao-cao/<str:code>/excel/", adhoc_views.request_xlsx, name="adhoc_xlsx"),
]
