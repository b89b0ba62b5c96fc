"""Fixtures of the membership tests: a configured seller and a 2026 run with two members."""

import datetime
from pathlib import Path

import pytest

from membership.invoicing import invoice_run_issue
from membership.models import Agreement, FeeSchedule, Invoice
from tests.factories import ActorFactory, MunicipalityFactory, PersonFactory, UserFactory

D = datetime.date
SCHEMAS = Path(__file__).resolve().parents[2] / "membership/formats/schemas/ubl-2.1/maindoc"


@pytest.fixture(autouse=True)
def seller(settings):
    settings.SELLER = {
        **settings.SELLER,
        "org_number": "202100-0076",
        "bankgiro": "5050-1055",
        "address": "Hantverkargatan 29",
        "postal_code": "10422",
    }


@pytest.fixture
def seller_update(db):
    """Change the invoicing settings as the settings page does (the row is made from the
    settings above on first use; each test starts without it)."""
    from membership.seller import seller_settings_update

    return seller_settings_update


@pytest.fixture
def run_2026():
    huddinge = MunicipalityFactory(
        name="Huddinge kommun",
        org_number="212000-0068",
        invoice_address="Box 1\n141 85 Huddinge",
        invoice_email="faktura@huddinge.example",
        invoice_delivery="email",  # asks for the PDF by e-mail; Polisen gets an e-invoice
    )
    huddinge.population_figures.create(reference_date=D(2025, 12, 31), inhabitants=114_305)
    police = ActorFactory(
        name="Polisen",
        kind="police",
        org_number="202100-0076",
        invoice_address="Box 2\n106 75 Stockholm",
    )
    for actor in (huddinge, police):
        Agreement.objects.create(
            actor=actor,
            signed_on=D(2024, 3, 1),
            signatory_name="A",
            invoice_contact=PersonFactory(actor=actor, user=UserFactory()),
            buyer_reference="Ref 123",
        )
    FeeSchedule.objects.create(year=2026, approved_on=D(2025, 11, 1))
    return huddinge, police


@pytest.fixture
def issued(run_2026):
    """The 2026 run issued: the invoices by actor name."""
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    return {i.actor.name: i for i in Invoice.objects.all()}
