"""What an operator may write on a sheet: notes about services, never about the person."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A personal fiscal code (16 characters), an e-mail address, a telephone number
# (nine digits or more, spaces, dots and dashes allowed between them). The
# contacts of a service or a PIT are printed with it: a note never needs them.
_CODICE_FISCALE = re.compile(r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_TELEFONO = re.compile(r"(?:\+?\d[\s./-]?){9,}")


def validate_nota_anonima(value: str) -> None:
    if _CODICE_FISCALE.search(value):
        raise ValidationError(
            _("La nota contiene un codice fiscale: non scrivere i dati della persona."),
            code="codice_fiscale",
        )
    if _EMAIL.search(value) or _TELEFONO.search(value):
        raise ValidationError(
            _(
                "La nota contiene un indirizzo e-mail o un numero di telefono: non scrivere "
                "i contatti della persona (quelli del servizio sono già sulla scheda)."
            ),
            code="contatto",
        )
