"""Request-parameter fields shared by the APIs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class BooleanParam(serializers.BooleanField):
    """true/false (or 1/0, yes/no, …) with an error message translated in Italian too."""

    default_error_messages = {
        "invalid": _("Deve essere un valore booleano valido: true o false."),
    }
