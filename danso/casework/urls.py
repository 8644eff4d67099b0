from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="casework_home"),
    path("pha-kinh/", views.break_glass, name="casework_break_glass"),
    path("xuat/<str:registry>/", views.export, name="casework_export"),
    path("nhap/<str:kind>/", views.import_list, name="casework_import"),
    path("<str:kind>/", views.record_list, name="casework_list"),
    path("<str:kind>/them/", views.record_form, name="casework_create"),
    path("<str:kind>/<str:code>/", views.record_detail, name="casework_record"),
    path("<str:kind>/<str:code>/sua/", views.record_form, name="casework_edit"),
    path("<str:kind>/<str:code>/xoa/", views.erase, name="casework_erase"),
    path("ghi/<str:line>/<str:code>/", views.line_form, name="casework_line"),
]
