"""What every backend answers: hits, facets, clusters, suggestions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    convenzioni_attive: list[dict] = field(default_factory=list)  # with the agreements (issue 7)


# Counting every match of a broad query over a million places costs more than the
# search itself; beyond this many the count says "at least" (`count_esatto` false).
COUNT_CAP = 10_000


@dataclass
class SearchResult:
    backend: str
    count: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    count_esatto: bool = True

    def __post_init__(self) -> None:
        if self.count > COUNT_CAP:
            self.count, self.count_esatto = COUNT_CAP, False

    def as_dict(self) -> dict:
        return {
            "backend": self.backend,
            "count": self.count,
            "count_esatto": self.count_esatto,
            "results": [asdict(hit) for hit in self.hits],
            "facets": self.facets,
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
    points: list[dict]

    def as_dict(self) -> dict:
        return {
            "backend": self.backend,
            "zoom": self.zoom,
            "clusters": [asdict(c) for c in self.clusters],
            "points": self.points,
        }
