"""The search API alone: no kind of result has a page yet."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/v1/", include("marketplace.search.urls"))]
