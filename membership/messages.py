"""The texts sent to an invoice address: the invoice e-mail and the payment reminder.

They go to the buyer, so they are written in the portal's language (``settings.LANGUAGE_CODE``,
Swedish) whoever or whatever sends them, with amounts in Swedish format ("43 857,50 kr"), the
seller's bankgiro, the OCR number and the due date.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import seller
from .fees import sek
from .models import Invoice


def seller_bankgiro() -> str:
    """The seller's bankgiro as the settings give it now, "–" when none is set."""
    return seller.seller_details().get("bankgiro") or "–"


def reminder_subject(invoice: Invoice) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Reminder: invoice %(number)s") % {"number": invoice.number}


def reminder_text(invoice: Invoice, outstanding: Decimal, *, bankgiro: str | None = None) -> str:
    """The reminder of an overdue invoice: what is still to pay, where, with which OCR.
    ``bankgiro``: the seller's, when the caller has read it already (a run of reminders)."""
    values = {
        "number": invoice.number,
        "due": invoice.due_date.isoformat(),
        "amount": sek(outstanding),
        "bankgiro": seller_bankgiro() if bankgiro is None else bankgiro,
        "ocr": invoice.ocr,
    }
    with translation.override(settings.LANGUAGE_CODE):
        paragraphs = [
            _(
                "Invoice %(number)s from Samverkan Stockholmsregionen was due on %(due)s. "
                "%(amount)s is still unpaid."
            ),
            _("Please pay to bankgiro %(bankgiro)s with the OCR number %(ocr)s."),
            _("If you have paid in the last few days, please disregard this reminder."),
        ]
        return "\n\n".join(paragraph % values for paragraph in paragraphs)


def invoice_email_text(invoice: Invoice) -> str:
    """The body of the e-mail that carries an invoice's (or credit note's) PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            credited = invoice.credited_invoice
            return _(
                "Credit note %(number)s is attached. It credits %(amount)s of invoice %(credited)s."
            ) % {
                "number": invoice.number,
                "amount": sek(abs(invoice.total)),
                "credited": credited.number if credited else "–",
            }
        lines = [
            (_("Amount"), sek(invoice.total)),
            (_("Payment due date"), invoice.due_date.isoformat()),
            (_("Bankgiro"), seller_bankgiro()),
            (_("OCR reference"), invoice.ocr),
        ]
        intro = _("The membership fee invoice %(number)s is attached.") % {"number": invoice.number}
        return intro + "\n\n" + "\n".join(f"{label}: {value}" for label, value in lines)
