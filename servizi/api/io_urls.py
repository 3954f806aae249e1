"""Import and export of services. Include these before the `servizi/` router, whose
detail route would otherwise take `servizi/import/` and `servizi/export.csv`."""

from django.urls import path

from .io_views import ServiziExportCsvView, ServiziExportGeoJSONView, ServiziImportView

urlpatterns = [
    path("servizi/import/", ServiziImportView.as_view(), name="servizi-import"),
    path("servizi/export.csv", ServiziExportCsvView.as_view(), name="servizi-export-csv"),
    path(
        "servizi/export.geojson",
        ServiziExportGeoJSONView.as_view(),
        name="servizi-export-geojson",
    ),
]
