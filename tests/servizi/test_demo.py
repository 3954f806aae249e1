"""The demo catalogue (`load_demo_data`): what it promises, checked on the real territory.

The demo is loaded once for the module, inside a transaction that is rolled back at
the end; each test runs in a savepoint of its own, so reloads and resets stay local.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from stdnum import luhn
from stdnum.it import iva

from geo_data.models import Ambito, Comune
from servizi import demo as demo_module
from servizi import orari
from servizi.demo import (
    DEMO_USERS,
    REDAZIONE,
    REFERENTE,
    REFERENTE_ENTE,
    delete_demo,
    demo_enti,
    load_demo,
)
from servizi.models import (
    Categoria,
    Costo,
    Destinatario,
    Ente,
    Orario,
    Sede,
    Servizio,
    StatoServizio,
    TipoEnte,
)
from servizi.permissions import can_edit_ente, editable_enti, is_curator
from servizi.seed import CATEGORIE_FILE
from servizi.services import ente_create

pytestmark = pytest.mark.django_db

ROOTS = [entry["codice"] for entry in json.loads(CATEGORIE_FILE.read_text(encoding="utf-8"))]
LEAVES = [
    figlia["codice"]
    for entry in json.loads(CATEGORIE_FILE.read_text(encoding="utf-8"))
    for figlia in entry.get("figlie", [])
]
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def codice_fiscale(serial: int) -> str:
    """A valid 11-digit code outside the demo's ranges (serial, Milan office 015, check)."""
    first_ten = f"55{serial:05d}015"
    return first_ten + luhn.calc_check_digit(first_ten)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once; `before` holds the row counts from just before loading."""
    with django_db_blocker.unblock(), transaction.atomic():
        models = (Ente, Sede, Servizio, Orario)
        before = {model: model.objects.count() for model in models}
        result = load_demo()
        yield SimpleNamespace(result=result, before=before)
        transaction.set_rollback(True)


def servizi():
    return Servizio.objects.filter(ente__in=demo_enti())


def sedi():
    return Sede.objects.filter(ente__in=demo_enti())


def snapshot() -> dict:
    """What a reload must reproduce: providers, places, services and their texts."""
    return {
        "enti": sorted(demo_enti().values_list("codice_fiscale", "nome", "tipo")),
        "sedi": sorted(
            (s.ente.codice_fiscale, s.nome, s.indirizzo, s.cap, s.comune_id, s.punto.coords)
            for s in sedi().select_related("ente")
        ),
        "servizi": sorted(
            servizi().values_list(
                "ente__codice_fiscale", "titolo", "descrizione", "stato", "costo", "verificato_il"
            )
        ),
    }


# --------------------------------------------------------------------------- providers


def test_at_least_60_enti_of_the_three_kinds_each_well_represented(demo):
    per_tipo = demo.result.enti_per_tipo
    assert demo.result.caricati
    assert demo.result.enti >= 60
    assert per_tipo[TipoEnte.PUBBLICO] >= 12
    assert per_tipo[TipoEnte.TERZO_SETTORE] >= 20
    assert per_tipo[TipoEnte.IMPRESA] >= 18
    for tipo, count in per_tipo.items():
        assert demo_enti().filter(tipo=tipo).count() == count


def test_public_bodies_are_labelled_as_demo_and_the_rest_is_invented(demo):
    comuni_names = set(Comune.objects.filter(ambiti__isnull=False).values_list("nome", flat=True))
    for ente in demo_enti().filter(forma_giuridica="Comune"):
        assert ente.nome.endswith("(demo)"), ente.nome
        assert any(nome in ente.nome for nome in comuni_names), ente.nome
    assert demo_enti().filter(nome=REFERENTE_ENTE, tipo=TipoEnte.TERZO_SETTORE).exists()
    assert demo_enti().exclude(descrizione="").count() == demo.result.enti


def test_fiscal_codes_are_valid_distinct_and_vat_numbers_match_them(demo):
    codes = list(demo_enti().values_list("codice_fiscale", flat=True))
    assert len(codes) == len(set(codes)) == demo.result.enti
    for code in codes:
        assert len(code) == 11 and iva.is_valid(code), code
    with_vat = demo_enti().exclude(partita_iva="")
    assert with_vat.filter(tipo=TipoEnte.IMPRESA).count() >= 10
    for ente in with_vat:
        assert ente.partita_iva == ente.codice_fiscale


def test_most_enti_are_verified(demo):
    verified = demo_enti().filter(stato_verifica="verificato").count()
    assert verified >= 0.8 * demo.result.enti
    assert demo_enti().exclude(stato_verifica="verificato").exists()


def test_contacts_are_never_real(demo):
    def reserved(host: str) -> bool:
        return host.endswith(".example") or host in {"example.org", "www.example.org"}

    for rows in (demo_enti(), servizi()):
        for email, telefono, sito in rows.values_list("email", "telefono", "sito_web"):
            assert email and reserved(email.rsplit("@", 1)[1]), email
            assert telefono.startswith("02 0"), telefono  # no Milan number starts so
            assert not sito or reserved(urlsplit(sito).hostname), sito


# --------------------------------------------------------------------------- places


def test_every_place_lies_in_its_comune_and_that_comune_is_in_a_district(demo):
    assert demo.result.sedi == sedi().count() >= demo.result.enti
    members = set(Comune.objects.filter(ambiti__isnull=False).values_list("pk", flat=True))
    assert sedi().filter(comune__geometria__covers=F("punto")).count() == demo.result.sedi
    assert set(sedi().values_list("comune_id", flat=True)) <= members
    for ambito in Ambito.objects.all():
        assert sedi().filter(comune__ambiti=ambito).exists(), ambito.nome


def test_every_ente_has_one_to_three_places_with_plausible_addresses(demo):
    for ente in demo_enti().prefetch_related("sedi"):
        assert 1 <= len(ente.sedi.all()) <= 3, ente.nome
        for sede in ente.sedi.all():
            assert re.fullmatch(r"20\d{3}", sede.cap), sede.cap
            assert re.fullmatch(r"(Via|Viale|Piazza|Largo) .+ \d+", sede.indirizzo), sede.indirizzo
    flags = list(sedi().values_list("accesso_senza_barriere", "parcheggio"))
    assert len(set(flags)) > 1


# --------------------------------------------------------------------------- services


def test_at_least_200_services_covering_every_top_level_category(demo):
    assert len(ROOTS) == 9
    assert demo.result.servizi == servizi().count() >= 200
    assert list(demo.result.servizi_per_categoria) == ROOTS
    for root in ROOTS:
        assert demo.result.servizi_per_categoria[root] >= 10, root
    used = set(servizi().values_list("categorie__codice", flat=True))
    assert set(LEAVES) <= used
    assert used & set(ROOTS), "some services also sit in a top-level category"
    for servizio in servizi().prefetch_related("categorie"):
        assert 1 <= len(servizio.categorie.all()) <= 2, servizio.titolo


def test_services_read_like_a_catalogue(demo):
    titles = list(servizi().values_list("titolo", flat=True))
    assert len(titles) == len(set(titles))
    for titolo, descrizione in servizi().values_list("titolo", "descrizione"):
        assert "{" not in titolo + descrizione, titolo
        assert 2 <= len(SENTENCE_END.findall(descrizione)) <= 4, descrizione


def test_audience_ages_costs_and_languages(demo):
    valid_destinatari = set(Destinatario.values)
    for servizio in servizi().prefetch_related("categorie"):
        assert servizio.destinatari and set(servizio.destinatari) <= valid_destinatari
        if servizio.eta_min is not None and servizio.eta_max is not None:
            assert servizio.eta_min <= servizio.eta_max
        if any(c.codice == "infanzia.nido" for c in servizio.categorie.all()):
            assert servizio.eta_min is not None and servizio.eta_max is not None
        if servizio.costo != Costo.GRATUITO:
            assert "€" in servizio.costo_descrizione, servizio.titolo
        assert servizio.lingue[0] == "it"
    assert set(servizi().values_list("costo", flat=True)) == set(Costo.values)
    other_languages = {
        lingua for lingue in servizi().values_list("lingue", flat=True) for lingua in lingue
    } - {"it"}
    assert {"en", "ro", "ar", "lis"} <= other_languages
    assert servizi().filter(lingue=["it"]).count() > servizi().count() / 2


def test_places_of_a_service_belong_to_its_ente_and_home_services_cover_comuni(demo):
    for servizio in servizi().prefetch_related("sedi"):
        assert all(sede.ente_id == servizio.ente_id for sede in servizio.sedi.all())
    home = servizi().filter(comuni_copertura__isnull=False).distinct()
    assert home.count() >= 20
    assert home.filter(sedi=None).exists(), "some services are delivered only at home"
    members = set(Comune.objects.filter(ambiti__isnull=False).values_list("pk", flat=True))
    covered = set(home.values_list("comuni_copertura", flat=True))
    assert covered <= members
    assert servizi().filter(sedi=None, comuni_copertura=None).count() == 0


def test_mostly_published_a_few_drafts_and_archived_verified_within_two_years(demo):
    today = timezone.localdate()
    assert servizi().filter(stato=StatoServizio.BOZZA).count() == 10
    assert servizi().filter(stato=StatoServizio.ARCHIVIATO).count() == 5
    published = servizi().filter(stato=StatoServizio.PUBBLICATO)
    assert published.filter(verificato_il=None).count() == 0
    assert published.filter(verificato_il__lt=today - timedelta(days=731)).count() == 0
    stale = published.filter(verificato_il__lt=today - timedelta(days=365)).count()
    assert 0 < stale < published.count() / 2, "some, not most, are due for re-verification"


def test_services_have_schedules_that_parse_back(demo):
    night = closures = special = 0
    for servizio in (
        servizi().select_related("orario").prefetch_related("orario__fasce", "orario__eccezioni")
    ):
        assert servizio.orario is not None, servizio.titolo
        fasce = servizio.orario.fasce_logiche()
        assert fasce, servizio.titolo
        assert sorted(orari.parse_orario(orari.format_orario(fasce)), key=str) == sorted(
            fasce, key=str
        )
        night += any(f.chiusura < f.apertura for f in fasce)
        eccezioni = servizio.orario.eccezioni_logiche()
        closures += any(e.chiuso for e in eccezioni)
        special += any(not e.chiuso for e in eccezioni)
    assert night >= 2
    assert closures >= 50
    assert special >= 1
    descriptions = set(
        Orario.objects.filter(servizio__in=servizi()).values_list(
            "eccezioni__descrizione", flat=True
        )
    )
    assert {"Chiusura estiva", "Vacanze di Natale"} <= descriptions


def test_night_services_are_open_after_midnight(demo):
    for servizio in servizi().select_related("orario"):
        fasce = servizio.orario.fasce_logiche()
        eccezioni = servizio.orario.eccezioni_logiche()
        for slot in (f for f in fasce if f.chiusura < f.apertura):
            today = timezone.localdate()
            start = today + timedelta(days=(slot.giorno - today.weekday()) % 7 + 7)
            while any(e.copre(start) for e in eccezioni):
                start += timedelta(days=7)
            after_midnight = datetime.combine(start + timedelta(days=1), time(0, 30))
            assert servizio.orario.aperto_il(after_midnight), (servizio.titolo, slot)


def test_every_row_is_flagged_and_nothing_else_is_written(demo):
    assert Ente.objects.count() - demo.before[Ente] == demo.result.enti
    assert Sede.objects.count() - demo.before[Sede] == demo.result.sedi
    assert Servizio.objects.count() - demo.before[Servizio] == demo.result.servizi
    assert Orario.objects.count() - demo.before[Orario] == demo.result.servizi
    assert not demo_enti().filter(demo=False).exists()
    assert not sedi().filter(demo=False).exists()
    assert not servizi().filter(demo=False).exists()


def test_every_row_has_its_creation_in_the_history(demo):
    for model, rows in ((Ente, demo_enti()), (Sede, sedi()), (Servizio, servizi())):
        records = model.history.filter(id__in=rows.values("pk"))
        assert records.count() == rows.count()
        assert set(records.values_list("history_type", flat=True)) == {"+"}
    servizio = servizi().prefetch_related("categorie").first()
    record = servizio.history.get()
    assert {row.categoria_id for row in record.categorie.all()} == {
        c.pk for c in servizio.categorie.all()
    }


# --------------------------------------------------------------------------- reruns


def test_a_second_run_does_nothing_and_says_so(demo):
    before = snapshot()
    counts = (Ente.objects.count(), Sede.objects.count(), Servizio.objects.count())
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert "già presenti" in out.getvalue()
    assert (Ente.objects.count(), Sede.objects.count(), Servizio.objects.count()) == counts
    assert snapshot() == before
    assert load_demo().caricati is False


def test_reset_reloads_the_same_catalogue_and_touches_nothing_else(demo):
    before = snapshot()
    old_ids = set(servizi().values_list("pk", flat=True))
    mine = ente_create(  # a real provider, not demo
        nome="Cooperativa vera", tipo=TipoEnte.TERZO_SETTORE, codice_fiscale=codice_fiscale(1)
    )
    generated = ente_create(
        nome=f"{demo_module.GENERATED_PREFIX}Ente di benchmark",
        tipo=TipoEnte.IMPRESA,
        codice_fiscale=codice_fiscale(2),
        demo=True,
    )
    orari_before = Orario.objects.count()

    out = StringIO()
    call_command("load_demo_data", reset=True, stdout=out)

    assert out.getvalue().startswith("Dati dimostrativi caricati")
    assert snapshot() == before
    assert not old_ids & set(servizi().values_list("pk", flat=True))
    # The command also loads the demo PITs, with their own schedules.
    assert Orario.objects.filter(punto_informazione__isnull=True).count() == orari_before
    assert Ente.objects.filter(pk__in=[mine.pk, generated.pk]).count() == 2
    assert generated not in demo_enti()
    assert not Servizio.history.filter(id__in=old_ids).exists()
    result = load_demo()
    assert (result.enti, result.sedi, result.servizi) == (
        demo.result.enti,
        demo.result.sedi,
        demo.result.servizi,
    )


def test_the_generator_prefix_is_the_one_the_demo_leaves_alone():
    generator = pytest.importorskip("servizi.generator")
    assert generator.PREFIX == demo_module.GENERATED_PREFIX


# --------------------------------------------------------------------------- users


def test_the_demo_users_can_log_in_with_the_documented_passwords(demo):
    User = get_user_model()
    assert {u.username for u in DEMO_USERS} == {"demo.redazione", "demo.referente"}
    for demo_user in DEMO_USERS:
        user = User.objects.get(username=demo_user.username)
        assert user.check_password(demo_user.password)
        assert user.is_staff and user.is_active and not user.is_superuser
        assert user.groups.filter(name=demo_user.group).exists()


def test_the_editor_curates_the_whole_catalogue(demo):
    user = get_user_model().objects.get(username=REDAZIONE.username)
    assert is_curator(user)
    assert user.has_perms(
        [
            "servizi.cura_catalogo",
            "servizi.add_servizio",
            "servizi.change_ente",
            "servizi.view_categoria",
            "servizi.change_categoria",
        ]
    )
    assert editable_enti(user).count() == Ente.objects.count()


def test_the_referent_edits_only_the_chosen_ente(demo):
    user = get_user_model().objects.get(username=REFERENTE.username)
    assert not is_curator(user)
    assert not user.has_perm("servizi.cura_catalogo")
    for model in ("ente", "sede", "servizio", "orario", "fasciaoraria", "eccezioneorario"):
        for action in ("add", "change", "view"):
            assert user.has_perm(f"servizi.{action}_{model}"), (action, model)
    assert list(editable_enti(user)) == [Ente.objects.get(nome=REFERENTE_ENTE, demo=True)]
    other = demo_enti().exclude(nome=REFERENTE_ENTE).first()
    assert not can_edit_ente(user, other)


def test_users_and_groups_are_not_duplicated_by_a_reset(demo):
    call_command("load_demo_data", reset=True, stdout=StringIO())
    User = get_user_model()
    for demo_user in DEMO_USERS:
        assert User.objects.filter(username=demo_user.username).count() == 1
        user = User.objects.get(username=demo_user.username)
        assert user.groups.filter(name=demo_user.group).count() == 1


# --------------------------------------------------------------------------- production


@override_settings(PRODUCTION=True)
def test_production_refuses_unless_explicitly_allowed(demo):
    with pytest.raises(CommandError, match="produzione"):
        call_command("load_demo_data", stdout=StringIO())
    with pytest.raises(CommandError, match="produzione"):
        call_command("load_demo_data", reset=True, stdout=StringIO())
    assert servizi().count() == demo.result.servizi

    out = StringIO()
    call_command("load_demo_data", allow_production=True, stdout=out)
    assert "già presenti" in out.getvalue()


@override_settings(PRODUCTION=True)
def test_production_without_the_flag_writes_nothing(demo):
    delete_demo()
    get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS]).delete()
    with pytest.raises(CommandError):
        call_command("load_demo_data", stdout=StringIO())
    assert not demo_enti().exists()
    assert not get_user_model().objects.filter(username__startswith="demo.").exists()


def test_categories_come_from_the_seeded_taxonomy(demo):
    codes = set(Categoria.objects.values_list("codice", flat=True))
    assert set(ROOTS) | set(LEAVES) <= codes
