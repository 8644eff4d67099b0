from django.contrib import admin
from django.urls import include, path

from danso.api.api import api

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("ngon-ngu/", include("django.conf.urls.i18n")),  # set_language: the language switch
    path("api/v1/", api.urls),
    path("hoi-phu-nu/", include("danso.casework.urls")),
    path("", include("danso.web.urls")),
]

handler403 = "danso.web.nav.permission_denied"  # 403.html: what was missing, where to go
