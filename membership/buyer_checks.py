"""What the invoice run knows, before issuing, about a buyer's e-invoice: the warnings that stop
the run (an access point would reject the document, or it cannot be delivered) and the notices
for the secretariat to check. Used by ``invoicing.issue_check``."""

import re

from django.utils.translation import gettext as _

from actors.models import Actor

from .fees import FeeRow


def buyer_endpoint(peppol_id: str, org_number: str) -> tuple[str, str]:
    """The buyer's Peppol address (scheme, identifier): its participant id, else 0007 and the
    organisation number's ten digits. A participant id in scheme 9955 (a Swedish VAT number,
    no longer in Peppol's code list) is addressed by the organisation number inside it."""
    if peppol_id and ":" in peppol_id:
        scheme, value = peppol_id.split(":", 1)
        if scheme == "9955" and re.fullmatch(r"SE\d{10}01", value):
            return "0007", value[2:12]
        return scheme, value
    return "0007", re.sub(r"\D", "", org_number)


def check_buyer(row: FeeRow, reference: str) -> None:
    """Add the warnings and notices of one preview row; ``reference`` is the BuyerReference the
    invoice will carry (``invoicing.buyer_reference``)."""
    actor = row.actor
    if actor.paid_internally:
        return
    if not actor.org_number:
        row.warnings.append(
            _(
                "no organisation number: an e-invoice without one is rejected "
                "(PEPPOL-EN16931-R008). Edit the actor and enter it."
            )
        )
    if actor.invoice_delivery == Actor.InvoiceDelivery.PEPPOL:
        if not reference:
            row.warnings.append(
                _(
                    "e-invoice (Peppol) without an invoice reference: the buyer's reference "
                    "is required (BuyerReference, PEPPOL-EN16931-R003). Edit the actor and "
                    "enter its invoice reference, or choose PDF by e-mail."
                )
            )
        if not actor.peppol_id and actor.org_number:
            scheme, value = buyer_endpoint("", actor.org_number)
            row.notices.append(
                _(
                    "no Peppol participant id: the e-invoice is addressed to %(endpoint)s "
                    "(the organisation number). Edit the actor if its Peppol address differs."
                )
                % {"endpoint": f"{scheme}:{value}"}
            )
    elif not actor.invoice_email:
        row.warnings.append(
            _(
                "PDF by e-mail without an invoice e-mail address. Edit the actor and enter "
                "its invoice e-mail, or choose e-invoice (Peppol)."
            )
        )
