"""The documents of an issued invoice or credit note: its Peppol XML, its PDF and the e-mail to
the invoice address, each made once (run by a worker, ``membership.tasks``)."""

from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import Invoice

if TYPE_CHECKING:
    from notifications.services import Outgoing


def invoice_address_message(
    invoice: Invoice, *, subject: str, body: str, key: str, attachments: list[dict] | None = None
) -> "Outgoing":
    """An e-mail about the invoice to its invoice address, for the invoice contact of the actor's
    latest agreement (if one is named)."""
    from notifications.models import Channel
    from notifications.services import Outgoing

    return Outgoing(
        recipient=selectors.invoice_contact(invoice.actor),
        kind="invoice",
        subject=subject,
        body=body,
        reason=_("Sent to the invoice address of %(actor)s.") % {"actor": invoice.actor.name},
        key=key,
        about=invoice,
        channels=(Channel.EMAIL,),
        address=invoice.buyer_email,
        attachments=attachments or [],
    )


def invoice_documents(invoice_id: int) -> Invoice | None:
    """Make what is missing for one invoice: XML, PDF, e-mail. Each is made once."""
    from notifications.services import attachment, notifications_queue

    from .formats.peppol import invoice_xml
    from .pdf import invoice_pdf

    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            return None
        if not invoice.xml:
            invoice.xml.save(f"{invoice.number}.xml", ContentFile(invoice_xml(invoice)), save=False)
            invoice.save(update_fields=["xml"])
        if not invoice.pdf:
            invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(invoice_pdf(invoice)), save=False)
            invoice.save(update_fields=["pdf"])
        if invoice.emailed_at is None and invoice.buyer_email:
            invoice.pdf.seek(0)
            message = invoice_address_message(
                invoice,
                subject=_("Invoice %(number)s from Samverkan Stockholmsregionen")
                % {"number": invoice.number},
                body=_(
                    "The membership fee invoice is attached. Amount: %(amount)s SEK, "
                    "due %(due)s, OCR %(ocr)s."
                )
                % {
                    "amount": f"{invoice.total:.2f}",
                    "due": invoice.due_date.isoformat(),
                    "ocr": invoice.ocr,
                },
                key=f"invoice:{invoice.pk}",
                attachments=[
                    attachment(f"{invoice.number}.pdf", invoice.pdf.read(), "application/pdf")
                ],
            )
            notifications_queue([message])
            invoice.emailed_at = timezone.now()
            invoice.save(update_fields=["emailed_at"])
    return invoice
