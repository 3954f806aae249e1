"""The PIT API under /api/v1/ (a SimpleRouter: the catalogue's router gives the API root)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    ConsultazioneViewSet,
    OperatoreViewSet,
    OsservatorioCsvView,
    OsservatorioView,
    PuntoViewSet,
    SchedaCondivisaView,
    SchedaViewSet,
)

router = SimpleRouter()
router.register("pit", PuntoViewSet, basename="pit")
router.register("operatori", OperatoreViewSet, basename="operatore")
router.register("schede", SchedaViewSet, basename="scheda")
router.register("consultazioni", ConsultazioneViewSet, basename="consultazione")

urlpatterns = [
    path(
        "schede-condivise/<str:token>/",
        SchedaCondivisaView.as_view(),
        name="scheda-condivisa-api",
    ),
    path("osservatorio/", OsservatorioView.as_view(), name="osservatorio"),
    path("osservatorio/export.csv", OsservatorioCsvView.as_view(), name="osservatorio-csv"),
    *router.urls,
]
