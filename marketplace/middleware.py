"""Requests whose values hold the NUL character are refused with a 400 naming the field.

PostgreSQL stores no NUL in text, and refuses it even as a value to compare with: a form
or an API field that looks a value up (a category's code, a Comune's ISTAT code, an
Ente by id sent as text) failed with a database error, a 500, wherever its own checks
let it through. No real input holds NUL, so it is refused once, here, for every page and
every API: in the query string, in form fields and in JSON bodies, keys included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

NUL = "\x00"
NUL_REFUSED = _("Il carattere NUL (0x00) non è ammesso.")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _in_query_dict(values) -> str | None:
    for name, items in values.lists():
        if NUL in name or any(NUL in item for item in items):
            return name
    return None


def _in_json(value, path: str = "") -> Iterator[str]:
    """The paths (`field`, `field.0.nota`) of the strings and keys holding NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield inner
            yield from _in_json(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, f"{path}.{index}" if path else str(index))


def field_with_nul(request: HttpRequest) -> str | None:
    """The first field of the request whose name or value holds NUL ("" for a JSON body
    that is itself such a string), None when there is none."""
    name = _in_query_dict(request.GET)
    if name is not None:
        return name
    content_type = request.content_type or ""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    if content_type in FORM_TYPES:
        try:
            return _in_query_dict(request.POST)
        except (MultiPartParserError, UnicodeDecodeError):
            return None  # a body the view's own parser refuses, with its own error
    if content_type.endswith("json"):
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return None  # not JSON: the view's parser says so
        return next(_in_json(body), None)
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = str(NUL_REFUSED)
        if request.path.startswith("/api/"):
            return JsonResponse({field or "non_field_errors": [message]}, status=400)
        return HttpResponseBadRequest(
            f"<!doctype html><title>400</title><p>{escape(field)}: {escape(message)}</p>",
            content_type="text/html; charset=utf-8",
        )
