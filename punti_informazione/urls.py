"""The operator's console and the citizen's shared sheet, under /pit/ (a PIT's public page,
`scheda-pit`, is in urls_pubbliche with the other public detail pages)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "pit"

urlpatterns = [
    path("", views.console, name="console"),
    # The site has one login (/accedi/): old links to this one keep working.
    path("accedi/", RedirectView.as_view(pattern_name="accedi", query_string=True), name="accedi"),
    path("punti/<int:pk>/", views.punto_modifica, name="punto-modifica"),
    path("schede/nuova/", views.scheda_nuova, name="scheda-nuova"),
    path("schede/<int:pk>/", views.scheda, name="scheda"),
    path("schede/<int:pk>/aggiungi/", views.scheda_aggiungi, name="scheda-aggiungi"),
    path("schede/<int:pk>/voci/<int:voce_pk>/nota/", views.voce_nota, name="voce-nota"),
    path("schede/<int:pk>/voci/<int:voce_pk>/rimuovi/", views.voce_rimuovi, name="voce-rimuovi"),
    path("schede/<int:pk>/link/", views.scheda_link, name="scheda-link"),
    path("schede/<int:pk>/stampa/", views.scheda_stampa, name="scheda-stampa"),
    path("schede/<int:pk>/scheda.pdf", views.scheda_pdf, name="scheda-pdf"),
    path("s/<str:token>/", views.scheda_condivisa, name="scheda-condivisa"),
    path("consultazioni/", views.consultazioni, name="consultazioni"),
    path("consultazioni/nuova/", views.consultazione_nuova, name="consultazione-nuova"),
    path(
        "consultazioni/<int:pk>/modifica/",
        views.consultazione_modifica,
        name="consultazione-modifica",
    ),
    path("osservatorio/", views.osservatorio_pagina, name="osservatorio"),
]
