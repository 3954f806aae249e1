"""What every backend answers: hits, facets, clusters, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Hit:
    tipo: str
    id: int
    titolo: str
    ente: dict | None
    comune: dict | None
    distanza_km: float | None
    snippet: str
    aperto_ora: bool | None
    punto: list[float] | None
    sede_id: int | None
    score: float = 0.0
    demo: bool = False  # invented data of the demo catalogue
    url: str | None = None  # its page (`scheda-<tipo>`), None until the kind has one
    # For services and PITs: the Ente's agreements valid today ({id, titolo, beneficio, url});
    # only those for the beneficiary of `con_convenzione_per` when it is given.
    convenzioni_attive: list[dict] = field(default_factory=list)
    # Why it matched where the snippet (title and description) cannot say: its Ente's
    # name and the names of its categories that hold some of the text's words, those
    # words in <mark> as in the snippet (None and [] without a text, or found elsewhere).
    ente_evidenziato: str | None = None
    categorie_trovate: list[str] = field(default_factory=list)


# Counting every match of a broad query over a million places costs more than the
# search itself; beyond this many rows the count says "at least" (`count_esatto`
# false), facets are estimated on a sample, and pages stop.
COUNT_CAP = 1_000


@dataclass
class SearchResult:
    backend: str
    count: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    count_esatto: bool = True
    # When the count is not exact and facets were asked for: their counts are estimates,
    # and so is this number of matching objects.
    facette_esatte: bool = True
    count_stimato: int | None = None
    # When nothing is found today: the agreements the same search finds from a later day
    # ({"count", "dal": the first of those days, ISO}), None when none (service.search).
    convenzioni_in_arrivo: dict | None = None

    def __post_init__(self) -> None:
        if self.count > COUNT_CAP:
            self.count, self.count_esatto = COUNT_CAP, False

    def as_dict(self) -> dict:
        # vars(), not dataclasses.asdict(): asdict's recursive deep copy of the hits was
        # the largest Python cost of a cheap request.
        return {
            "backend": self.backend,
            "count": self.count,
            "count_esatto": self.count_esatto,
            "count_stimato": self.count_stimato,
            "results": [vars(hit) for hit in self.hits],
            "facets": self.facets,
            "facette_esatte": self.facette_esatte,
            "convenzioni_in_arrivo": self.convenzioni_in_arrivo,
        }


@dataclass
class Cluster:
    count: int
    centro: list[float]  # lon, lat
    bounds: list[float]  # minlon, minlat, maxlon, maxlat


@dataclass
class MapResult:
    backend: str
    zoom: int
    clusters: list[Cluster]
    points: list[dict]  # tipo, id, titolo, sede_id, demo, lon, lat, url
    # The view holds more places than the points given (MAX_POINTS, the first by id):
    # said, so that a map that shows some of them is not taken for all.
    punti_troncati: bool = False

    @classmethod
    def of_points(cls, backend: str, zoom: int, points: list[dict], at_most: int) -> MapResult:
        """From up to `at_most` + 1 points read: the extra one tells that there are more."""
        return cls(backend, zoom, [], points[:at_most], punti_troncati=len(points) > at_most)

    def as_dict(self) -> dict:
        return {
            "backend": self.backend,
            "zoom": self.zoom,
            "clusters": [vars(c) for c in self.clusters],
            "points": self.points,
            "punti_troncati": self.punti_troncati,
        }
