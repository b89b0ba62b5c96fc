"""How an invoice reaches its buyer, for the invoice page (``_invoice_delivery.html``)."""

from typing import Any

from django import template

from ..models import Invoice, InvoiceTransmission
from ..transmissions import outbox_row, receiver_for

register = template.Library()


@register.simple_tag
def invoice_delivery(invoice: Invoice) -> dict[str, Any]:
    """The delivery's facts: how (Peppol to whom, e-mail to where), the transmission and the
    outbox row that carries the message."""
    from notifications.models import Notification

    transmission = InvoiceTransmission.objects.filter(invoice=invoice).first()
    row = None
    if transmission is not None:
        row = outbox_row(transmission)
    elif invoice.delivery == Invoice.Delivery.EMAIL:
        row = (
            Notification.objects.filter(dedupe_key__startswith=f"invoice:{invoice.pk}:")
            .order_by("-pk")
            .first()
        )
    return {
        "peppol": invoice.delivery == Invoice.Delivery.PEPPOL,
        "email": invoice.delivery == Invoice.Delivery.EMAIL,
        "receiver": transmission.receiver if transmission else receiver_for(invoice),
        "transmission": transmission,
        "row": row,
    }
