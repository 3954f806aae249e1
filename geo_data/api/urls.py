from rest_framework.routers import DefaultRouter

from .views import AmbitoViewSet, ComuneViewSet

router = DefaultRouter()
router.register("comuni", ComuneViewSet, basename="comune")
router.register("ambiti", AmbitoViewSet, basename="ambito")

urlpatterns = router.urls
