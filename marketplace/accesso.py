"""One login for the whole site, and what each logged-in user can reach from it.

Every working area keeps its own permission rules (`punti_informazione.permissions`,
`convenzioni.permissions`, the admin's staff flag); this module only asks them, so
that the navigation shows a user the areas they may open and the login lands them
in the first one, instead of each area having a login of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from convenzioni.permissions import editable_enti, reti_moderate
from punti_informazione.permissions import can_use_console

from .tentativi import Tentativi


@dataclass(frozen=True)
class Area:
    """A working area of the site: its key, its name in the navigation, its address."""

    chiave: str
    nome: str
    url: str


def aree_utente(user) -> list[Area]:
    """The areas this user may open, in the order the navigation shows them."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    aree = []
    if can_use_console(user):
        aree.append(Area("console", _("Console dei PIT"), reverse("pit:console")))
    if editable_enti(user).exists():
        aree.append(
            Area("gestione", _("Le convenzioni del mio ente"), reverse("convenzioni:gestione"))
        )
    if reti_moderate(user).exists():
        aree.append(
            Area("moderazione", _("Moderazione convenzioni"), reverse("convenzioni:moderazione"))
        )
    if user.is_staff:
        aree.append(Area("admin", _("Amministrazione"), reverse("admin:index")))
    return aree


class AccediForm(AuthenticationForm):
    """Django's login form, with the wrong passwords of the address counted: when it has
    tried too many, no password is checked and `troppi_tentativi` is set."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.tentativi = Tentativi(request, "accesso", settings.ACCESSO_TENTATIVI)
        self.troppi_tentativi = False

    def clean(self):
        minuti = self.tentativi.minuti_di_attesa()
        if minuti:
            self.troppi_tentativi = True
            raise ValidationError(
                ngettext(
                    "Troppi tentativi di accesso sbagliati da questa connessione: "
                    "riprova fra %(n)d minuto.",
                    "Troppi tentativi di accesso sbagliati da questa connessione: "
                    "riprova fra %(n)d minuti.",
                    minuti,
                )
                % {"n": minuti},
                code="troppi_tentativi",
            )
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                self.tentativi.fallito()
            raise


class AccediView(auth_views.LoginView):
    """`/accedi/`: operators, referents, administrators and curators; `next` is respected
    (within the site), otherwise the user lands in the first area they may open.

    A user already logged in sees the form again (with a word about it) rather than
    being sent on: a page they may not open sends them here, and back would be a loop.
    """

    template_name = "marketplace/accedi.html"
    form_class = AccediForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.troppi_tentativi:
            response.status_code = 429
        return response

    def get_default_redirect_url(self) -> str:
        aree = aree_utente(self.request.user)
        return aree[0].url if aree else reverse("home")


class EsciView(auth_views.LogoutView):
    """`/esci/` (POST, as Django requires): back to the map."""

    next_page = "home"
