from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import views

app_name = "convenzioni"

urlpatterns = [
    path("", views.per_me, name="per-me"),
    path("la-mia-impresa/", views.la_mia_impresa, name="la-mia-impresa"),
    path("<int:pk>/", views.dettaglio, name="dettaglio"),
    path("<int:pk>/usa/", views.usa, name="usa"),
    path("<int:pk>/modifica/", views.modifica, name="modifica"),
    re_path(r"^(?P<pk>\d+)/(?P<nome>invia|approva|respingi|ritira)/$", views.azione, name="azione"),
    path("gestione/", views.gestione, name="gestione"),
    path("gestione/nuova/", views.nuova, name="nuova"),
    path("verifica/", views.verifica, name="verifica-codice"),
    path("verifica/<str:codice>/", views.verifica, name="verifica"),
    path("moderazione/", views.moderazione, name="moderazione"),
    path(
        "accedi/",
        auth_views.LoginView.as_view(
            template_name="convenzioni/accedi.html", next_page="convenzioni:gestione"
        ),
        name="accedi",
    ),
    path("esci/", auth_views.LogoutView.as_view(next_page="convenzioni:per-me"), name="esci"),
]
