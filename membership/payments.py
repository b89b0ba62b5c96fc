"""Unmatched payments: what the secretariat allocates to invoices or refunds.

A payment received (``Payment.RECEIVED``: a BgMax transaction or one registered by hand) that
no invoice matched stays as it was imported: its amount is what the bank paid. An allocation is
a row of its own (source "allocation", ``allocated_from`` the payment, the invoice, the amount,
its date as ``paid_on``), so every sum of an invoice's payments (``selectors.with_outstanding``,
``outstanding``, ``yearly_statement``, ``overdue_invoices``) counts it once, on its invoice; a
refund is a row without an invoice (source "refund"). The payment's unallocated amount is its
amount less its allocations and refunds. The ledger books an allocation from the unallocated
account to receivable and a refund from unallocated to the bank (``membership.ledger``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ExpressionWrapper, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .fees import sek
from .models import Invoice, Payment

ZERO = Decimal("0.00")


def with_unallocated(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Annotate ``unallocated_amount`` (amount − allocations − refunds) in the same query."""
    return payments.annotate(
        unallocated_amount=ExpressionWrapper(
            F("amount") - selectors.summed(Payment.objects.all(), "allocated_from", "amount"),
            output_field=selectors.MONEY,
        )
    )


def unmatched_payments() -> QuerySet[Payment]:
    """Payments received that no invoice matched and that still have an unallocated amount,
    oldest first, annotated with ``unallocated_amount``."""
    received = Payment.objects.filter(source__in=Payment.RECEIVED, invoice=None)
    return with_unallocated(received).filter(unallocated_amount__gt=0).order_by("paid_on", "pk")


def unallocated(payment: Payment) -> Decimal:
    moved = payment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
    return payment.amount - moved


@dataclass(frozen=True)
class AllocationRow:
    """One row of the allocation form: an invoice number and an amount."""

    invoice_number: str
    amount: Decimal


def _lock_unmatched(payment: Payment) -> Payment:
    """The payment locked for update; a ValidationError unless it can be allocated."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.source not in Payment.RECEIVED or locked.invoice_id is not None:
        raise ValidationError(_("Only a payment received that no invoice matched is allocated."))
    return locked


def _check_date(payment: Payment, on: datetime.date, field: str) -> None:
    if on < payment.paid_on:
        raise ValidationError(
            {
                field: _("The date cannot be before the payment was received (%(date)s).")
                % {"date": f"{payment.paid_on:%Y-%m-%d}"}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic(durable=True)
def payment_allocate(
    *, payment: Payment, rows: list[AllocationRow], allocated_on: datetime.date
) -> list[Payment]:
    """Allocate parts of an unmatched payment to invoices: each amount at most what is
    outstanding on its invoice, all together at most what is unallocated. What is left stays
    unmatched. The payment and the invoices are locked, so two secretaries cannot allocate the
    same money twice."""
    payment = _lock_unmatched(payment)
    rows = [row for row in rows if row.invoice_number or row.amount]
    if not rows:
        raise ValidationError(_("Give at least one invoice and amount."))
    _check_date(payment, allocated_on, "allocated_on")
    numbers = [row.invoice_number.strip() for row in rows]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("Each invoice can only be given once."))
    invoices = {
        i.number: i
        for i in Invoice.objects.select_for_update().filter(number__in=numbers).order_by("pk")
    }
    errors: list[str] = []
    total = ZERO
    for number, row in zip(numbers, rows, strict=True):
        invoice = invoices.get(number)
        if invoice is None or invoice.kind != Invoice.Kind.INVOICE:
            errors.append(_("%(number)s is not an invoice number.") % {"number": number})
            continue
        if row.amount is None or row.amount <= 0:
            errors.append(_("The amount for %(number)s must be more than 0.") % {"number": number})
            continue
        left = selectors.outstanding(invoice)
        if row.amount > left:
            errors.append(
                _("%(amount)s is more than the %(left)s outstanding on %(number)s.")
                % {"amount": sek(row.amount), "left": sek(max(left, ZERO)), "number": number}
            )
        total += row.amount
    available = unallocated(payment)
    if total > available:
        errors.append(
            _("The amounts add up to %(total)s, more than the %(available)s unallocated.")
            % {"total": sek(total), "available": sek(available)}
        )
    if errors:
        raise ValidationError(errors)
    note = _("Allocated from the payment of %(date)s, reference %(reference)s.") % {
        "date": f"{payment.paid_on:%Y-%m-%d}",
        "reference": payment.reference or "–",
    }
    return [
        Payment.objects.create(
            invoice=invoices[number],
            amount=row.amount,
            paid_on=allocated_on,
            reference=payment.reference,
            source=Payment.Source.ALLOCATION,
            allocated_from=payment,
            note=note[:300],
        )
        for number, row in zip(numbers, rows, strict=True)
    ]


@transaction.atomic(durable=True)
def payment_refund(
    *, payment: Payment, amount: Decimal, refunded_on: datetime.date, note: str
) -> Payment:
    """Record that (part of) an unmatched payment was paid back to the payer."""
    payment = _lock_unmatched(payment)
    _check_date(payment, refunded_on, "refunded_on")
    if not note.strip():
        raise ValidationError({"note": _("Say why and to whom the money was paid back.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than 0.")})
    available = unallocated(payment)
    if amount > available:
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the %(available)s unallocated.")
                % {"amount": sek(amount), "available": sek(available)}
            }
        )
    return Payment.objects.create(
        amount=amount,
        paid_on=refunded_on,
        reference=payment.reference,
        source=Payment.Source.REFUND,
        allocated_from=payment,
        note=note.strip()[:300],
    )
