"""Pages of the agreements under /convenzioni/ (the agreement's own page is `scheda-convenzione`,
in urls_pubbliche, with the other public detail pages)."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

app_name = "convenzioni"

urlpatterns = [
    path("", views.per_me, name="per-me"),
    path("la-mia-impresa/", views.la_mia_impresa, name="la-mia-impresa"),
    path("<int:pk>/usa/", views.usa, name="usa"),
    path("<int:pk>/modifica/", views.modifica, name="modifica"),
    re_path(r"^(?P<pk>\d+)/(?P<nome>invia|approva|respingi|ritira)/$", views.azione, name="azione"),
    path("gestione/", views.gestione, name="gestione"),
    path("gestione/nuova/", views.nuova, name="nuova"),
    path("verifica/", views.verifica, name="verifica-codice"),
    path("verifica/<str:codice>/", views.verifica, name="verifica"),
    path("moderazione/", views.moderazione, name="moderazione"),
    # The site has one login (/accedi/): old links to this one keep working.
    path(
        "accedi/",
        RedirectView.as_view(pattern_name="accedi", query_string=True),
        name="accedi",
    ),
]
