"""Issue 19's "done when", end to end through the secretariat's pages: a year in which every
actor has an organisation number is invoiced; every exported e-invoice passes the UBL XSD, the CEN
EN16931 rules and the Peppol BIS 3 rules; the e-invoices reach the (fake) access point and their
delivery shows per invoice; a bankgiro changed on the settings page is on the next invoice; and
the SIE file of the fiscal year, read back, balances with the portal's own ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from membership import ledger
from membership.formats import peppol_validation, sie
from membership.models import Agreement, FeeSchedule, Invoice, InvoiceTransmission
from membership.tasks import poll_invoice_transmissions
from tests.factories import ActorFactory, MunicipalityFactory
from tests.membership.fake_access_point import TOKEN, FakeAccessPoint
from tests.membership.test_seller_settings import form_data

pytestmark = pytest.mark.django_db
D = datetime.date
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NEW_BANKGIRO = "991-2346"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def access_point(settings):
    with FakeAccessPoint() as server:
        settings.ACCESS_POINT_BACKEND = "membership.access_point.HttpAccessPoint"
        settings.ACCESS_POINT_URL = server.url
        settings.ACCESS_POINT_TOKEN = TOKEN
        settings.ACCESS_POINT_TIMEOUT = 5.0
        yield server


def network() -> dict[str, object]:
    """Five members, every one with an organisation number: two municipalities (one asks for
    e-mail), an authority addressed by its Peppol id, one by its organisation number alone, and
    the chair organisation that pays internally."""
    actors = {
        "Huddinge kommun": MunicipalityFactory(
            name="Huddinge kommun",
            org_number="212000-0068",
            invoice_address="Box 1\n141 85 Huddinge",
            invoice_email="faktura@huddinge.example",
            invoice_delivery="email",
        ),
        "Botkyrka kommun": MunicipalityFactory(
            name="Botkyrka kommun",
            org_number="212000-2890",
            invoice_address="Box 2\n147 85 Tumba",
            invoice_reference="BK-4711",
            peppol_id="0007:2120002890",
        ),
        "Polisen": ActorFactory(
            name="Polisen",
            kind="police",
            org_number="202100-0076",
            invoice_address="Box 3\n106 75 Stockholm",
            invoice_reference="POL-SSR",
        ),
        "Trafikverket": ActorFactory(
            name="Trafikverket",
            kind="transport_administration",
            org_number="202100-6297",
            invoice_address="Box 4\n781 89 Borlänge",
            invoice_reference="TRV-1234",
            peppol_id="0007:2021006297",
        ),
        "Länsstyrelsen i Stockholms län": ActorFactory(
            name="Länsstyrelsen i Stockholms län",
            kind="county_administrative_board",
            org_number="202100-0092",
            invoice_address="Box 22067\n104 22 Stockholm",
            paid_internally=True,
        ),
    }
    actors["Huddinge kommun"].population_figures.create(
        reference_date=D(2025, 12, 31), inhabitants=114_305
    )
    actors["Botkyrka kommun"].population_figures.create(
        reference_date=D(2025, 12, 31), inhabitants=96_118
    )
    for actor in actors.values():
        Agreement.objects.create(actor=actor, signed_on=D(2024, 3, 1), signatory_name="A")
    schedule = FeeSchedule.objects.create(year=2026, approved_on=D(2025, 11, 1))
    schedule.double_fee_actors.set(
        [actors["Trafikverket"], actors["Länsstyrelsen i Stockholms län"]]
    )
    return actors


def issue_run(client, django_capture_on_commit_callbacks) -> None:
    url = reverse("membership:invoice_run", args=[2026])
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Fix these before issuing" not in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302


def test_a_whole_invoicing_year(
    secretariat, access_point, django_capture_on_commit_callbacks, tmp_path
):
    actors = network()

    # The secretariat changes the bankgiro on the settings page before the run.
    response = secretariat.post(
        reverse("membership:seller_settings"), form_data(bankgiro=NEW_BANKGIRO)
    )
    assert response.status_code == 302

    issue_run(secretariat, django_capture_on_commit_callbacks)
    invoices = {i.actor.name: i for i in Invoice.objects.filter(run_year=2026)}
    assert set(invoices) == set(actors)
    internal = invoices.pop("Länsstyrelsen i Stockholms län")
    assert internal.kind == Invoice.Kind.INTERNAL and not internal.ocr
    assert internal.total == Decimal("560000.00")
    for invoice in invoices.values():
        assert invoice.seller["bankgiro"] == NEW_BANKGIRO

    # Every exported e-invoice passes the XSD and both rule sets, and carries the new bankgiro
    # and the buyer's own reference.
    out = tmp_path / "export"
    call_command("invoice_export", "2026", "--dir", str(out))
    exported = sorted(out.glob("*.xml"))
    assert [path.stem for path in exported] == sorted(i.number for i in invoices.values())
    for path in exported:
        xml = path.read_bytes()
        assert peppol_validation.fatal(peppol_validation.validate(xml)) == []
        root = etree.fromstring(xml)
        account = root.find(f".//{{*}}PayeeFinancialAccount/{{{CBC}}}ID").text
        assert account == "9912346"
        invoice = next(i for i in invoices.values() if i.number == path.stem)
        reference = root.find(f"{{{CBC}}}BuyerReference").text
        assert reference == (invoice.actor.invoice_reference or invoice.number)
    assert not (out / f"{internal.number}.xml").exists()  # booked, never sent

    # The e-invoices reached the access point once each; Huddinge got its PDF by e-mail.
    received = {doc.receiver: doc for doc in access_point.documents()}
    assert set(received) == {"0007:2120002890", "0007:2021000076", "0007:2021006297"}
    for name in ("Botkyrka kommun", "Polisen", "Trafikverket"):
        invoice = invoices[name]
        invoice.refresh_from_db()
        with invoice.xml.open("rb") as stored:
            assert received[invoice.transmission.receiver].document == stored.read()
        access_point.report(invoice.transmission.transmission_id, "delivered")
    assert not InvoiceTransmission.objects.filter(invoice=invoices["Huddinge kommun"]).exists()
    assert poll_invoice_transmissions.delay().get() == {"delivered": 3}
    for name in ("Botkyrka kommun", "Polisen", "Trafikverket"):
        page = secretariat.get(reverse("membership:invoice_detail", args=[invoices[name].pk]))
        html = page.content.decode()
        assert "Levererat" in html
        assert invoices[name].transmission.transmission_id in html
    listing = secretariat.get(reverse("membership:invoice_list") + "?year=2026").content.decode()
    assert listing.count("Peppol: Levererat") == 3

    # A payment in the year, then the SIE file of the fiscal year read back against the ledger.
    police = invoices["Polisen"]
    response = secretariat.post(
        reverse("membership:invoice_detail", args=[police.pk]),
        {"amount": "280000.00", "paid_on": police.issue_date.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    year = police.issue_date.year
    response = secretariat.get(reverse("membership:sie", args=[year]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    read = sie.check(content, year=year)
    assert read.fiscal_year == (D(year, 1, 1), D(year, 12, 31))
    assert all(D(year, 1, 1) <= v.date <= D(year, 12, 31) for v in read.vouchers)
    books = ledger.balances(year)
    accounts = ledger.accounts()
    invoiced = sum((i.total for i in invoices.values()), Decimal("0"))
    # The portal's own figures, independent of both: receivables are what was invoiced less the
    # payment, the internal account holds the chair organisation's fee, income is all of it.
    assert books.closing[accounts["receivable"]] == invoiced - Decimal("280000.00")
    assert books.closing[accounts["internal"]] == internal.total
    assert books.closing[accounts["bank"]] == Decimal("280000.00")
    assert read.results[accounts["income"]] == -(invoiced + internal.total)
    assert read.closing[accounts["receivable"]] == books.closing[accounts["receivable"]]
    series = {}
    for voucher in read.vouchers:
        series.setdefault(voucher.series, []).append(voucher.number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in series.values())
