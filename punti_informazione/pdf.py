"""The orientation sheet as a PDF: WeasyPrint renders the same template as the print page.

Static files are read from disk through the staticfiles finders; WeasyPrint
fetches nothing else (no network, no other local file).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

TEMPLATE = "punti_informazione/scheda_stampa.html"
_BASE = "https://pit.invalid/"  # never resolves: every URL of the page goes to the fetcher


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            prefix = _BASE + settings.STATIC_URL.lstrip("/")
            if not url.startswith(prefix):
                raise ValueError(f"not fetched: {url}")
            body = _static_file(url[len(prefix) :].split("?")[0])
            content_type = "text/css" if url.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher()


def _static_file(name: str) -> bytes:
    """A static file from the apps' folders, or (in production) the collected, hashed one."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    raise ValueError(f"no static file {name}")


def scheda_pdf_bytes(request, context: dict) -> bytes:
    import weasyprint  # imported on use: loading Pango takes a moment

    html = render_to_string(TEMPLATE, {**context, "per_pdf": True}, request=request)
    return weasyprint.HTML(string=html, base_url=_BASE, url_fetcher=_fetcher()).write_pdf()
