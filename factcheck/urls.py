from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]
