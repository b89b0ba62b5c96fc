"""After issuing: credit notes, payments (by hand or from a Bankgirot BgMax file), reminders,
reimbursements, the yearly statement and the exports (files per invoice, SIE 4, CSV)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .invoicing import document_from, invoice_documents
from .models import Invoice, Payment, Reimbursement

ZERO = Decimal("0")


def with_outstanding(invoices):
    """Annotate ``outstanding_amount`` (total − credited − paid) in the same query."""
    money = DecimalField(max_digits=14, decimal_places=2)
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    credited = (
        Invoice.objects.filter(credited_invoice=OuterRef("pk"))
        .values("credited_invoice")
        .annotate(s=Sum("total"))
        .values("s")
    )
    return invoices.annotate(
        outstanding_amount=ExpressionWrapper(
            F("total")
            - Coalesce(Subquery(credited, output_field=money), Value(ZERO, output_field=money))
            - Coalesce(Subquery(paid, output_field=money), Value(ZERO, output_field=money)),
            output_field=money,
        )
    )


def outstanding(invoice: Invoice) -> Decimal:
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
    paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return invoice.total - credited - paid


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, reason: str, amount: Decimal | None = None) -> Invoice:
    """Credit an issued invoice fully or partly; the invoice itself is never changed."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError(_("Only an invoice can be credited."))
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
    remaining = invoice.total - credited
    amount = remaining if amount is None else amount
    if amount <= 0 or amount > remaining:
        raise ValidationError(
            _("A credit note must be more than 0 and at most %(remaining)s SEK.")
            % {"remaining": f"{remaining:.2f}"}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the credit note."))
    note = document_from(
        invoice,
        kind=Invoice.Kind.CREDIT_NOTE,
        total=amount,
        due_date=timezone.localdate(),
        description=_("Credit of invoice %(number)s") % {"number": invoice.number},
        basis=reason.strip(),
        credited=invoice,
    )
    transaction.on_commit(lambda: invoice_documents(note.pk))
    return note


@transaction.atomic
def payment_register(
    *,
    invoice: Invoice | None,
    amount: Decimal,
    paid_on: datetime.date,
    reference: str = "",
    note: str = "",
) -> Payment:
    if amount <= 0:
        raise ValidationError(_("A payment must be more than 0."))
    return Payment.objects.create(
        invoice=invoice, amount=amount, paid_on=paid_on, reference=reference, note=note
    )


@dataclass
class BgMaxResult:
    matched: list[Payment] = field(default_factory=list)
    unmatched: list[Payment] = field(default_factory=list)
    partial: list[Payment] = field(default_factory=list)
    already_imported: int = 0
    errors: list[str] = field(default_factory=list)


def _bgmax_date(text: str) -> datetime.date:
    return datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))


@dataclass
class _BgMaxPayment:
    line: int
    reference: str
    amount: Decimal
    serial: str
    paid_on: datetime.date | None = None


def bgmax_parse(content: str) -> tuple[list[_BgMaxPayment], list[str]]:
    """Payments (TK20/TK21) with the date of their deposit (the TK15 that closes the section)."""
    lines = content.splitlines()
    if not lines or not lines[0].startswith("01BGMAX"):
        return [], [_("This is not a BgMax file (it must start with 01BGMAX).")]
    payments: list[_BgMaxPayment] = []
    section: list[_BgMaxPayment] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        code = line[:2]
        if code in ("20", "21"):
            try:
                amount = (Decimal(int(line[37:55])) / 100).quantize(Decimal("0.01"))
            except ValueError:
                errors.append(_("Line %(line)s: unreadable amount.") % {"line": number})
                continue
            section.append(_BgMaxPayment(number, line[12:37].strip(), amount, line[57:69].strip()))
        elif code == "15":
            try:
                paid_on = _bgmax_date(line[37:45])
            except ValueError:
                errors.append(_("Line %(line)s: unreadable date.") % {"line": number})
                paid_on = None
            for payment in section:
                payment.paid_on = paid_on
            payments += section
            section = []
    if section:
        errors.append(_("The file ends inside a deposit (no closing TK15 record)."))
    return payments, errors


@transaction.atomic
def bgmax_import(*, content: str, filename: str) -> BgMaxResult:
    """Import a Bankgirot BgMax file, all or nothing: payments are matched on the OCR reference;
    the others are kept as unmatched for the secretariat. Importing a file again adds nothing."""
    result = BgMaxResult()
    parsed, result.errors = bgmax_parse(content)
    if result.errors:
        return result
    invoices = {i.ocr: i for i in Invoice.objects.filter(kind=Invoice.Kind.INVOICE).exclude(ocr="")}
    for item in parsed:
        key = f"bgmax:{item.serial}" if item.serial else f"bgmax:{filename}:{item.line}"[:100]
        if Payment.objects.filter(source_key=key).exists():
            result.already_imported += 1
            continue
        invoice = invoices.get(item.reference)
        payment = Payment.objects.create(
            invoice=invoice,
            amount=item.amount,
            paid_on=item.paid_on,
            reference=item.reference,
            source=Payment.Source.BGMAX,
            source_file=filename,
            source_key=key,
        )
        if invoice is None:
            result.unmatched.append(payment)
        elif outstanding(invoice) > 0:
            result.partial.append(payment)
        else:
            result.matched.append(payment)
    return result


