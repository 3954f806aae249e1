"""One login for the whole site: `/accedi/`, where it leads, and what the navigation offers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.convenzioni.builders import make_rete
from tests.punti_informazione.builders import (
    make_amministratore_ambito,
    make_amministratore_rete,
    make_operatore,
    make_punto,
    make_user,
)
from tests.servizi.builders import make_ente

pytestmark = pytest.mark.django_db

PASSWORD = "una-password-lunga"


def login(client, username: str, next_url: str | None = None, **extra):
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accedi/", data, **extra)


def nav_areas(html: str) -> list[str]:
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    return [part.split('"')[0] for part in nav.split('data-area="')[1:]]


def test_the_login_page_says_who_needs_an_account(client):
    response = client.get("/accedi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Accedi</h1>" in html
    assert "Per cercare servizi e convenzioni non serve un account." in html
    assert 'autocomplete="current-password"' in html
    english = client.get("/accedi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in english and "You need no account" in english


def test_the_old_logins_of_the_console_and_of_the_agreements_lead_to_the_one_login(client):
    for old in ("/pit/accedi/", "/convenzioni/accedi/", "/admin/login/"):
        response = client.get(old, {"next": "/pit/"})
        assert response.status_code == 302
        assert response["Location"] == "/accedi/?next=%2Fpit%2F", old


def test_every_area_asks_for_the_one_login_and_comes_back_after_it(client):
    make_operatore(make_punto(), user=make_user("operatrice"))
    for area in ("/pit/", "/pit/osservatorio/", "/convenzioni/gestione/"):
        assert client.get(area)["Location"] == f"/accedi/?next={area}"
    response = login(client, "operatrice", next_url="/pit/osservatorio/")
    assert response.status_code == 302 and response["Location"] == "/pit/osservatorio/"


def test_a_next_outside_the_site_is_not_followed(client):
    make_operatore(make_punto(), user=make_user("operatrice"))
    response = login(client, "operatrice", next_url="https://evil.example/")
    assert response["Location"] == "/pit/"


def test_without_next_each_user_lands_in_their_first_area(client):
    make_operatore(make_punto(), user=make_user("operatrice"))
    referente = make_user("referente")
    make_ente().referenti.add(referente)
    moderatore = make_user("moderatore")
    make_rete().amministratori.add(moderatore)
    make_user("nessuno")
    landings = {}
    for username in ("operatrice", "referente", "moderatore", "nessuno"):
        landings[username] = login(client, username)["Location"]
        client.post("/esci/")
    assert landings == {
        "operatrice": "/pit/",
        "referente": "/convenzioni/gestione/",
        "moderatore": "/convenzioni/moderazione/",
        "nessuno": "/",
    }


def test_a_wrong_password_is_refused_and_the_username_is_kept(client):
    make_user("operatrice")
    response = client.post("/accedi/", {"username": "operatrice", "password": "sbagliata"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "e password corretti" in html
    assert 'value="operatrice"' in html


def test_logout_is_a_post_and_goes_back_to_the_map(client):
    make_user("operatrice")
    login(client, "operatrice")
    assert client.get("/esci/").status_code == 405
    response = client.post("/esci/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_navigation_shows_what_the_user_can_reach(client):
    html = client.get("/").content.decode()
    assert nav_areas(html) == []
    assert 'href="/accedi/?next=/"' in html

    operatrice = make_operatore(make_punto(), user=make_user("operatrice"))
    client.force_login(operatrice)
    html = client.get("/").content.decode()
    assert nav_areas(html) == ["console"]
    assert 'Esci<span class="nome-utente"> (operatrice)</span>' in html
    assert 'href="/accedi/' not in html

    ambito = make_amministratore_ambito("san-donato-milanese", user=make_user("ambito"))
    client.force_login(ambito)
    assert nav_areas(client.get("/").content.decode()) == ["console"]

    referente = make_user("referente")
    make_ente().referenti.add(referente)
    client.force_login(referente)
    assert nav_areas(client.get("/").content.decode()) == ["gestione"]

    # The demo's "demo.rete": PIT network administrator and moderator of a company network.
    rete = make_amministratore_rete(make_user("rete"))
    make_rete().amministratori.add(rete)
    client.force_login(rete)
    assert nav_areas(client.get("/").content.decode()) == ["console", "moderazione"]

    redazione = make_user("redazione", is_staff=True)
    redazione.user_permissions.add(Permission.objects.get(codename="cura_catalogo"))
    client.force_login(redazione)
    assert nav_areas(client.get("/").content.decode()) == ["gestione", "moderazione", "admin"]


def test_the_current_area_is_marked_in_the_navigation(client):
    client.force_login(make_operatore(make_punto(), user=make_user("operatrice")))
    html = client.get("/pit/consultazioni/").content.decode()
    assert 'href="/pit/" data-area="console" aria-current="page"' in html


def test_a_logged_in_user_who_cannot_open_a_page_is_told_on_the_login_page(client):
    client.force_login(make_user("nessuno"))
    response = client.get("/accedi/", {"next": "/admin/"})
    assert response.status_code == 200  # no loop back to the page they cannot open
    assert "Sei già entrato come nessuno" in response.content.decode()


@pytest.fixture
def three_tries(settings):
    settings.ACCESSO_TENTATIVI = "3/15m"


def _wrong(client, username="operatrice", **extra):
    return client.post("/accedi/", {"username": username, "password": "sbagliata"}, **extra)


def test_after_too_many_wrong_passwords_the_address_must_wait(client, three_tries):
    make_user("operatrice")
    for _ in range(3):
        assert _wrong(client).status_code == 200
    response = login(client, "operatrice")  # the right password: not even checked now
    assert response.status_code == 429
    error = response.context["form"].non_field_errors()[0]
    assert "Troppi tentativi di accesso sbagliati da questa connessione: riprova fra" in error
    assert "_auth_user_id" not in client.session
    assert 'value="operatrice"' in response.text  # the username typed stays


def test_wrong_passwords_count_for_every_username_of_the_address(client, three_tries):
    make_user("operatrice")
    for username in ("anna", "bruno", "carla"):
        _wrong(client, username, REMOTE_ADDR="192.0.2.1")
    assert login(client, "operatrice", REMOTE_ADDR="192.0.2.1").status_code == 429
    # Another address logs in.
    assert login(client, "operatrice", REMOTE_ADDR="192.0.2.2").status_code == 302


def test_logging_in_does_not_count(client, three_tries):
    make_user("operatrice")
    for _ in range(5):
        assert login(client, "operatrice").status_code == 302
        client.logout()
