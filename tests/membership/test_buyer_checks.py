"""The preview refuses what it knows would be an invalid or undeliverable e-invoice, and tells
which Peppol address it will use."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from membership.invoicing import invoice_run_issue, issue_check
from membership.models import Agreement, Invoice

pytestmark = pytest.mark.django_db
D = datetime.date


def _row(preview, actor):
    return next(row for row in preview.rows if row.actor.pk == actor.pk)


def _change(actor, **fields):
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.save()


def test_the_fixture_run_has_no_buyer_warning_and_names_the_endpoints_it_will_use(run_2026):
    huddinge, police = run_2026
    preview = issue_check(2026)
    assert preview.all_warnings == []
    assert _row(preview, police).notices == [
        "Peppol-id saknas: e-fakturan adresseras till 0007:2021000076 (organisationsnumret). "
        "Redigera aktören om dess Peppol-adress är en annan."
    ]
    # An e-mail buyer gets no such notice.
    assert _row(preview, huddinge).notices == []
    _change(police, peppol_id="0007:2021000076")
    assert _row(issue_check(2026), police).notices == []


def test_an_actor_without_an_organisation_number_blocks_the_run(run_2026, secretariat):
    _huddinge, police = run_2026
    _change(police, org_number="")
    preview = issue_check(2026)
    assert _row(preview, police).warnings == [
        "organisationsnummer saknas: en e-faktura utan det avvisas (PEPPOL-EN16931-R008). "
        "Redigera aktören och fyll i det."
    ]
    # Without an organisation number there is no address to name either.
    assert _row(preview, police).notices == []
    with pytest.raises(ValidationError, match="PEPPOL-EN16931-R008"):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    assert not Invoice.objects.exists()
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "PEPPOL-EN16931-R008" in page


def test_a_peppol_buyer_without_a_reference_blocks_the_run(run_2026, secretariat):
    _huddinge, police = run_2026
    Agreement.objects.filter(actor=police).update(buyer_reference="")
    preview = issue_check(2026)
    assert any("PEPPOL-EN16931-R003" in w for w in _row(preview, police).warnings)
    with pytest.raises(ValidationError, match="PEPPOL-EN16931-R003"):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "PEPPOL-EN16931-R003" in page
    # The actor's own reference is enough.
    _change(police, invoice_reference="POL-1")
    assert _row(issue_check(2026), police).warnings == []


def test_an_e_mail_buyer_without_an_invoice_e_mail_blocks_the_run(run_2026, secretariat):
    huddinge, police = run_2026
    _change(huddinge, invoice_email="")
    preview = issue_check(2026)
    assert _row(preview, huddinge).warnings == [
        "PDF via e-post men ingen e-post för fakturor. Redigera aktören och fyll i dess e-post "
        "för fakturor, eller välj e-faktura (Peppol)."
    ]
    with pytest.raises(ValidationError, match="ingen e-post för fakturor"):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "ingen e-post för fakturor" in page
    # An e-mail buyer needs no reference (the invoice number stands in for it).
    Agreement.objects.filter(actor=huddinge).update(buyer_reference="")
    _change(huddinge, invoice_email="faktura@huddinge.example")
    assert _row(issue_check(2026), huddinge).warnings == []


def test_an_actor_that_pays_internally_is_not_checked(run_2026):
    _huddinge, police = run_2026
    _change(police, org_number="", paid_internally=True)
    Agreement.objects.filter(actor=police).update(buyer_reference="")
    row = _row(issue_check(2026), police)
    assert row.warnings == []
    assert not any("Peppol" in n for n in row.notices)
