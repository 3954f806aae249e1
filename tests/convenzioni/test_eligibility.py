"""Who the agreements are for: member companies on the day, named companies, networks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convenzioni.selectors import (
    beneficiario_da_codice,
    convenzioni_attive_per_ente,
    convenzioni_da_indicizzare,
    convenzioni_valide_per,
    documento_indice,
    enti_con_convenzione_valida_per,
)
from convenzioni.services import adesione_chiudi
from tests.convenzioni.builders import (
    make_convenzione,
    make_fornitore,
    make_impresa,
    make_rete,
    oggi,
)
from tests.servizi.builders import SAN_DONATO, make_sede, make_servizio

pytestmark = pytest.mark.django_db


def test_an_employee_of_a_non_member_company_sees_none_of_a_networks_agreements(rete, ente):
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="Seconda")
    estranea = make_impresa()
    assert list(convenzioni_valide_per(impresa=estranea)) == []
    assert list(enti_con_convenzione_valida_per(impresa=estranea)) == []


def test_an_employee_of_a_member_company_sees_the_networks_published_agreements(rete, ente):
    membro = make_impresa(reti=(rete,))
    pubblicata = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    make_convenzione(ente=ente, reti=[rete], stato="in_revisione", titolo="In revisione")
    make_convenzione(ente=ente, reti=[rete], titolo="Bozza")
    futura = make_convenzione(
        ente=ente,
        reti=[rete],
        stato="pubblicata",
        titolo="Dal mese prossimo",
        data_inizio=oggi() + timedelta(days=30),
    )
    assert list(convenzioni_valide_per(impresa=membro)) == [pubblicata]
    assert set(convenzioni_valide_per(impresa=membro, day=futura.data_inizio)) == {
        futura,
        pubblicata,
    }
    assert list(enti_con_convenzione_valida_per(impresa=membro)) == [ente.pk]


def test_membership_dates_count(rete, ente):
    entrata_dopo = make_impresa(reti=(rete,), dal=oggi() + timedelta(days=5))
    uscita = make_impresa(reti=(rete,), dal=oggi() - timedelta(days=100))
    adesione_chiudi(adesione=uscita.adesioni.get(), data_fine=oggi() - timedelta(days=1))
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")

    assert list(convenzioni_valide_per(impresa=entrata_dopo)) == []
    assert list(convenzioni_valide_per(impresa=entrata_dopo, day=oggi() + timedelta(5))) == [
        convenzione
    ]
    assert list(convenzioni_valide_per(impresa=uscita)) == []
    assert list(convenzioni_valide_per(impresa=uscita, day=oggi() - timedelta(days=1))) == [
        convenzione
    ]


def test_a_named_company_sees_it_other_members_do_not(rete, ente):
    nominata, altra = make_impresa(reti=(rete,)), make_impresa(reti=(rete,))
    convenzione = make_convenzione(ente=ente, imprese=[nominata], stato="pubblicata")
    assert list(convenzioni_valide_per(impresa=nominata)) == [convenzione]
    assert list(convenzioni_valide_per(impresa=altra)) == []
    # A worker who gave only the network's join code does not see a company's agreement.
    assert list(convenzioni_valide_per(rete=rete)) == []


def test_a_company_in_two_networks_sees_both_networks_agreements(rete, ente):
    nord = make_rete(nome="Rete Nord")
    ente_nord = make_fornitore(nord)
    impresa = make_impresa(reti=(rete, nord))
    sud_est = make_convenzione(ente=ente, reti=[rete], stato="pubblicata", titolo="A")
    di_nord = make_convenzione(ente=ente_nord, reti=[nord], stato="pubblicata", titolo="B")
    assert list(convenzioni_valide_per(impresa=impresa).order_by("titolo")) == [sud_est, di_nord]
    assert list(convenzioni_valide_per(rete=nord)) == [di_nord]
    assert set(enti_con_convenzione_valida_per(impresa=impresa)) == {ente.pk, ente_nord.pk}


def test_search_codes_name_a_network_or_a_company(rete):
    impresa = make_impresa(reti=(rete,), slug="officina-rossi")
    assert beneficiario_da_codice("rete:sud-est").rete == rete
    assert beneficiario_da_codice("impresa:officina-rossi").impresa == impresa
    for wrong in ("rete:nessuna", "impresa:sud-est", "sud-est", ""):
        with pytest.raises(Exception) as error:
            beneficiario_da_codice(wrong)
        assert error.type.__name__ == "ValidationError"


def test_the_index_document_carries_places_dates_and_beneficiaries(rete, ente):
    impresa = make_impresa(reti=(rete,))
    sede = make_sede(ente=ente, punto=SAN_DONATO)
    servizio = make_servizio(ente=ente, sedi=[sede], titolo="Doposcuola")
    convenzione = make_convenzione(
        ente=ente,
        reti=[rete],
        imprese=[impresa],
        stato="pubblicata",
        percentuale=15,
        descrizione="Per i figli dei dipendenti",
    )
    convenzione.servizi.set([servizio])
    documento = documento_indice(convenzione)
    assert documento["tipo"] == "convenzione"
    assert documento["beneficio"] == "Sconto del 15%"
    assert "figli" in documento["testo"] and "Doposcuola" in documento["testo"]
    assert documento["ente_id"] == ente.pk
    assert documento["categorie"] == ["anziani.assistenza-domiciliare"]
    assert documento["sedi"] == [
        {
            "sede_id": sede.pk,
            "punto": [pytest.approx(9.2686), pytest.approx(45.4103)],
            "comune_id": "015192",
            "comune_nome": "San Donato Milanese",
        }
    ]
    assert documento["reti_ids"] == [rete.pk]
    assert documento["imprese_ids"] == [impresa.pk]
    assert documento["data_fine"] == convenzione.data_fine


def test_what_the_search_shows_per_provider_and_what_it_indexes(rete, ente):
    membro = make_impresa(reti=(rete,))
    valida = make_convenzione(ente=ente, reti=[rete], stato="pubblicata", percentuale=20)
    futura = make_convenzione(
        ente=ente,
        reti=[rete],
        stato="pubblicata",
        titolo="Dal mese prossimo",
        data_inizio=oggi() + timedelta(days=30),
    )
    make_convenzione(ente=ente, reti=[rete], stato="in_revisione", titolo="In revisione")
    assert convenzioni_attive_per_ente([ente.pk], impresa=membro) == {
        ente.pk: [{"id": valida.pk, "titolo": valida.titolo, "beneficio": "Sconto del 20%"}]
    }
    assert convenzioni_attive_per_ente([ente.pk], impresa=make_impresa()) == {}
    # Without a beneficiary: every agreement valid today (not the future, not under review).
    assert convenzioni_attive_per_ente([ente.pk]) == {
        ente.pk: [{"id": valida.pk, "titolo": valida.titolo, "beneficio": "Sconto del 20%"}]
    }
    # The index holds the published ones not yet ended, starting later included.
    assert set(convenzioni_da_indicizzare()) == {valida, futura}
