"""Public pages of the catalogue. Named `scheda-<tipo>`: the map links each search result
to the page named after its `tipo` (servizio, pit, convenzione)."""

from django.urls import path

from . import views

urlpatterns = [
    path("servizi/<int:pk>/", views.servizio_detail, name="scheda-servizio"),
    path("enti/<int:pk>/", views.ente_detail, name="scheda-ente"),
]
