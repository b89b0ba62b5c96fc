"""The outbox's Peppol channel: an invoice's e-invoice leaves through the access point named by
``ACCESS_POINT_BACKEND``. Registered by ``MembershipConfig.ready()``; the outbox claims, retries
and records the row as for any channel, so the document is handed over once."""

import base64
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.channels.base import Channel, PermanentError

from . import access_point, transmissions
from .buyer_checks import buyer_endpoint


class PeppolChannel(Channel):
    key = "peppol"
    label = _("Peppol e-invoice")
    unreachable_reason = _("The buyer has no Peppol participant id or organisation number.")
    order = 40
    rich = True  # the row keeps the attachment: the XML to hand over
    personal = False  # an organisation's address: no person chooses it

    def address_for(self, person) -> str:
        return ""  # a person has no Peppol id: messages name the buyer's

    def address_of(self, message) -> str:
        return message.address

    def body_for(self, message) -> str:
        return message.body

    def send(self, notification: Any, connection: Any = None) -> None:
        """Validate the attached UBL as an access point would, hand it over with the row's uid as
        the reference (the same on every retry: a repeat is dropped) and record the transmission
        id. A document the access point cannot take, or the last attempt, marks the
        transmission failed with the reason."""
        try:
            transmission_id = self._hand_over(notification)
        except PermanentError as exc:
            transmissions.transmission_failed(notification=notification, reason=str(exc))
            raise
        except Exception as exc:
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                transmissions.transmission_failed(notification=notification, reason=str(exc))
            raise
        transmissions.transmission_sent(notification=notification, transmission_id=transmission_id)

    def _hand_over(self, notification: Any) -> str:
        from .formats.peppol_validation import fatal, validate

        documents = [
            a for a in notification.attachments if a.get("mimetype") == transmissions.XML_MIMETYPE
        ]
        if len(documents) != 1:
            raise PermanentError("The message carries no e-invoice (one XML attachment).")
        document = base64.b64decode(documents[0]["content"])
        errors = fatal(validate(document))
        if errors:
            rules = ", ".join(dict.fromkeys(finding.rule for finding in errors))
            raise PermanentError(f"Not valid Peppol BIS Billing 3.0: {rules}")
        invoice = notification.about
        # The seller's address as the XML gives it (its EndpointID).
        org_number = (invoice.seller or {}).get("org_number", "") if invoice else ""
        scheme, seller = buyer_endpoint("", org_number)
        if not seller:
            raise PermanentError("The invoice names no seller organisation number.")
        return access_point.access_point().send(
            document=document,
            sender=f"{scheme}:{seller}",
            receiver=notification.address,
            reference=str(notification.uid),
        )
