import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from pypdf import PdfReader
from stdnum import luhn

from membership.invoicing import invoice_documents, invoice_run_issue, ocr_reference, run_progress
from membership.models import Agreement, FeeSchedule, Invoice, InvoiceCounter
from tests.factories import ActorFactory, MunicipalityFactory, PersonFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "ubl-2.1" / "maindoc"
D = datetime.date


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
def run_2026():
    huddinge = MunicipalityFactory(
        name="Huddinge kommun",
        org_number="212000-0068",
        invoice_address="Box 1\n141 85 Huddinge",
        invoice_email="faktura@huddinge.example",
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
            invoice_contact=PersonFactory(actor=actor),
            buyer_reference="Ref 123",
        )
    FeeSchedule.objects.create(year=2026, approved_on=D(2025, 11, 1))
    return huddinge, police


def test_ocr_reference_has_a_length_digit_and_a_luhn_check_digit():
    ocr = ocr_reference("202600001")
    assert ocr.startswith("202600001") and len(ocr) == 11
    assert ocr[9] == str(len(ocr) % 10)
    assert luhn.is_valid(ocr)


def test_issue_is_idempotent_and_gapless(run_2026):
    assert invoice_run_issue(year=2026, issue_date=D(2026, 11, 30)) == (2, 0)
    assert invoice_run_issue(year=2026) == (0, 2)  # run again: nothing new
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["202600001", "202600002"]
    assert InvoiceCounter.objects.get(series="invoice", year=2026).last_number == 2


def test_issue_refuses_while_there_are_warnings(run_2026, settings):
    settings.SELLER = {**settings.SELLER, "bankgiro": ""}
    with pytest.raises(ValidationError, match="SELLER_BANKGIRO"):
        invoice_run_issue(year=2026)
    assert not Invoice.objects.exists()


def test_a_crash_halfway_finishes_what_is_missing(run_2026):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    first = Invoice.objects.order_by("number").first()
    invoice_documents(first.pk)  # the worker died after the first invoice
    assert run_progress(2026) == (1, 2)
    invoice_run_issue(year=2026)
    for invoice in Invoice.objects.all():
        invoice_documents(invoice.pk)
    assert run_progress(2026) == (2, 2)


def test_the_peppol_invoice_is_schema_valid(run_2026):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "UBL-Invoice-2.1.xsd")))
    for invoice in Invoice.objects.all():
        invoice = invoice_documents(invoice.pk)
        document = etree.parse(invoice.xml.open("rb"))
        schema.assertValid(document)
        ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
        assert document.findtext("cbc:InvoiceTypeCode", namespaces=ns) == "380"
        assert document.findtext(".//cbc:PaymentID", namespaces=ns) == invoice.ocr
        assert document.findtext(".//cbc:PayableAmount", namespaces=ns) == f"{invoice.total:.2f}"


def test_the_pdf_prints_basis_payment_details_in_swedish_format(run_2026):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    huddinge = run_2026[0]
    invoice = invoice_documents(Invoice.objects.get(actor=huddinge).pk)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice.pdf.open("rb").read())).pages
    )
    flat = " ".join(text.replace("\u00a0", " ").split())  # table cells wrap
    assert "202600001" in text and invoice.ocr in text
    assert "171 457,50 kr" in flat
    assert "114 305 invånare per 2025-12-31 (SCB)" in flat
    assert "Utanför momsens tillämpningsområde" in flat
    assert "5050-1055" in text and "2026-12-30" in text


def test_the_invoice_is_emailed_once_to_the_invoice_address(
    run_2026, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        for invoice in Invoice.objects.all():
            invoice_documents(invoice.pk)
    [mail] = [m for m in mailoutbox if m.to == ["faktura@huddinge.example"]]
    assert mail.attachments[0][0].endswith(".pdf")
    assert Decimal(Invoice.objects.get(actor=run_2026[0]).total) == Decimal("171457.50")
