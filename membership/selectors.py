"""The queries membership pages, services and tasks share: what is outstanding, who may see an
actor's invoices, the run's progress and the yearly statement."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from actors.models import Actor, Person

from .models import Agreement, Invoice, Payment, Reimbursement

ZERO = Decimal("0")


MONEY = DecimalField(max_digits=14, decimal_places=2)


def summed(rows: QuerySet, link: str, field: str) -> Coalesce:
    """The sum of ``field`` over ``rows`` whose ``link`` is the outer row, 0 when there are none:
    a subquery for ``annotate``."""
    total = rows.filter(**{link: OuterRef("pk")}).values(link).annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO, output_field=MONEY))


def with_outstanding(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate ``outstanding_amount`` (total − credited − paid) in the same query."""
    return invoices.annotate(
        outstanding_amount=ExpressionWrapper(
            F("total")
            - summed(Invoice.objects.all(), "credited_invoice", "total")
            - summed(Payment.objects.all(), "invoice", "amount"),
            output_field=MONEY,
        )
    )


def outstanding(invoice: Invoice) -> Decimal:
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
    paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return invoice.total - credited - paid


def invoices_with_outstanding(*, year: int | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes (of a year, or all) with their actor, e-invoice transmission and
    what is outstanding."""
    invoices = with_outstanding(Invoice.objects.select_related("actor", "transmission"))
    return invoices.filter(year=year) if year else invoices


def invoice_years() -> list[int]:
    """The years with invoices, and this year, newest first."""
    year = timezone.localdate().year
    return sorted({*Invoice.objects.values_list("year", flat=True), year}, reverse=True)


def contact_actor_ids(user: Any) -> set[int]:
    """The actors whose invoice contact the user is."""
    return set(
        Agreement.objects.filter(invoice_contact__user=user).values_list("actor_id", flat=True)
    )


def invoice_contact(actor: Actor) -> Person | None:
    """The invoice contact named in the actor's latest agreement that names one."""
    agreement = (
        actor.agreements.exclude(invoice_contact=None)
        .select_related("invoice_contact")
        .order_by("-signed_on")
        .first()
    )
    return agreement.invoice_contact if agreement else None


def run_progress(year: int) -> tuple[int, int]:
    """(invoices with PDF and XML, invoices) for the year's run."""
    invoices = Invoice.objects.filter(run_year=year)
    done = invoices.exclude(pdf="").exclude(xml="").count()
    return done, invoices.count()


def overdue(invoices: QuerySet[Invoice], today: datetime.date) -> QuerySet[Invoice]:
    """The invoices (annotated by ``with_outstanding``) past their due date with something
    still to pay: what the reminders go out for and the list's "overdue" shows."""
    return invoices.filter(kind=Invoice.Kind.INVOICE, due_date__lt=today, outstanding_amount__gt=0)


def overdue_invoices(*, today: datetime.date | None = None) -> list[Invoice]:
    today = today or timezone.localdate()
    return list(overdue(with_outstanding(Invoice.objects.all()), today).select_related("actor"))


def yearly_statement(year: int) -> dict[str, Any]:
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
