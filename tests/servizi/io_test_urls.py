"""Only the import/export endpoints, under /api/v1/, as the project will include them."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("servizi.api.io_urls"))]
