"""The kinds of item a sheet can hold, in one place.

Each kind says which objects a sheet may hold (`disponibili`: published services,
active PITs, agreements valid today), how to load them for display (`per_mostrare`)
and what its title is. A kind is a `TipoVoce` choice, one entry here and one template
`punti_informazione/voci/<tipo>.html` (the sheet page, the print page, the PDF and the
shared link all show an item through it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from convenzioni.models import Convenzione
from convenzioni.selectors import convenzione_list, filter_valide_il
from servizi.models import Servizio, StatoServizio
from servizi.selectors import servizio_list

from .models import PuntoInformazione, TipoVoce, VoceScheda


@dataclass(frozen=True)
class Genere:
    disponibili: Callable[[], QuerySet]
    per_mostrare: Callable[[], QuerySet]
    titolo: Callable[[Model], str]
    non_disponibile: str


def _punti_per_mostrare() -> QuerySet[PuntoInformazione]:
    from .selectors import punto_list

    return punto_list().filter(attivo=True)


GENERI: dict[str, Genere] = {
    TipoVoce.SERVIZIO: Genere(
        disponibili=lambda: Servizio.objects.filter(stato=StatoServizio.PUBBLICATO),
        per_mostrare=lambda: servizio_list(pubblicati=True),
        titolo=lambda servizio: servizio.titolo,
        non_disponibile=_("Nessun servizio pubblicato con id %(id)s."),
    ),
    TipoVoce.PIT: Genere(
        disponibili=lambda: PuntoInformazione.objects.filter(attivo=True),
        per_mostrare=_punti_per_mostrare,
        titolo=lambda punto: punto.nome,
        non_disponibile=_("Nessun punto informativo attivo con id %(id)s."),
    ),
    # An agreement is worth handing out only while it can be used: published and within
    # its dates (one that expires later shows as no longer available on the sheet).
    TipoVoce.CONVENZIONE: Genere(
        disponibili=lambda: filter_valide_il(Convenzione.objects.all()),
        per_mostrare=lambda: filter_valide_il(convenzione_list()),
        titolo=lambda convenzione: convenzione.titolo,
        non_disponibile=_("Nessuna convenzione valida oggi con id %(id)s."),
    ),
}


def check_voce(tipo: str, oggetto_id: int) -> str:
    """The title of the object an item points at; ValidationError if a sheet cannot hold it."""
    genere = GENERI.get(tipo)
    if genere is None:
        raise ValidationError({"tipo": _("Tipo di voce sconosciuto: %(t)s.") % {"t": tipo}})
    oggetto = genere.disponibili().filter(pk=oggetto_id).first()
    if oggetto is None:
        raise ValidationError({"oggetto_id": genere.non_disponibile % {"id": oggetto_id}})
    return genere.titolo(oggetto)[:200]


def oggetti_delle_voci(voci: Iterable[VoceScheda]) -> dict[tuple[str, int], Model]:
    """The objects the items point at, as shown to the citizen, by (kind, id): one query
    per kind, whichever sheets the items are of. Those no longer available are missing."""
    per_tipo: dict[str, set[int]] = {}
    for voce in voci:
        per_tipo.setdefault(voce.tipo, set()).add(voce.oggetto_id)
    return {
        (tipo, oggetto.pk): oggetto
        for tipo, ids in per_tipo.items()
        if tipo in GENERI
        for oggetto in GENERI[tipo].per_mostrare().filter(pk__in=ids)
    }


def voci_con_oggetti(
    voci: Iterable[VoceScheda], oggetti: dict[tuple[str, int], Model] | None = None
) -> list[tuple[VoceScheda, Model | None]]:
    """Each item with its object as shown to the citizen (None if no longer available);
    `oggetti`: those already read for several sheets (oggetti_delle_voci)."""
    voci = list(voci)
    if oggetti is None:
        oggetti = oggetti_delle_voci(voci)
    return [(voce, oggetti.get((voce.tipo, voce.oggetto_id))) for voce in voci]
