import datetime
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pypdf import PdfReader
from stdnum import luhn

from membership import invoicing, selectors
from membership.documents import invoice_documents
from membership.invoicing import invoice_run_issue, ocr_reference
from membership.models import Invoice, InvoiceCounter
from membership.selectors import run_progress
from membership.tasks import produce_invoice_documents

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
        actor = ActorFactory(
            name=f"Aktör {i}",
            kind="police",
            invoice_address=f"Box {i}",
            org_number="202100-0076",
            invoice_reference=f"R{i}",
        )
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


def test_issue_refuses_while_there_are_warnings(run_2026, seller_update):
    seller_update(bankgiro="")
    with pytest.raises(ValidationError, match="bankgiro är inte angivet"):
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


def test_the_command_issues_once_and_refuses_with_warnings(run_2026, seller_update):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "Issued 2 invoice(s)" in out.getvalue() and "Issued 0 invoice(s)" in out.getvalue()
    assert Invoice.objects.exclude(pdf="").exclude(xml="").count() == 2
    seller_update(org_number="")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("invoice_run", "2027", "--issue", stdout=StringIO(), stderr=err)
    assert "organisationsnummer är inte angivet" in err.getvalue()


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


# --- Credit notes and corrected invoices ----------------------------------------------------


def test_credit_notes_full_and_partial_never_edit_the_invoice(issued):
    invoice = issued["Polisen"]
    note = invoicing.credit_note_issue(
        invoice=invoice, amount=Decimal("80000"), reason="Fel avgiftsklass"
    )
    with pytest.raises(ValidationError):
        invoicing.credit_note_issue(
            invoice=invoice, amount=Decimal("200000.01"), reason="För mycket"
        )
    rest = invoicing.credit_note_issue(invoice=invoice, reason="Resten")
    assert (note.number, rest.total) == ("K202600001", Decimal("200000.00"))
    assert selectors.outstanding(invoice) == 0
    invoice.refresh_from_db()
    assert invoice.total == Decimal("280000.00")


def test_the_credit_note_documents_are_made_by_the_worker_after_commit(
    issued, secretariat, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    police = issued["Polisen"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = secretariat.post(
            reverse("membership:invoice_detail", args=[police.pk]), {"reason": "Fel avgiftsklass"}
        )
    note = Invoice.objects.get(credited_invoice=police)
    assert response.url == reverse("membership:invoice_detail", args=[note.pk])
    assert not note.pdf and not note.xml  # nothing is rendered inside the request
    task = produce_invoice_documents
    with mock.patch.object(task, "apply_async", wraps=task.apply_async) as apply_async:
        for callback in callbacks:
            callback()  # queues the invoices' document task (run eagerly in the tests)
    apply_async.assert_called_once()
    assert apply_async.call_args.args[0] == (note.pk,)
    note.refresh_from_db()
    assert note.pdf.open("rb").read().startswith(b"%PDF") and note.xml


def test_a_corrected_invoice_after_a_credit_note(issued, secretariat):
    from django.urls import reverse

    police = issued["Polisen"]
    response = secretariat.post(
        reverse("membership:invoice_detail", args=[police.pk]),
        {"corrected_amount": "1", "corrected_basis": "x"},
    )
    assert response.status_code == 400  # nothing credited yet
    invoicing.credit_note_issue(invoice=police, reason="Fel avgiftsklass")
    secretariat.post(
        reverse("membership:invoice_detail", args=[police.pk]),
        {"corrected_amount": "140000.00", "corrected_basis": "Halv avgift enligt beslut"},
    )
    corrected = Invoice.objects.get(actor=police.actor, run_year=None, kind="invoice")
    assert corrected.total == Decimal("140000.00") and corrected.number == "202600003"
    assert "ersätter 202600002" in corrected.lines.get().description


def test_unsupported_vat_category_is_a_warning(run_2026, settings):
    from membership.invoicing import issue_check

    settings.VAT_CATEGORIES = {"police": "E"}  # the environment's default, read on first use
    assert any("Momskategori E" in w for w in issue_check(2026).all_warnings)


def test_export_command_writes_pdf_and_xml(issued, tmp_path):
    out = StringIO()
    call_command("invoice_export", "2026", "--dir", str(tmp_path), stdout=out)
    names = sorted(p.name for p in Path(tmp_path).iterdir())
    assert names == ["202600001.pdf", "202600001.xml", "202600002.pdf", "202600002.xml"]
    assert (tmp_path / "202600001.pdf").read_bytes().startswith(b"%PDF")
