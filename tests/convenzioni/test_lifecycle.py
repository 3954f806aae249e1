"""The lifecycle: bozza → in_revisione → pubblicata → scaduta / ritirata, with history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from convenzioni.models import Convenzione
from convenzioni.selectors import convenzioni_valide_per, filter_valide_il
from convenzioni.services import (
    convenzione_approva,
    convenzione_invia,
    convenzione_respingi,
    convenzione_ritira,
    convenzioni_scadute_aggiorna,
)
from tests.convenzioni.builders import (
    make_convenzione,
    make_impresa,
    make_rete,
    oggi,
)

pytestmark = pytest.mark.django_db


def test_an_agreement_is_born_a_draft_and_is_published_only_after_review(
    rete, ente, referente, amministratore
):
    convenzione = make_convenzione(ente=ente, reti=[rete], actor=referente)
    assert convenzione.stato == "bozza"

    convenzione = convenzione_invia(convenzione=convenzione, actor=referente)
    assert convenzione.stato == "in_revisione"
    assert convenzione.inviata_il is not None

    convenzione = convenzione_approva(convenzione=convenzione, actor=amministratore)
    assert convenzione.stato == "pubblicata"
    assert convenzione.moderata_da == amministratore
    assert convenzione.valida_il()


def test_each_step_is_in_the_history_with_who_and_why(rete, ente, referente, amministratore):
    convenzione = make_convenzione(ente=ente, reti=[rete], actor=referente)
    convenzione_invia(convenzione=convenzione, actor=referente)
    convenzione_respingi(convenzione=convenzione, actor=amministratore, nota="Manca l'orario")
    # Each step, not counting the records of the beneficiaries being set at creation.
    records = list(
        Convenzione.history.filter(id=convenzione.pk, history_change_reason__isnull=False).order_by(
            "history_date"
        )
    )
    assert [(r.stato, r.history_user, r.history_change_reason) for r in records] == [
        ("in_revisione", referente, "Inviata in revisione"),
        ("bozza", amministratore, "Respinta"),
    ]
    assert Convenzione.history.filter(id=convenzione.pk).earliest("history_date").stato == "bozza"
    assert records[-1].nota_moderazione == "Manca l'orario"


def test_a_rejection_needs_a_reason_and_goes_back_to_draft(rete, ente, referente, amministratore):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="in_revisione")
    with pytest.raises(ValidationError) as error:
        convenzione_respingi(convenzione=convenzione, actor=amministratore, nota="  ")
    assert "nota" in error.value.message_dict
    convenzione.refresh_from_db()
    assert convenzione.stato == "in_revisione"


def test_a_draft_cannot_be_approved_without_review(rete, ente, amministratore):
    convenzione = make_convenzione(ente=ente, reti=[rete])
    with pytest.raises(ValidationError) as error:
        convenzione_approva(convenzione=convenzione, actor=amministratore)
    assert "stato" in error.value.message_dict
    assert Convenzione.objects.get(pk=convenzione.pk).stato == "bozza"


def test_only_the_targeted_networks_administrators_moderate(
    django_user_model, rete, ente, referente
):
    altra_rete = make_rete(nome="Rete Nord")
    estraneo = django_user_model.objects.create_user("admin.nord", password="x")
    altra_rete.amministratori.add(estraneo)
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="in_revisione")
    for user in (estraneo, referente):
        with pytest.raises(PermissionDenied):
            convenzione_approva(convenzione=convenzione, actor=user)
    assert Convenzione.objects.get(pk=convenzione.pk).stato == "in_revisione"


def test_the_administrator_of_a_named_companys_network_moderates_it(rete, ente, amministratore):
    impresa = make_impresa(reti=(rete,))
    convenzione = make_convenzione(ente=ente, imprese=[impresa], stato="in_revisione")
    convenzione = convenzione_approva(convenzione=convenzione, actor=amministratore)
    assert convenzione.stato == "pubblicata"


def test_withdrawal_by_a_moderator_needs_a_reason_by_the_referent_not(
    rete, ente, referente, amministratore
):
    prima = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    with pytest.raises(ValidationError):
        convenzione_ritira(convenzione=prima, actor=amministratore)
    prima = convenzione_ritira(convenzione=prima, actor=amministratore, nota="Ente sospeso")
    assert prima.stato == "ritirata"
    assert prima.nota_moderazione == "Ente sospeso"

    seconda = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    assert convenzione_ritira(convenzione=seconda, actor=referente).stato == "ritirata"
    assert not filter_valide_il(Convenzione.objects.filter(pk__in=[prima.pk, seconda.pk]))


def test_an_agreement_past_its_end_is_never_valid_even_before_the_nightly_expiry(rete, ente):
    impresa = make_impresa(reti=(rete,))
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    assert list(convenzioni_valide_per(impresa=impresa)) == [convenzione]

    # Time passes: yesterday was its last day, and the command has not run yet.
    Convenzione.objects.filter(pk=convenzione.pk).update(
        data_inizio=oggi() - timedelta(days=30), data_fine=oggi() - timedelta(days=1)
    )
    convenzione.refresh_from_db()
    assert convenzione.stato == "pubblicata"
    assert convenzione.stato_effettivo() == "scaduta"
    assert not convenzione.valida_il()
    assert list(convenzioni_valide_per(impresa=impresa)) == []


def test_it_is_still_valid_on_its_last_day_and_expires_the_day_after(rete, ente):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    fine = convenzione.data_fine
    assert convenzioni_scadute_aggiorna(day=fine) == 0
    assert convenzione.valida_il(fine)
    assert convenzioni_scadute_aggiorna(day=fine + timedelta(days=1)) == 1
    convenzione.refresh_from_db()
    assert convenzione.stato == "scaduta"
    record = Convenzione.history.filter(id=convenzione.pk).latest("history_date")
    assert record.history_change_reason.startswith("Scaduta il")


def test_the_expiry_command_marks_expired_agreements(rete, ente):
    scaduta = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    in_corso = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    bozza_vecchia = make_convenzione(ente=ente, reti=[rete])
    Convenzione.objects.filter(pk__in=[scaduta.pk, bozza_vecchia.pk]).update(
        data_inizio=oggi() - timedelta(days=60), data_fine=oggi() - timedelta(days=2)
    )
    call_command("scadenza_convenzioni", verbosity=0)
    stati = dict(Convenzione.objects.values_list("pk", "stato"))
    assert stati == {scaduta.pk: "scaduta", in_corso.pk: "pubblicata", bozza_vecchia.pk: "bozza"}


def test_an_expired_draft_cannot_be_submitted(rete, ente, referente):
    convenzione = make_convenzione(ente=ente, reti=[rete])
    Convenzione.objects.filter(pk=convenzione.pk).update(
        data_inizio=oggi() - timedelta(days=60), data_fine=oggi() - timedelta(days=2)
    )
    convenzione.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        convenzione_invia(convenzione=convenzione, actor=referente)
    assert "data_fine" in error.value.message_dict


def test_the_expiry_command_refuses_a_malformed_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--data: '2026-13-01' non è una data"):
        call_command("scadenza_convenzioni", data="2026-13-01")
