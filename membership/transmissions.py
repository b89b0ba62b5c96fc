"""E-invoices through the Peppol access point, carried by the outbox (nothing lost, nothing sent
twice): the message is queued with the invoice's documents (``documents._email``), the outbox's
``peppol`` channel (``peppol_channel``) hands it to the access point and records the transmission
id here, beat polls the access point for the outcome, and the secretariat sends a failed or
rejected e-invoice again from the invoice page."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.channels.base import PermanentError, TransientError

from . import access_point as ap
from .buyer_checks import buyer_endpoint
from .models import Invoice, InvoiceTransmission

logger = logging.getLogger(__name__)

CHANNEL = "peppol"
XML_MIMETYPE = "application/xml"
# Transmissions asked about per poll: the rest wait for the next one.
POLL_BATCH = 200


def receiver_for(invoice: Invoice) -> str:
    """The buyer's Peppol participant id, as the XML's EndpointID names it (``buyer_endpoint``:
    the recorded id, else 0007 and the organisation number); empty when there is neither."""
    scheme, value = buyer_endpoint(invoice.buyer_peppol_id, invoice.buyer_org_number)
    return f"{scheme}:{value}" if value else ""


def message_key(invoice: Invoice, resends: int = 0) -> str:
    """The outbox key of the invoice's e-invoice; a resend as a new message has a suffix."""
    key = f"invoice-peppol:{invoice.pk}"
    return f"{key}:again-{resends}" if resends else key


def _message(invoice: Invoice, xml: bytes, *, key: str, receiver: str):
    from notifications.services import Outgoing, attachment

    return Outgoing(
        recipient=None,
        kind="invoice",
        subject=_("E-invoice %(number)s") % {"number": invoice.number},
        body=_("E-invoice %(number)s to %(actor)s through Peppol.")
        % {"number": invoice.number, "actor": invoice.actor.name},
        reason=_("Sent to the Peppol participant of %(actor)s.") % {"actor": invoice.actor.name},
        key=key,
        about=invoice,
        channels=(CHANNEL,),
        address=receiver,
        attachments=[attachment(f"{invoice.number}.xml", xml, XML_MIMETYPE)],
    )


def _queue(invoice: Invoice, xml: bytes, *, key: str, receiver: str) -> str:
    """Queue the message in the caller's transaction; returns the outbox row's uid."""
    from notifications.models import Notification
    from notifications.services import notifications_queue

    notifications_queue([_message(invoice, xml, key=key, receiver=receiver)])
    return str(
        Notification.objects.filter(dedupe_key__startswith=f"{key}:{CHANNEL}:")
        .values_list("uid", flat=True)
        .get()
    )


def transmission_queue(*, invoice: Invoice, xml: bytes) -> InvoiceTransmission:
    """The invoice's e-invoice, queued in the outbox, and its transmission (queued). Called in
    the transaction that holds the invoice's row lock (``documents._hand_over``)."""
    receiver = receiver_for(invoice)
    transmission = InvoiceTransmission.objects.filter(invoice=invoice).first()
    if transmission is None and receiver:
        # The usual case, the first hand-over: the row is written once, with its message.
        return InvoiceTransmission.objects.create(
            invoice=invoice,
            receiver=receiver,
            notification_uid=_queue(invoice, xml, key=message_key(invoice, 0), receiver=receiver),
            status_changed_at=timezone.now(),
        )
    if transmission is None:
        transmission = InvoiceTransmission.objects.create(invoice=invoice, receiver=receiver)
    if not receiver:
        _set(
            transmission,
            InvoiceTransmission.Status.FAILED,
            _("The buyer has no Peppol participant id or organisation number."),
        )
        return transmission
    transmission.notification_uid = _queue(
        invoice, xml, key=message_key(invoice, transmission.resends), receiver=receiver
    )
    transmission.status_changed_at = timezone.now()
    transmission.save(update_fields=["notification_uid", "status_changed_at"])
    return transmission


def _set(transmission: InvoiceTransmission, status: str, detail: str = "", **fields) -> None:
    transmission.status = status
    transmission.detail = detail[:2000]
    transmission.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(transmission, name, value)
    transmission.save(update_fields=["status", "detail", "status_changed_at", *fields])


def _current(notification) -> InvoiceTransmission | None:
    """The transmission this outbox row carries (None if a resend replaced the row)."""
    return (
        InvoiceTransmission.objects.select_for_update()
        .filter(invoice_id=notification.object_id, notification_uid=notification.uid)
        .first()
    )


