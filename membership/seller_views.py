"""The invoicing settings page: the secretariat edits the seller on every invoice, the payment
terms and the VAT categories, and sees who changed what and when."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import idempotency
from core.access import secretariat_required
from core.pages import apply_errors

from . import seller
from .seller_forms import VAT_FIELD_PREFIX, SellerSettingsForm


@secretariat_required
@require_http_methods(["GET", "POST"])
def seller_settings(request: HttpRequest) -> HttpResponse:
    form = SellerSettingsForm(request.POST or None, instance=seller.seller_settings())

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                seller.seller_settings_update(**form.settings_values())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The invoicing settings were saved. Invoices issued from now on carry "
                        "them; invoices already issued keep theirs."
                    ),
                )
                return redirect("membership:seller_settings")
        return render(
            request,
            "membership/seller_settings.html",
            {
                "form": form,
                "detail_fields": [f for f in form.visible_fields() if not _is_vat(f.name)],
                "vat_fields": [f for f in form.visible_fields() if _is_vat(f.name)],
                "records": seller.seller_settings_history(),
            },
            status=400 if form.errors else 200,
        )

    return idempotency.once(request, answer) if request.method == "POST" else answer()


def _is_vat(name: str) -> bool:
    return name.startswith(VAT_FIELD_PREFIX)
