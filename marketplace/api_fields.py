"""Request-parameter fields shared by the APIs."""

from __future__ import annotations

import copy

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class BooleanParam(serializers.BooleanField):
    """true/false (or 1/0, yes/no, …) with an error message translated in Italian too."""

    default_error_messages = {
        "invalid": _("Deve essere un valore booleano valido: true o false."),
    }


class FieldsCopiedShallowly:
    """A parameters serializer whose fields are copied shallowly for each request.

    DRF gives every serializer instance a deep copy of the declared fields, rebuilt from
    their arguments, so that one request may change its fields without touching the
    next's. A parameters serializer never changes them, and the search's twenty-odd
    parameters cost 0.8 ms per request that way, more than the cheapest query's SQL.
    Here the deep copy is made once per language (a field's range validators keep the
    first wording of their message), and each instance gets a shallow copy of it to
    bind, sharing its settings (choices, validators, messages), which validation only
    reads.
    """

    _prototypes: dict = {}  # (serializer class, language) -> its fields

    def get_fields(self):
        key = (type(self), get_language())
        prototypes = self._prototypes.get(key)
        if prototypes is None:
            prototypes = self._prototypes[key] = copy.deepcopy(self._declared_fields)
        return {name: copy.copy(field) for name, field in prototypes.items()}