def overdue_invoices(*, today: datetime.date | None = None) -> list[Invoice]:
    today = today or timezone.localdate()
    candidates = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, due_date__lt=today)
    overdue = with_outstanding(candidates).filter(outstanding_amount__gt=0)
    return list(overdue.select_related("actor"))


def send_reminders(*, today: datetime.date | None = None) -> int:
    """A reminder for each overdue invoice, once per invoice (through the outbox)."""
    from notifications.models import Channel
    from notifications.services import Outgoing, notifications_queue

    count = 0
    for invoice in overdue_invoices(today=today):
        agreement = (
            invoice.actor.agreements.exclude(invoice_contact=None).order_by("-signed_on").first()
        )
        if not invoice.buyer_email:
            continue
        count += len(
            notifications_queue(
                [
                    Outgoing(
                        recipient=agreement.invoice_contact if agreement else None,
                        kind="invoice",
                        subject=_("Reminder: invoice %(number)s") % {"number": invoice.number},
                        body=_("Invoice %(number)s (%(amount)s SEK, OCR %(ocr)s) was due %(due)s.")
                        % {
                            "number": invoice.number,
                            "amount": f"{outstanding(invoice):.2f}",
                            "ocr": invoice.ocr,
                            "due": invoice.due_date.isoformat(),
                        },
                        reason=_("Sent to the invoice address of %(actor)s.")
                        % {"actor": invoice.actor.name},
                        key=f"invoice-reminder:{invoice.pk}",
                        about=invoice,
                        channels=(Channel.EMAIL,),
                        address=invoice.buyer_email,
                    )
                ]
            )
        )
    return count


@transaction.atomic
def reimbursement_decide(*, reimbursement: Reimbursement, status: str) -> Reimbursement:
    order = [Reimbursement.Status.CLAIMED, Reimbursement.Status.APPROVED, Reimbursement.Status.PAID]
    if status not in order or order.index(status) != order.index(reimbursement.status) + 1:
        raise ValidationError(_("A claim is approved, then paid."))
    reimbursement.status = status
    reimbursement.decided_at = timezone.now()
    reimbursement.save(update_fields=["status", "decided_at"])
    return reimbursement


def yearly_statement(year: int) -> dict:
    invoices = Invoice.objects.filter(year=year)
    invoiced = invoices.filter(kind=Invoice.Kind.INVOICE).aggregate(s=Sum("total"))["s"] or ZERO
    credited = invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).aggregate(s=Sum("total"))["s"] or ZERO
    paid = Payment.objects.filter(invoice__year=year).aggregate(s=Sum("amount"))["s"] or ZERO
    claims = Reimbursement.objects.filter(year=year)
    approved = (
        claims.exclude(status=Reimbursement.Status.CLAIMED).aggregate(s=Sum("amount"))["s"] or ZERO
    )
    reimbursed = (
        claims.filter(status=Reimbursement.Status.PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    )
    return {
        "year": year,
        "invoiced": invoiced,
        "credited": credited,
        "paid": paid,
        "outstanding": invoiced - credited - paid,
        "reimbursements_approved": approved,
        "reimbursements_paid": reimbursed,
    }


def export_files(*, year: int, directory: Path) -> int:
    """Write <number>.pdf and <number>.xml for every invoice and credit note of the year."""
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for invoice in Invoice.objects.filter(year=year).order_by("number"):
        invoice = invoice_documents(invoice.pk)
        for field_name in ("pdf", "xml"):
            with getattr(invoice, field_name).open("rb") as source:
                (directory / f"{invoice.number}.{field_name}").write_bytes(source.read())
            written += 1
    return written


def _sie_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sie_export(*, year: int) -> bytes:
    """SIE 4 (type 4I) with one balanced voucher per invoice, credit note and payment, in
    code page 437 as the format requires. Account numbers come from settings."""
    accounts = settings.SIE_ACCOUNTS
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "SSR-portalen" 1.0',
        "#FORMAT PC8",
        f"#GEN {timezone.localdate():%Y%m%d}",
        "#SIETYP 4",
        f"#FNAMN {_sie_text(settings.SELLER['name'])}",
        f"#RAR 0 {year}0101 {year}1231",
    ]
    for key, label in (
        ("receivable", "Kundfordringar"),
        ("income", "Medlemsavgifter"),
        ("bank", "Bank"),
    ):
        lines.append(f"#KONTO {accounts[key]} {_sie_text(label)}")
    number = 0
    for invoice in Invoice.objects.filter(year=year).order_by("issue_date", "number"):
        number += 1
        sign = Decimal(1) if invoice.kind == Invoice.Kind.INVOICE else Decimal(-1)
        amount = invoice.total * sign
        text = _sie_text(f"{invoice.get_kind_display()} {invoice.number} {invoice.buyer_name}")
        lines += [
            f"#VER A {number} {invoice.issue_date:%Y%m%d} {text}",
            "{",
            f"#TRANS {accounts['receivable']} {{}} {amount:.2f}",
            f"#TRANS {accounts['income']} {{}} {-amount:.2f}",
            "}",
        ]
    for payment in (
        Payment.objects.filter(invoice__year=year)
        .select_related("invoice")
        .order_by("paid_on", "pk")
    ):
        number += 1
        text = _sie_text(f"Betalning {payment.invoice.number}")
        lines += [
            f"#VER B {number} {payment.paid_on:%Y%m%d} {text}",
            "{",
            f"#TRANS {accounts['bank']} {{}} {payment.amount:.2f}",
            f"#TRANS {accounts['receivable']} {{}} {-payment.amount:.2f}",
            "}",
        ]
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")