@transaction.atomic
def transmission_sent(*, notification, transmission_id: str) -> None:
    """The access point took the document: record its transmission id."""
    transmission = _current(notification)
    if transmission is None or transmission.status != InvoiceTransmission.Status.QUEUED:
        return
    now = timezone.now()
    _set(
        transmission,
        InvoiceTransmission.Status.SENT,
        transmission_id=transmission_id,
        sent_at=now,
    )


@transaction.atomic
def transmission_failed(*, notification, reason: str) -> None:
    """The outbox gave up on the message (refused, invalid, or out of attempts)."""
    transmission = _current(notification)
    if transmission is None or transmission.status != InvoiceTransmission.Status.QUEUED:
        return
    _set(transmission, InvoiceTransmission.Status.FAILED, reason)


def transmissions_poll(*, batch: int = POLL_BATCH) -> dict[str, int]:
    """Ask the access point about every sent transmission (the longest-unasked first, at most
    ``batch``) and record those delivered, rejected or failed. A transient error leaves it for
    the next poll. Returns how many reached each state."""
    backend = ap.access_point()
    counts: dict[str, int] = {}
    ids = list(
        InvoiceTransmission.objects.filter(status=InvoiceTransmission.Status.SENT)
        .order_by(F("polled_at").asc(nulls_first=True), "pk")
        .values_list("pk", "transmission_id")[:batch]
    )
    for pk, transmission_id in ids:
        try:
            answer = backend.status(transmission_id)
        except TransientError as exc:
            logger.warning("Access point status of %s: %s", transmission_id, exc)
            InvoiceTransmission.objects.filter(pk=pk).update(polled_at=timezone.now())
            continue
        except PermanentError as exc:
            answer = ap.TransmissionStatus(ap.FAILED, str(exc))
        with transaction.atomic():
            transmission = (
                InvoiceTransmission.objects.select_for_update()
                .filter(pk=pk, status=InvoiceTransmission.Status.SENT)
                .first()
            )
            if transmission is None:
                continue
            if answer.state == ap.SENT:
                transmission.polled_at = timezone.now()
                transmission.save(update_fields=["polled_at"])
                continue
            _set(transmission, answer.state, answer.detail, polled_at=timezone.now())
        counts[answer.state] = counts.get(answer.state, 0) + 1
    return counts


@transaction.atomic
def transmission_send_again(*, invoice: Invoice) -> None:
    """The secretariat sends a failed or rejected e-invoice again. A message the outbox gave up
    on is queued again as it was (same uid: an access point that took it after all drops the
    repeat); one the access point took (rejected later) or that is gone is queued as a new
    message with a new reference. Under the transmission's row lock and only from failed or
    rejected: a second click sends nothing (ValidationError)."""
    from notifications.models import Notification
    from notifications.services import notification_retry

    transmission = InvoiceTransmission.objects.select_for_update().filter(invoice=invoice).first()
    if transmission is None or not transmission.can_send_again:
        raise ValidationError(
            _("Only a failed or rejected e-invoice can be sent again."), code="not_failed"
        )
    receiver = receiver_for(invoice)
    if not receiver:
        raise ValidationError(
            _("The buyer has no Peppol participant id or organisation number."), code="receiver"
        )
    row = (
        Notification.objects.filter(uid=transmission.notification_uid).first()
        if transmission.notification_uid
        else None
    )
    if row is not None and row.status == Notification.Status.FAILED:
        notification_retry(notification=row)
        _set(transmission, InvoiceTransmission.Status.QUEUED)
        return
    with invoice.xml.open("rb") as stored:
        xml = stored.read()
    transmission.resends += 1
    transmission.receiver = receiver
    transmission.transmission_id = ""
    transmission.notification_uid = _queue(
        invoice, xml, key=message_key(invoice, transmission.resends), receiver=receiver
    )
    _set(
        transmission,
        InvoiceTransmission.Status.QUEUED,
        resends=transmission.resends,
        receiver=receiver,
        transmission_id="",
        notification_uid=transmission.notification_uid,
    )


def outbox_row(transmission: InvoiceTransmission):
    """The outbox row carrying the transmission (None once purged)."""
    from notifications.models import Notification

    if not transmission.notification_uid:
        return None
    return Notification.objects.filter(uid=transmission.notification_uid).first()
