from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ConfermaUtilizzoView, ConvenzioneViewSet, ImpresaViewSet, ReteViewSet

router = DefaultRouter()
router.register("reti", ReteViewSet, basename="rete")
router.register("imprese", ImpresaViewSet, basename="impresa")
router.register("convenzioni", ConvenzioneViewSet, basename="convenzione")

urlpatterns = [
    path("utilizzi/conferma/", ConfermaUtilizzoView.as_view(), name="utilizzo-conferma"),
    *router.urls,
]
