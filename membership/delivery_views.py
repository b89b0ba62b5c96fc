"""The secretariat's actions on an invoice's delivery (the delivery itself is shown on the invoice
page, ``templatetags/membership_delivery``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.access import secretariat_required
from core.pages import confirm_page

from . import transmissions
from .models import Invoice


@secretariat_required
@require_http_methods(["GET", "POST"])
def invoice_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed or rejected e-invoice again: GET asks, POST queues it (once)."""
    invoice = get_object_or_404(Invoice.objects.select_related("actor"), pk=pk)
    page = reverse("membership:invoice_detail", args=[invoice.pk])
    return confirm_page(
        request,
        action=lambda: transmissions.transmission_send_again(invoice=invoice),
        title=_("Send e-invoice %(number)s again") % {"number": invoice.number},
        explanation=_(
            "The e-invoice is handed to the access point again, to %(receiver)s. Do this after "
            "the reason it failed or was rejected has been dealt with."
        )
        % {"receiver": transmissions.receiver_for(invoice)},
        confirm_label=_("Send again"),
        cancel_url=page,
        success_message=_("The e-invoice was queued again."),
        done_url=page,
    )
