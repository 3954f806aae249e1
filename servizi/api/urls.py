from rest_framework.routers import DefaultRouter

from .views import CategoriaViewSet, EnteViewSet, SedeViewSet, ServizioViewSet

router = DefaultRouter()
router.register("categorie", CategoriaViewSet, basename="categoria")
router.register("enti", EnteViewSet, basename="ente")
router.register("sedi", SedeViewSet, basename="sede")
router.register("servizi", ServizioViewSet, basename="servizio")

urlpatterns = router.urls
