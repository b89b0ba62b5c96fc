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


def with_outstanding(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
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


def overdue_invoices(*, today: datetime.date | None = None) -> list[Invoice]:
    today = today or timezone.localdate()
    candidates = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, due_date__lt=today)
    overdue = with_outstanding(candidates).filter(outstanding_amount__gt=0)
    return list(overdue.select_related("actor"))


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
