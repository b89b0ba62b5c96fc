import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from lxml import etree

from membership import accounting
from membership.invoicing import invoice_documents, invoice_run_issue
from membership.models import Invoice, Payment, Reimbursement
from tests.membership.conftest import SCHEMAS

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def issued(run_2026):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    return {i.actor.name: i for i in Invoice.objects.all()}


def tk20(reference: str, amount: Decimal, serial: str) -> str:
    line = (
        "20"
        + "0000991234"
        + reference.ljust(25)
        + f"{int(amount * 100):018d}"
        + "21"
        + serial.rjust(12, "0")
        + "0"
    )
    return line.ljust(80)


def bgmax(*payments) -> str:
    lines = [
        "01BGMAX               0120261215103012345678P".ljust(80),
        "05" + "0050501055".ljust(78),
    ]
    lines += [tk20(*p) for p in payments]
    lines.append(("15" + "1234567890".ljust(35) + "20261215" + "00001").ljust(80))
    lines.append("70".ljust(80))
    return "\n".join(lines)


def test_credit_notes_full_and_partial_never_edit_the_invoice(issued):
    invoice = issued["Polisen"]
    note = accounting.credit_note_issue(
        invoice=invoice, amount=Decimal("80000"), reason="Fel avgiftsklass"
    )
    with pytest.raises(ValidationError):
        accounting.credit_note_issue(
            invoice=invoice, amount=Decimal("200000.01"), reason="För mycket"
        )
    rest = accounting.credit_note_issue(invoice=invoice, reason="Resten")
    assert (note.number, rest.total) == ("K202600001", Decimal("200000.00"))
    assert accounting.outstanding(invoice) == 0
    invoice.refresh_from_db()
    assert invoice.total == Decimal("280000.00")
    document = etree.parse(invoice_documents(note.pk).xml.open("rb"))
    etree.XMLSchema(etree.parse(str(SCHEMAS / "UBL-CreditNote-2.1.xsd"))).assertValid(document)
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    assert document.findtext("cbc:CreditNoteTypeCode", namespaces=ns) == "381"
    assert document.findtext(".//cbc:ID", namespaces=ns)


def test_bgmax_matches_on_ocr_keeps_the_unmatched_and_imports_once(issued):
    huddinge, police = issued["Huddinge kommun"], issued["Polisen"]
    content = bgmax(
        (huddinge.ocr, Decimal("171457.50"), "1"),
        (police.ocr, Decimal("100000.00"), "2"),
        ("99999999999", Decimal("42.00"), "3"),
    )
    result = accounting.bgmax_import(content=content, filename="bgmax-2026-12-15.txt")
    assert [p.invoice for p in result.matched] == [huddinge]
    assert [p.invoice for p in result.partial] == [police]
    assert [p.amount for p in result.unmatched] == [Decimal("42.00")]
    assert Payment.objects.get(invoice=huddinge).paid_on == D(2026, 12, 15)
    again = accounting.bgmax_import(content=content, filename="bgmax-2026-12-15.txt")
    assert again.already_imported == 3 and Payment.objects.count() == 3
    assert accounting.outstanding(police) == Decimal("180000.00")


def test_a_broken_bgmax_file_imports_nothing(issued):
    assert accounting.bgmax_import(content="hello", filename="x").errors
    broken = bgmax((issued["Polisen"].ocr, Decimal("1"), "9")).replace("\n15", "\n99")
    result = accounting.bgmax_import(content=broken, filename="y")
    assert result.errors and not Payment.objects.exists()


def test_overdue_invoices_are_reminded_once(issued, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert accounting.send_reminders(today=D(2027, 1, 15)) == 1  # only Huddinge has an e-mail
        accounting.send_reminders(today=D(2027, 1, 16))
    reminders = [m for m in mailoutbox if "Påminnelse" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == ["faktura@huddinge.example"]


def test_sie_file_balances_in_code_page_437(issued):
    accounting.payment_register(
        invoice=issued["Polisen"], amount=Decimal("280000"), paid_on=D(2026, 12, 20)
    )
    accounting.credit_note_issue(
        invoice=issued["Huddinge kommun"], amount=Decimal("1000"), reason="Rättelse"
    )
    data = accounting.sie_export(year=2026)
    text = data.decode("cp437")
    assert "#SIETYP 4" in text and "#FORMAT PC8" in text
    assert "Länsstyrelsen" in text  # ä survives code page 437
    vouchers = text.split("#VER")[1:]
    assert len(vouchers) == 4
    for voucher in vouchers:
        amounts = [
            Decimal(line.split()[-1]) for line in voucher.splitlines() if line.startswith("#TRANS")
        ]
        assert len(amounts) == 2 and sum(amounts) == 0


def test_export_command_writes_pdf_and_xml(issued, tmp_path):
    out = StringIO()
    call_command("invoice_export", "2026", "--dir", str(tmp_path), stdout=out)
    names = sorted(p.name for p in Path(tmp_path).iterdir())
    assert names == ["202600001.pdf", "202600001.xml", "202600002.pdf", "202600002.xml"]
    assert (tmp_path / "202600001.pdf").read_bytes().startswith(b"%PDF")


def test_reimbursements_and_the_yearly_statement(issued):
    claim = Reimbursement.objects.create(
        actor=issued["Polisen"].actor, year=2026, amount=Decimal("150000"), hours=Decimal("720")
    )
    with pytest.raises(ValidationError):
        accounting.reimbursement_decide(reimbursement=claim, status="paid")
    accounting.reimbursement_decide(reimbursement=claim, status="approved")
    accounting.payment_register(
        invoice=issued["Polisen"], amount=Decimal("280000"), paid_on=D(2026, 12, 20)
    )
    statement = accounting.yearly_statement(2026)
    assert statement["invoiced"] == Decimal("451457.50")
    assert statement["paid"] == Decimal("280000")
    assert statement["outstanding"] == Decimal("171457.50")
    assert statement["reimbursements_approved"] == Decimal("150000")
    assert statement["reimbursements_paid"] == 0


def test_a_corrected_invoice_after_a_credit_note(issued, secretariat):
    from django.urls import reverse

    police = issued["Polisen"]
    response = secretariat.post(
        reverse("membership:invoice_detail", args=[police.pk]),
        {"corrected_amount": "1", "corrected_basis": "x"},
    )
    assert response.status_code == 400  # nothing credited yet
    accounting.credit_note_issue(invoice=police, reason="Fel avgiftsklass")
    secretariat.post(
        reverse("membership:invoice_detail", args=[police.pk]),
        {"corrected_amount": "140000.00", "corrected_basis": "Halv avgift enligt beslut"},
    )
    corrected = Invoice.objects.get(actor=police.actor, run_year=None, kind="invoice")
    assert corrected.total == Decimal("140000.00") and corrected.number == "202600003"
    assert "ersätter 202600002" in corrected.lines.get().description


def test_unsupported_vat_category_is_a_warning(run_2026, settings):
    from membership.invoicing import issue_check

    settings.VAT_CATEGORIES = {"police": "E"}
    assert any("Momskategori E" in w for w in issue_check(2026).all_warnings)
