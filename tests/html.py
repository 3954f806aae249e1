"""Reading what a page embeds for machines: its schema.org JSON-LD, its json_script data,
the scripts and stylesheets it loads."""

from __future__ import annotations

import json
import re


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


def script_json(html: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def loaded_assets(html: str) -> list[str]:
    """The addresses of the page's scripts and stylesheets."""
    assets = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assets += re.findall(r'<link[^>]* rel="stylesheet"[^>]* href="([^"]+)"', html)
    assets += re.findall(r'<link[^>]* href="([^"]+)"[^>]* rel="stylesheet"', html)
    return assets


def assert_assets_are_our_own(html: str) -> None:
    """Every script and stylesheet comes from our static files, none from a CDN. (A
    search for "cdn" anywhere in the page failed when a CSRF token happened to hold it.)"""
    assets = loaded_assets(html)
    assert all(url.startswith("/static/") for url in assets), assets
