"""The observatory on known data: counts by need, by Comune, by month, the share
referred; the same through the page, the API and the CSV, scoped by permissions."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission

from geo_data.models import Comune
from punti_informazione.models import Consultazione
from punti_informazione.selectors import osservatorio
from tests.html import assert_assets_are_our_own
from tests.punti_informazione.builders import (
    MELEGNANO,
    ROZZANO,
    categoria,
    make_amministratore_ambito,
    make_consultazione,
    make_operatore,
    make_punto,
)

pytestmark = pytest.mark.django_db

PERIODO = {"dal": "2025-01-01", "al": "2025-03-31"}


@pytest.fixture
def dati():
    """Seven consultations in San Donato's Ambito, two in Rozzano's, one out of the period."""
    san_donato = make_punto(nome="Segretariato San Donato")
    melegnano = make_punto(nome="Sportello Melegnano", punto=MELEGNANO)
    rozzano = make_punto(nome="Patronato Rozzano", punto=ROZZANO)
    op = {p: make_operatore(p) for p in (san_donato, melegnano, rozzano)}
    nido, anziani, salva = (
        categoria("infanzia.nido"),
        categoria("anziani"),
        categoria("salva-tempo"),
    )
    sd, mel, roz = (Comune.objects.get(pk=c) for c in ("015192", "015140", "015189"))
    rows = [
        # PIT, day, needs, Comune, outcome
        (san_donato, date(2025, 1, 10), [nido], sd, "informazione"),
        (san_donato, date(2025, 1, 20), [nido, salva], sd, "invio_servizio"),
        (san_donato, date(2025, 2, 3), [anziani], mel, "invio_pit"),
        (melegnano, date(2025, 2, 14), [anziani], mel, "informazione"),
        (melegnano, date(2025, 3, 1), [nido], None, "invio_servizio"),
        (melegnano, date(2025, 3, 31), [salva], sd, "informazione"),
        (san_donato, date(2025, 3, 15), [anziani, nido], sd, "informazione"),
        (rozzano, date(2025, 1, 5), [anziani], roz, "invio_servizio"),
        (rozzano, date(2025, 2, 5), [nido], roz, "informazione"),
        (san_donato, date(2024, 12, 31), [nido], sd, "invio_servizio"),  # out of the period
    ]
    for punto, day, needs, comune, esito in rows:
        extra = {"punto_invio": rozzano} if esito == "invio_pit" else {}
        make_consultazione(
            punto,
            op[punto],
            data=day,
            bisogni=needs,
            comune_residenza=comune,
            esito=esito,
            **extra,
        )
    return type("Dati", (), {"op": op, "san_donato": san_donato, "rozzano": rozzano})


def as_dict(rows) -> dict:
    return {row.codice: row.consultazioni for row in rows}


def test_the_counts_on_known_data(dati):
    result = osservatorio(Consultazione.objects.all(), dal=date(2025, 1, 1), al=date(2025, 3, 31))
    assert result.totale == 9
    assert result.inviati == 4
    assert result.quota_inviati == pytest.approx(4 / 9, abs=1e-4)
    assert as_dict(result.per_categoria) == {"infanzia.nido": 5, "anziani": 4, "salva-tempo": 2}
    assert as_dict(result.per_comune) == {"015192": 4, "015140": 2, "015189": 2, "": 1}
    assert [(r.codice, r.consultazioni) for r in result.per_mese] == [
        ("2025-01", 3),
        ("2025-02", 3),
        ("2025-03", 3),
    ]


def test_for_an_ambito_through_the_api(client, dati):
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    body = client.get("/api/v1/osservatorio/", {**PERIODO, "ambito": "san-donato-milanese"}).json()
    assert body["totale"] == 7
    assert body["inviati"] == 3
    assert body["quota_inviati"] == pytest.approx(3 / 7, abs=1e-4)
    by_need = {r["codice"]: r["consultazioni"] for r in body["per_categoria"]}
    assert by_need == {"infanzia.nido": 4, "anziani": 3, "salva-tempo": 2}
    assert [r["consultazioni"] for r in body["per_mese"]] == [2, 2, 3]
    assert body["ambito"] == "san-donato-milanese"


def test_a_district_administrator_is_refused_another_ambito(client, dati):
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.get("/api/v1/osservatorio/", {**PERIODO, "ambito": "rozzano"})
    assert response.status_code == 403
    assert "Ambito di Rozzano" in response.json()["detail"]
    # Without an Ambito they get their own district, never the whole network.
    assert client.get("/api/v1/osservatorio/", PERIODO).json()["totale"] == 7


def test_an_operator_sees_the_observatory_of_their_pit_only(client, dati):
    client.force_login(dati.op[dati.rozzano])
    body = client.get("/api/v1/osservatorio/", PERIODO).json()
    assert body["totale"] == 2


def test_the_whole_network_for_a_network_administrator(client, dati, django_user_model):
    admin = django_user_model.objects.create_user("rete", password="x")
    admin.user_permissions.add(Permission.objects.get(codename="amministra_rete"))
    client.force_login(admin)
    assert client.get("/api/v1/osservatorio/", PERIODO).json()["totale"] == 9
    assert (
        client.get("/api/v1/osservatorio/", {**PERIODO, "ambito": "rozzano"}).json()["totale"] == 2
    )


def test_the_csv_export_has_the_same_counts(client, dati):
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.get("/api/v1/osservatorio/export.csv", PERIODO)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["dimensione", "codice", "etichetta", "consultazioni"]
    values = {(r[0], r[1]): int(r[3]) for r in rows[1:]}
    assert values[("totale", "")] == 7
    assert values[("inviati", "")] == 3
    assert values[("categoria", "infanzia.nido")] == 4
    assert values[("comune", "015140")] == 2
    assert values[("mese", "2025-03")] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"dal": "2025-04-01", "al": "2025-03-01"}, "al"),
        ({"dal": "ieri"}, "dal"),
        ({"dal": "2015-01-01", "al": "2025-01-01"}, "dal"),
        ({"ambito": "atlantide"}, "ambito"),
    ],
)
def test_a_bad_period_or_scope_is_a_400_naming_the_field(client, dati, params, field):
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.get("/api/v1/osservatorio/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_page_has_the_table_the_chart_and_the_csv_link(client, dati):
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    html = client.get("/pit/osservatorio/", {**PERIODO, "ambito": "san-donato-milanese"})
    assert html.status_code == 200
    text = html.content.decode()
    assert '<strong id="totale">7</strong>' in text
    assert '<strong id="quota-inviati">43%</strong>' in text
    assert text.count('class="barra"') == 3  # one bar per month, drawn on the server
    assert "<svg" in text  # the chart is drawn on the server
    assert_assets_are_our_own(text)
    assert "/api/v1/osservatorio/export.csv?" in text
    assert "Asilo nido e micronido" in text and "Melegnano" in text


def test_the_page_defaults_to_the_last_twelve_months(client, dati):
    client.force_login(dati.op[dati.san_donato])
    text = client.get("/pit/osservatorio/").content.decode()
    assert text.count('class="barra"') == 12
