from django.urls import path

from .api import CercaView, MappaView, PingView, SuggerimentiView

urlpatterns = [
    path("cerca/", CercaView.as_view(), name="cerca"),
    path("cerca/mappa/", MappaView.as_view(), name="cerca-mappa"),
    path("cerca/suggerimenti/", SuggerimentiView.as_view(), name="cerca-suggerimenti"),
    path("ping/", PingView.as_view(), name="ping"),
]
