"""The HSDS API (hsds_views), under api/hsds/: the paths of Open Referral's HSDS API,
which have no final slash (one is accepted all the same)."""

from django.urls import re_path

from . import hsds_views as views


def _hsds(route: str, view, name: str):
    return re_path(rf"^{route}/?$", view.as_view(), name=name)


_ID = r"(?P<id>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.HsdsRootView.as_view(), name="hsds-root"),
    _hsds("services", views.ServicesView, "hsds-services"),
    _hsds(f"services/{_ID}", views.ServiceView, "hsds-service"),
    _hsds("service_at_locations", views.ServiceAtLocationsView, "hsds-service-at-locations"),
    _hsds(f"service_at_locations/{_ID}", views.ServiceAtLocationView, "hsds-service-at-location"),
    _hsds("organizations", views.OrganizationsView, "hsds-organizations"),
    _hsds(f"organizations/{_ID}", views.OrganizationView, "hsds-organization"),
    _hsds("taxonomies", views.TaxonomiesView, "hsds-taxonomies"),
    _hsds(f"taxonomies/{_ID}", views.TaxonomyView, "hsds-taxonomy"),
    _hsds("taxonomy_terms", views.TaxonomyTermsView, "hsds-taxonomy-terms"),
    _hsds(f"taxonomy_terms/{_ID}", views.TaxonomyTermView, "hsds-taxonomy-term"),
]
