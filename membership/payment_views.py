"""The secretariat's unmatched payments: the list, and allocating one to invoices or refunding
it (``membership.payments``)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core import idempotency
from core.access import secretariat_required
from core.forms import DateInput
from core.pages import apply_errors

from . import payments
from .fees import sek
from .models import Payment

ROWS = 4  # invoice rows on the allocation form


class AllocationForm(forms.Form):
    allocated_on = forms.DateField(label=gettext_lazy("Allocation date"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ROWS + 1):
            self.fields[f"invoice_{n}"] = forms.CharField(
                label=_("Invoice number, row %(n)s") % {"n": n}, required=False, max_length=20
            )
            self.fields[f"amount_{n}"] = forms.DecimalField(
                label=_("Amount (SEK), row %(n)s") % {"n": n},
                required=False,
                min_value=Decimal("0.01"),
                decimal_places=2,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rows = []
        for n in range(1, ROWS + 1):
            number, amount = (data.get(f"invoice_{n}") or "").strip(), data.get(f"amount_{n}")
            if f"amount_{n}" in self.errors:
                continue
            if number and amount is None:
                self.add_error(f"amount_{n}", _("Give the amount for this invoice."))
            elif amount is not None and not number:
                self.add_error(f"invoice_{n}", _("Give the invoice number for this amount."))
            elif number:
                rows.append(payments.AllocationRow(number, amount))
        if not rows and not self.errors:
            raise ValidationError(_("Give at least one invoice and amount."))
        data["rows"] = rows
        return data


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount refunded (SEK)"), min_value=Decimal("0.01"), decimal_places=2
    )
    refunded_on = forms.DateField(label=gettext_lazy("Refunded on"), widget=DateInput())
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        help_text=gettext_lazy("Why, and to whom the money was paid back."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that this money was paid back to the payer."),
    )


@secretariat_required
@require_GET
def unmatched_payments(request: HttpRequest) -> HttpResponse:
    page = Paginator(payments.unmatched_payments(), 100).get_page(request.GET.get("page"))
    rows = [(p, sek(p.amount), sek(p.unallocated_amount)) for p in page.object_list]
    return render(request, "membership/unmatched_payments.html", {"page": page, "rows": rows})


@secretariat_required
@require_http_methods(["GET", "POST"])
def payment_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.filter(source__in=Payment.RECEIVED, invoice=None), pk=pk
    )
    today = timezone.localdate()
    post = request.POST if request.method == "POST" else None
    allocation_form = AllocationForm(
        post if post and "allocate-allocated_on" in post else None,
        prefix="allocate",
        initial={"allocated_on": today},
    )
    refund_form = RefundForm(
        post if post and "refund-refunded_on" in post else None,
        prefix="refund",
        initial={"refunded_on": today},
    )

    def answer() -> HttpResponse:
        if allocation_form.is_bound and allocation_form.is_valid():
            data = allocation_form.cleaned_data
            try:
                made = payments.payment_allocate(
                    payment=payment, rows=data["rows"], allocated_on=data["allocated_on"]
                )
            except ValidationError as exc:
                apply_errors(allocation_form, exc)
            else:
                messages.success(
                    request,
                    _("%(amount)s was allocated to %(invoices)s.")
                    % {
                        "amount": sek(sum((p.amount for p in made), Decimal(0))),
                        "invoices": ", ".join(p.invoice.number for p in made),
                    },
                )
                return redirect("membership:unmatched_payments")
        if refund_form.is_bound and refund_form.is_valid():
            data = refund_form.cleaned_data
            try:
                refund = payments.payment_refund(
                    payment=payment,
                    amount=data["amount"],
                    refunded_on=data["refunded_on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_errors(refund_form, exc)
            else:
                messages.success(
                    request,
                    _("A refund of %(amount)s was recorded.") % {"amount": sek(refund.amount)},
                )
                return redirect("membership:unmatched_payments")
        moved = list(payment.allocations.select_related("invoice").order_by("paid_on", "pk"))
        return render(
            request,
            "membership/payment_allocate.html",
            {
                "payment": payment,
                "amount": sek(payment.amount),
                "unallocated": sek(payments.unallocated(payment)),
                "moved": [(p, sek(p.amount)) for p in moved],
                "allocation_form": allocation_form,
                "refund_form": refund_form,
            },
            status=400 if allocation_form.errors or refund_form.errors else 200,
        )

    # Each form allocates or refunds money: a repeated submit acts once.
    return idempotency.once(request, answer) if request.method == "POST" else answer()
