from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views
from .accesso import AccediView, EsciView

admin.site.site_header = _("Welfare territoriale – amministrazione")
admin.site.site_title = _("Welfare territoriale")

api_v1 = [
    path("", include("marketplace.search.urls")),
    path("", include("geo_data.api.urls")),
    # Before the router, whose detail route would otherwise take servizi/import/.
    path("", include("servizi.api.io_urls")),
    path("", include("servizi.api.urls")),
    path("", include("convenzioni.api.urls")),
    path("", include("punti_informazione.api.urls")),
]

# The one login of the site; the old ones of the areas (and the admin's) lead to it.
accedi_qui = RedirectView.as_view(pattern_name="accedi", query_string=True)

urlpatterns = [
    # First: every request is matched against the patterns in order, and the API's are
    # the most asked for (the search's, first among them, resolve in 30 µs, not 60-75).
    path("api/v1/", include(api_v1)),
    # The catalogue in Open Referral's HSDS, for integrators (servizi.api.hsds_views).
    path("api/hsds/", include("servizi.api.hsds_urls")),
    path("", views.home, name="home"),
    # The public detail pages, named `scheda-<tipo>` (servizi, enti, pit, convenzioni).
    path("", include("servizi.urls")),
    path("", include("punti_informazione.urls_pubbliche")),
    path("", include("convenzioni.urls_pubbliche")),
    path("accedi/", AccediView.as_view(), name="accedi"),
    path("esci/", EsciView.as_view(), name="esci"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", accedi_qui),
    path("admin/", admin.site.urls),
    path("convenzioni/", include("convenzioni.urls")),
    path("pit/", include("punti_informazione.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
