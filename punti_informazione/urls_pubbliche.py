"""The public page of an info point, at the site's root: named `scheda-pit`, as the map's
results link each kind of result to the page named `scheda-<tipo>`."""

from django.urls import path

from . import views

urlpatterns = [
    path("pit/<int:pk>/", views.punto_pubblico, name="scheda-pit"),
]
