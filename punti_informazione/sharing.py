"""The QR code of a sheet's shared link, as inline SVG (browsers and WeasyPrint draw it)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(link: str, *, scale: int = 3) -> SafeString:
    # Error correction "M" (15%) survives a crumpled or smudged print; no XML
    # declaration, so that the SVG can sit inside the page. segno escapes nothing
    # it does not produce itself: the link is only encoded as modules.
    svg = segno.make(link, error="m").svg_inline(scale=scale, title="QR", border=2)
    return mark_safe(svg)
