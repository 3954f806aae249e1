"""Every edit leaves a trace: who changed what, when."""

from __future__ import annotations

import pytest

from servizi.models import Servizio
from servizi.services import servizi_mark_verified, servizi_set_stato, servizio_update
from tests.servizi.builders import make_ente, make_servizio

pytestmark = pytest.mark.django_db


def test_an_edit_records_who_changed_which_fields(django_user_model):
    editor = django_user_model.objects.create_user("editor")
    servizio = make_servizio(titolo="Prima", costo="a_pagamento")
    servizio_update(servizio=servizio, titolo="Dopo", costo="gratuito", actor=editor)

    latest, previous = servizio.history.all()[:2]
    delta = latest.diff_against(previous)
    assert {change.field for change in delta.changes} == {"titolo", "costo"}
    assert latest.history_user == editor
    assert latest.history_date is not None
    assert previous.titolo == "Prima"


def test_bulk_publish_and_verify_are_in_the_history(django_user_model):
    editor = django_user_model.objects.create_user("editor")
    servizi = [make_servizio(stato="bozza") for _ in range(3)]
    assert servizi_set_stato(servizi=servizi, stato="pubblicato", actor=editor) == 3
    servizi_mark_verified(servizi=Servizio.objects.all(), actor=editor)
    for servizio in Servizio.objects.all():
        states = list(servizio.history.values_list("stato", flat=True))
        assert states[:2] == ["pubblicato", "pubblicato"]  # verified, then published
        assert servizio.history.first().history_user == editor
        assert servizio.verificato_il is not None


def test_api_edits_are_attributed_to_the_logged_in_user(client, django_user_model):
    ente = make_ente()
    user = django_user_model.objects.create_user("referente")
    ente.referenti.add(user)
    servizio = make_servizio(ente=ente)
    client.force_login(user)
    client.patch(
        f"/api/v1/servizi/{servizio.pk}/", {"titolo": "Nuovo"}, content_type="application/json"
    )
    assert servizio.history.first().history_user == user


def test_category_changes_are_kept_in_the_history():
    from servizi.models import Categoria

    servizio = make_servizio()
    servizio_update(servizio=servizio, categorie=[Categoria.objects.get(codice="anziani.rsa")])
    # the m2m history keeps the categories of each version
    versions = [
        list(h.categorie.values_list("categoria__codice", flat=True))
        for h in servizio.history.all()
    ]
    assert ["anziani.rsa"] in versions
