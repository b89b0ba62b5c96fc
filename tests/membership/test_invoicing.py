import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from pypdf import PdfReader
from stdnum import luhn

from membership.invoicing import invoice_documents, invoice_run_issue, ocr_reference, run_progress
from membership.models import Invoice, InvoiceCounter
from tests.membership.conftest import SCHEMAS

pytestmark = pytest.mark.django_db
D = datetime.date


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


def test_issue_makes_as_many_queries_for_twenty_actors_as_for_two(
    run_2026, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from membership.models import Agreement
    from tests.factories import ActorFactory

    with django_capture_on_commit_callbacks(), django_assert_max_num_queries(60) as two:
        assert invoice_run_issue(year=2026) == (2, 0)
    for i in range(18):
        actor = ActorFactory(name=f"Aktör {i}", kind="police", invoice_address=f"Box {i}")
        Agreement.objects.create(actor=actor, signed_on=D(2024, 3, 1), signatory_name="A")
    from membership.models import FeeSchedule

    FeeSchedule.objects.create(year=2027, approved_on=D(2026, 11, 1))
    run_2026[0].population_figures.create(reference_date=D(2026, 12, 31), inhabitants=115_000)
    with (
        django_capture_on_commit_callbacks(),
        django_assert_max_num_queries(len(two.captured_queries)),
    ):
        assert invoice_run_issue(year=2027) == (20, 0)
    numbers = sorted(Invoice.objects.filter(year=2027).values_list("number", flat=True))
    assert numbers == [f"2027{n:05d}" for n in range(1, 21)]


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


def test_the_command_issues_once_and_refuses_with_warnings(run_2026, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "Issued 2 invoice(s)" in out.getvalue() and "Issued 0 invoice(s)" in out.getvalue()
    assert Invoice.objects.exclude(pdf="").exclude(xml="").count() == 2
    settings.SELLER = {**settings.SELLER, "org_number": ""}
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("invoice_run", "2027", "--issue", stdout=StringIO(), stderr=err)
    assert "SELLER_ORG_NUMBER" in err.getvalue()


def test_the_invoice_address_gets_the_invoice_without_an_invoice_contact(
    run_2026, django_capture_on_commit_callbacks, mailoutbox
):
    huddinge = run_2026[0]
    huddinge.agreements.update(invoice_contact=None)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        invoice_documents(Invoice.objects.get(actor=huddinge).pk)
    [mail] = [m for m in mailoutbox if m.to == ["faktura@huddinge.example"]]
    assert "fakturaadressen för Huddinge kommun" in mail.body
