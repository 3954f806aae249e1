"""Template helpers of the public site: data credits, structured data, category names, schedules,
the areas a logged-in user can reach."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from marketplace import accesso, ricerca_client, scheda

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the script element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def attribuzione_dati() -> str:
    """The credit the boundary data's licence asks for, on every page."""
    return settings.DATA_ATTRIBUTION


@register.filter
def json_ld(value: dict) -> SafeString:
    """A schema.org description as a <script type="application/ld+json"> element."""
    payload = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    # Safe: <, > and & are escaped above, as json_script does.
    return mark_safe(
        f'<script type="application/ld+json">{payload.translate(_SCRIPT_ESCAPES)}</script>'
    )


@register.filter
def nome_tradotto(categoria) -> str:
    """A category's name in the reader's language (the English one, where it is given)."""
    if (get_language() or "").startswith("en") and getattr(categoria, "nome_en", ""):
        return categoria.nome_en
    return categoria.nome


@register.simple_tag
def stato_apertura(orario):
    """Open now (and until when) or closed (and when it opens next); None without schedule."""
    return scheda.stato_apertura(orario) if orario is not None else None


@register.inclusion_tag("marketplace/scheda/_orario.html")
def orario_scheda(orario):
    """The schedule block: the week, whether it is open now, the coming exceptions, notes."""
    if orario is None:
        return {"orario": None}
    return {
        "orario": orario,
        "settimana": scheda.settimana(orario),
        "stato": scheda.stato_apertura(orario),
        "eccezioni": scheda.eccezioni_prossime(orario),
    }


@register.simple_tag
def partenza_query(da) -> str:
    """`?da=lat,lon` for links between detail pages, keeping the reader's starting point."""
    return f"?da={da.y:.6f},{da.x:.6f}" if da is not None else ""


@register.simple_tag(takes_context=True)
def aree_utente(context) -> list[tuple[accesso.Area, bool]]:
    """The working areas the user may open, each with whether the page is in it."""
    request = context.get("request")
    if request is None:
        return []
    return [(area, request.path.startswith(area.url)) for area in accesso.aree_utente(request.user)]


@register.simple_tag
def dati_ricerca() -> SafeString:
    """What the site's search client (ricerca.js) reads from the page: its words in the
    reader's language and the address of each kind of result's page."""
    return json_script(ricerca_client.messaggi(), "messaggi-ricerca") + json_script(
        ricerca_client.schede_url(), "schede-url"
    )
