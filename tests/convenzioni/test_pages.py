"""The pages: a referent writes and submits, a moderator approves, a worker finds and uses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from convenzioni import views as convenzioni_views
from convenzioni.models import Convenzione
from tests.convenzioni.builders import dati_modulo, make_convenzione, oggi
from tests.servizi.builders import make_servizio

pytestmark = pytest.mark.django_db


def _form(rete, **fields) -> dict:
    return dati_modulo(
        **{"titolo": "Sconto sul centro estivo", "reti_beneficiarie": [rete.pk], **fields}
    )


def test_a_referent_creates_a_draft_and_submits_it(client, referente, ente, rete):
    client.force_login(referente)
    page = client.get("/convenzioni/gestione/nuova/")
    assert page.status_code == 200
    response = client.post("/convenzioni/gestione/nuova/", _form(rete, ente=ente.pk))
    convenzione = Convenzione.objects.get()
    assert response["Location"] == f"/convenzioni/{convenzione.pk}/"
    assert (convenzione.ente, convenzione.stato) == (ente, "bozza")
    assert list(convenzione.reti_beneficiarie.all()) == [rete]

    client.post(f"/convenzioni/{convenzione.pk}/invia/")
    assert Convenzione.objects.get().stato == "in_revisione"


def test_who_edits_many_entes_searches_the_ente_first_then_sees_only_its_services(
    client, curatore, ente, altro_ente, rete, monkeypatch
):
    """The editorial staff edit every Ente: the form would list them all, and all their
    services (at a million services it did not finish). They pick the Ente by name."""
    monkeypatch.setattr(convenzioni_views, "MAX_ENTI_NEL_MODULO", 1)
    make_servizio(ente=ente, titolo="Centro estivo Il Girasole")
    make_servizio(ente=altro_ente, titolo="Lavaggio a secco")
    client.force_login(curatore)

    chooser = client.get("/convenzioni/gestione/nuova/", {"cerca": "girasole"})
    assert chooser.status_code == 200
    assert f'href="?ente={ente.pk}"' in chooser.content.decode()
    assert f'href="?ente={altro_ente.pk}"' not in chooser.content.decode()

    url = f"/convenzioni/gestione/nuova/?ente={ente.pk}"
    form = client.get(url).content.decode()
    assert "Centro estivo Il Girasole" in form and "Lavaggio a secco" not in form
    response = client.post(url, _form(rete, ente=ente.pk))
    assert response.status_code == 302
    assert Convenzione.objects.get().ente == ente


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"ente": "abc"}, "Nessun ente che puoi modificare ha id «abc»."),
        ({"ente": "9" * 30}, "Nessun ente che puoi modificare ha id"),
        ({"cerca": "Nessuno così"}, "Nessun ente che puoi modificare ha «Nessuno così» nel nome."),
    ],
)
def test_a_wrong_ente_or_search_is_named_on_the_chooser(
    client, curatore, ente, altro_ente, monkeypatch, query, message
):
    monkeypatch.setattr(convenzioni_views, "MAX_ENTI_NEL_MODULO", 1)
    client.force_login(curatore)
    response = client.get("/convenzioni/gestione/nuova/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_bad_input_on_the_form_names_the_field_and_keeps_what_was_typed(
    client, referente, ente, rete
):
    client.force_login(referente)
    response = client.post(
        "/convenzioni/gestione/nuova/",
        _form(
            rete,
            ente=ente.pk,
            percentuale="120",
            data_fine=(oggi() - timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "precede quella di inizio" in errors["data_fine"][0]
    assert "al massimo 100" in errors["percentuale"][0]
    assert 'value="Sconto sul centro estivo"' in response.text
    assert not Convenzione.objects.exists()


def test_a_network_the_ente_may_not_target_is_an_error_on_the_form(client, referente, ente, rete):
    from tests.convenzioni.builders import make_rete

    estranea = make_rete(nome="Rete Estranea")
    client.force_login(referente)
    response = client.post(
        "/convenzioni/gestione/nuova/", _form(rete, ente=ente.pk, reti_beneficiarie=[estranea.pk])
    )
    errors = response.context["form"].errors
    assert "non può rivolgere convenzioni a: Rete Estranea" in errors["reti_beneficiarie"][0]
    assert not Convenzione.objects.exists()


def test_editing_a_published_agreement_on_the_page_needs_a_new_review(
    client, referente, ente, rete
):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    client.force_login(referente)
    data = _form(rete, titolo="Titolo nuovo", data_inizio=convenzione.data_inizio.isoformat())
    response = client.post(f"/convenzioni/{convenzione.pk}/modifica/", data)
    assert response.status_code == 200
    assert "rimandata in revisione" in response.context["form"].errors["titolo"][0]
    assert Convenzione.objects.get().titolo == "Sconto sul doposcuola"

    client.post(f"/convenzioni/{convenzione.pk}/modifica/", {**data, "rimetti_in_revisione": "on"})
    saved = Convenzione.objects.get()
    assert (saved.titolo, saved.stato) == ("Titolo nuovo", "in_revisione")


def test_a_moderator_approves_and_rejects_from_the_moderation_page(
    client, amministratore, ente, rete
):
    prima = make_convenzione(ente=ente, reti=[rete], stato="in_revisione", titolo="Prima")
    seconda = make_convenzione(ente=ente, reti=[rete], stato="in_revisione", titolo="Seconda")
    client.force_login(amministratore)
    client.post(f"/convenzioni/{prima.pk}/approva/", {"next": "/convenzioni/moderazione/"})
    response = client.post(f"/convenzioni/{seconda.pk}/respingi/", {"nota": ""}, follow=True)
    assert "Scrivi il motivo" in response.text
    client.post(f"/convenzioni/{seconda.pk}/respingi/", {"nota": "Date da rivedere"})
    stati = dict(Convenzione.objects.values_list("titolo", "stato"))
    assert stati == {"Prima": "pubblicata", "Seconda": "bozza"}
    assert Convenzione.objects.get(titolo="Seconda").nota_moderazione == "Date da rivedere"


def test_a_worker_picks_the_company_and_sees_the_agreements_valid_for_them(
    client, ente, rete, membro, estranea
):
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="Per la rete")
    page = client.get("/convenzioni/")
    assert "Scegli la tua impresa" in page.text

    response = client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    assert response["Location"] == "/convenzioni/"
    page = client.get("/convenzioni/").text
    assert "Officine Lambro" in page and "Per la rete" in page


def test_a_worker_of_a_company_outside_the_network_cannot_choose_it_and_sees_nothing(
    client, ente, rete, estranea
):
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="Per la rete")
    response = client.post("/convenzioni/la-mia-impresa/", {"impresa": estranea.pk})
    assert response.status_code == 200
    assert "impresa" in response.context["form"].errors
    assert "Per la rete" not in client.get("/convenzioni/").text


def test_a_worker_can_enter_the_networks_join_code_instead(client, ente, rete):
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="Per la rete")
    response = client.post("/convenzioni/la-mia-impresa/", {"codice_adesione": "sudest-1"})
    assert response.status_code == 302
    assert "Per la rete" in client.get("/convenzioni/").text


def test_a_wrong_join_code_is_named(client, rete):
    response = client.post("/convenzioni/la-mia-impresa/", {"codice_adesione": "NOPE-99"})
    assert (
        "Nessuna rete ha il codice «NOPE-99»"
        in response.context["form"].errors["codice_adesione"][0]
    )


@pytest.fixture
def three_tries(settings):
    settings.CODICE_ADESIONE_TENTATIVI = "3/15m"


def _join(client, codice, **extra):
    return client.post("/convenzioni/la-mia-impresa/", {"codice_adesione": codice}, **extra)


def test_after_too_many_wrong_join_codes_the_address_must_wait(client, rete, ente, three_tries):
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="Per la rete")
    for codice in ("SUDEST-2", "SUDEST-3", "SUDEST-4"):
        assert "Nessuna rete ha il codice" in _join(client, codice).text
    response = _join(client, "SUDEST-1")  # the right one: not even looked up now
    assert response.status_code == 429
    error = response.context["form"].errors["codice_adesione"][0]
    waiting = re.search(r"Troppi codici sbagliati da questa connessione: riprova fra (\d+) ", error)
    assert 1 <= int(waiting[1]) <= 15  # the count's window began at most 15 minutes ago
    assert 'value="SUDEST-1"' in response.text  # what was typed stays in the field
    assert "Per la rete" not in client.get("/convenzioni/").text


def test_right_codes_and_chosen_companies_do_not_count_and_still_work(
    client, rete, membro, three_tries
):
    for _ in range(5):
        assert _join(client, "sudest-1").status_code == 302
    for codice in ("SUDEST-2", "SUDEST-3", "SUDEST-4"):
        _join(client, codice)
    assert _join(client, "SUDEST-1").status_code == 429
    chosen = client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    assert chosen.status_code == 302


def test_wrong_codes_are_counted_per_client_address(client, rete, three_tries):
    for codice in ("SUDEST-2", "SUDEST-3", "SUDEST-4"):
        _join(client, codice, REMOTE_ADDR="192.0.2.1")
    assert _join(client, "SUDEST-1", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert _join(client, "SUDEST-1", REMOTE_ADDR="192.0.2.2").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_it_forwards(client, rete, three_tries, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for codice in ("SUDEST-2", "SUDEST-3", "SUDEST-4"):
        _join(client, codice, HTTP_X_REAL_IP="198.51.100.7")
    assert _join(client, "SUDEST-1", HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    assert _join(client, "SUDEST-1", HTTP_X_REAL_IP="198.51.100.8").status_code == 302


def test_behind_a_proxy_a_request_without_a_usable_address_is_counted_by_its_own(
    client, rete, three_tries, settings
):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    # Not through the proxy, and a header that is not an address: never a 500.
    _join(client, "SUDEST-2", REMOTE_ADDR="192.0.2.9")
    _join(client, "SUDEST-3", REMOTE_ADDR="192.0.2.9", HTTP_X_REAL_IP="unknown")
    _join(client, "SUDEST-4", REMOTE_ADDR="192.0.2.9", HTTP_X_REAL_IP="")
    assert _join(client, "SUDEST-1", REMOTE_ADDR="192.0.2.9").status_code == 429
    # A list of addresses: the first is the client's.
    forwarded = {"REMOTE_ADDR": "192.0.2.9", "HTTP_X_REAL_IP": "198.51.100.7, 10.0.0.1"}
    assert _join(client, "SUDEST-1", **forwarded).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "0", "per-me"])
def test_the_next_page_is_followed_only_within_the_site(client, membro, target):
    response = client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk, "next": target})
    assert response["Location"] == "/convenzioni/"


def test_an_action_goes_back_to_the_page_it_came_from_or_to_the_agreement(
    client, referente, ente, rete
):
    convenzione = make_convenzione(ente=ente, reti=[rete])
    client.force_login(referente)
    back = client.post(f"/convenzioni/{convenzione.pk}/invia/", {"next": "/convenzioni/gestione/"})
    assert back["Location"] == "/convenzioni/gestione/"
    client.post(f"/convenzioni/{convenzione.pk}/ritira/", {"nota": "Errore"})
    # A word is not a page (redirect() took it for the name of a view: a 500).
    word = client.post(f"/convenzioni/{convenzione.pk}/invia/", {"next": "0"})
    assert word["Location"] == f"/convenzioni/{convenzione.pk}/"


def test_the_detail_page_says_exactly_how_to_redeem(client, ente, rete, membro):
    convenzione = make_convenzione(
        ente=ente,
        reti=[rete],
        stato="pubblicata",
        modalita_riscatto="codice",
        codice_sconto="RETE10",
        istruzioni="Prenotare al telefono",
    )
    client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    page = client.get(f"/convenzioni/{convenzione.pk}/").text
    assert "RETE10" in page and "Prenotare al telefono" in page
    assert "Sconto del 10%" in page
    assert "Genera il mio codice" in page


def test_an_expired_agreement_is_shown_as_expired_without_a_redeem_button(
    client, ente, rete, membro
):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    Convenzione.objects.filter(pk=convenzione.pk).update(
        data_inizio=oggi() - timedelta(days=30), data_fine=oggi() - timedelta(days=1)
    )
    client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    page = client.get(f"/convenzioni/{convenzione.pk}/").text
    assert "Stato: Scaduta" in page
    assert "Genera il mio codice" not in page
