"""Validators of what is entered: Italian identifiers, through python-stdnum (check digits
included), and the days of schedules, agreements and consultations."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva


def normalizza_codice(value: str) -> str:
    return "".join(value.split()).upper()


def validate_codice_fiscale_o_partita_iva(value: str) -> None:
    """A fiscal code: 16 characters (a person, e.g. a sole trader) or 11 digits (a body)."""
    code = normalizza_codice(value)
    if len(code) == 11 and code.isdigit():
        valid = iva.is_valid(code)
    elif len(code) == 16:
        try:
            codicefiscale.validate(code)
            valid = True
        except StdnumError:
            valid = False
    else:
        raise ValidationError(
            _("Il codice fiscale ha 16 caratteri (persona) o 11 cifre (ente o impresa)."),
            code="invalid_length",
        )
    if not valid:
        raise ValidationError(
            _("Codice fiscale non valido: il carattere di controllo non corrisponde."),
            code="invalid_checksum",
        )


# The years a day entered may fall in: the catalogue, its agreements and its consultations
# are about the present. A slip of the keys ("0226", "2206") was stored as typed and made
# an agreement silently never valid, a closure never met.
PLAUSIBLE_YEARS = (2000, 2099)


def validate_plausible_date(value: date | None) -> None:
    first, last = PLAUSIBLE_YEARS
    if value is not None and not first <= value.year <= last:
        raise ValidationError(
            _("Anno fuori scala (%(anno)s): scrivi una data fra il %(primo)s e il %(ultimo)s."),
            code="anno_fuori_scala",
            params={"anno": value.year, "primo": first, "ultimo": last},
        )


def validate_partita_iva(value: str) -> None:
    code = normalizza_codice(value)
    if len(code) != 11 or not code.isdigit():
        raise ValidationError(_("La partita IVA ha 11 cifre."), code="invalid_length")
    if not iva.is_valid(code):
        raise ValidationError(
            _("Partita IVA non valida: la cifra di controllo non corrisponde."),
            code="invalid_checksum",
        )
