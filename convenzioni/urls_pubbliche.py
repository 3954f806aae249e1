"""The public page of an agreement, at the site's root: named `scheda-convenzione`, as the
map's results link each kind of result to the page named `scheda-<tipo>`."""

from django.urls import path

from . import views

urlpatterns = [
    path("convenzioni/<int:pk>/", views.dettaglio, name="scheda-convenzione"),
]
