"""The invoice list's filters (year, status, kind) and the totals of what they select."""

from decimal import Decimal

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Invoice, Payment

ZERO = Decimal("0")


class InvoiceFilterForm(forms.Form):
    """A GET form: every field optional; a value that is not a choice is an error shown by the
    field, and the list then shows every invoice."""

    class Status:
        UNPAID = "unpaid"
        OVERDUE = "overdue"
        PAID = "paid"
        CREDITED = "credited"
        INTERNAL = "internal"

    STATUS_CHOICES = [
        ("", _("All")),
        (Status.UNPAID, _("Unpaid")),
        (Status.OVERDUE, _("Overdue")),
        (Status.PAID, _("Paid")),
        (Status.CREDITED, _("Credited")),
        (Status.INTERNAL, _("Internal settlements")),
    ]

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["kind"].choices = [("", _("All kinds")), *Invoice.Kind.choices]

    def filters(self) -> dict:
        """The valid filters (an invalid field counts as not given)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("year", "status", "kind") if data.get(name)}


def filtered_invoices(
    *, year: int | None = None, status: str = "", kind: str = ""
) -> QuerySet[Invoice]:
    """Invoices, credit notes and internal settlements with what is outstanding, filtered."""
    invoices = selectors.invoices_with_outstanding(year=year)
    if kind:
        invoices = invoices.filter(kind=kind)
    status_filter = InvoiceFilterForm.Status
    if status in (status_filter.UNPAID, status_filter.OVERDUE, status_filter.PAID):
        invoices = invoices.filter(kind=Invoice.Kind.INVOICE)
    if status == status_filter.UNPAID:
        invoices = invoices.filter(outstanding_amount__gt=0)
    elif status == status_filter.OVERDUE:
        invoices = selectors.overdue(invoices, timezone.localdate())
    elif status == status_filter.PAID:
        paid = Payment.objects.filter(invoice=OuterRef("pk"))
        invoices = invoices.filter(Exists(paid), outstanding_amount__lte=0)
    elif status == status_filter.CREDITED:
        credit_notes = Invoice.objects.filter(credited_invoice=OuterRef("pk"))
        invoices = invoices.filter(Exists(credit_notes))
    elif status == status_filter.INTERNAL:
        invoices = invoices.filter(kind=Invoice.Kind.INTERNAL)
    return invoices


def invoice_totals(invoices: QuerySet[Invoice]) -> dict[str, Decimal]:
    """Totals of the filtered list, in one query: invoiced (invoices and internal settlements),
    credited (credit notes) and outstanding (invoices)."""
    kind = Invoice.Kind
    totals = invoices.order_by().aggregate(
        invoiced=Sum("total", filter=Q(kind__in=[kind.INVOICE, kind.INTERNAL])),
        credited=Sum("total", filter=Q(kind=kind.CREDIT_NOTE)),
        outstanding=Sum("outstanding_amount", filter=Q(kind=kind.INVOICE)),
    )
    return {name: value or ZERO for name, value in totals.items()}
