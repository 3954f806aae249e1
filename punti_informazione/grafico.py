"""A small bar chart drawn on the server as SVG (no CDN, no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Barra:
    etichetta: str
    valore: int
    x: float
    y: float
    larghezza: float
    altezza: float


@dataclass(frozen=True)
class Grafico:
    larghezza: int
    altezza: int
    base: int  # y of the axis
    massimo: int
    barre: list[Barra]


def barre_verticali(
    valori: list[tuple[str, int]], *, larghezza: int = 720, altezza: int = 240
) -> Grafico:
    """Geometry of one bar per value, scaled to the largest; the template draws it."""
    margine_alto, margine_basso = 20, 40
    base = altezza - margine_basso  # an int: the template adds to it
    utile = base - margine_alto
    massimo = max((valore for _etichetta, valore in valori), default=0)
    passo = larghezza / max(len(valori), 1)
    barre = []
    for indice, (etichetta, valore) in enumerate(valori):
        alta = utile * valore / massimo if massimo else 0
        barre.append(
            Barra(
                etichetta=etichetta,
                valore=valore,
                x=round(indice * passo + passo * 0.15, 1),
                y=round(base - alta, 1),
                larghezza=round(passo * 0.7, 1),
                altezza=round(alta, 1),
            )
        )
    return Grafico(larghezza=larghezza, altezza=altezza, base=base, massimo=massimo, barre=barre)
