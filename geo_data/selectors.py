"""Reads on the territory, used by every app that places something on the map."""

from __future__ import annotations

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Func, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Ambito, Comune

# A metric projection for Italy (WGS 84 / UTM 32N): simplification tolerances are
# given in metres, never in degrees.
METRIC_SRID = 32632


class PointOutsideTerritory(ValidationError):
    """The point lies outside every loaded Comune."""


def comune_containing_point(point: Point) -> Comune:
    """The Comune whose boundary covers `point` (a point on a border goes to the lower code).

    Raises PointOutsideTerritory, with a message for the user, when no loaded
    Comune covers it.
    """
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    comune = Comune.objects.filter(geometria__covers=point).order_by("codice_istat").first()
    if comune is None:
        wgs84 = point.transform(4326, clone=True)
        raise PointOutsideTerritory(
            _(
                "Il punto (lat %(lat).5f, lon %(lon).5f) non cade in nessun Comune del "
                "territorio caricato: controlla le coordinate."
            )
            % {"lat": wgs84.y, "lon": wgs84.x},
            code="outside_territory",
        )
    return comune


def filter_within_comune(queryset: QuerySet, *, field: str, comune: Comune) -> QuerySet:
    """Rows of `queryset` whose point `field` lies in `comune` (borders included)."""
    return queryset.filter(**{f"{field}__coveredby": comune.geometria})


def filter_within_ambito(queryset: QuerySet, *, field: str, ambito: Ambito) -> QuerySet:
    """Rows of `queryset` whose point `field` lies in one of the Comuni of `ambito`.

    Tested against the member boundaries (each through its GiST index) rather
    than the derived union, so it holds even before the union is refreshed.
    """
    in_member = Comune.objects.filter(ambiti=ambito, geometria__covers=OuterRef(field))
    return queryset.filter(Exists(in_member))


def simplified(expression, tolerance_m: float) -> Func:
    """A geometry `expression` simplified for display, tolerance in metres, back in WGS 84."""
    return Transform(
        Func(
            Transform(expression, METRIC_SRID),
            tolerance_m,
            function="ST_SimplifyPreserveTopology",
            output_field=MultiPolygonField(srid=METRIC_SRID),
        ),
        4326,
    )


def comune_list(
    *,
    regione: str = "",
    provincia: str = "",
    ambito: str = "",
    in_ambito: bool = False,
) -> QuerySet[Comune]:
    """Comuni filtered by region, province (name or two-letter code) and district."""
    queryset = Comune.objects.all()
    if regione:
        queryset = queryset.filter(regione__iexact=regione)
    if provincia:
        queryset = queryset.filter(
            Q(provincia__iexact=provincia) | Q(sigla_provincia__iexact=provincia)
        )
    if ambito:
        queryset = queryset.filter(ambiti__slug=ambito)
    if in_ambito:
        queryset = queryset.filter(
            Exists(Ambito.comuni.through.objects.filter(comune_id=OuterRef("pk")))
        )
    return queryset


def ambito_list() -> QuerySet[Ambito]:
    """Districts with their member count and members (names only, never their boundaries)."""
    members = Comune.objects.only("codice_istat", "nome").order_by("nome")
    return Ambito.objects.annotate(numero_comuni=Count("comuni")).prefetch_related(
        Prefetch("comuni", queryset=members)
    )
