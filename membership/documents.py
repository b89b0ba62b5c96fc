"""The documents of an issued invoice or credit note: its Peppol XML, its PDF and the e-mail to
the invoice address, each made once (run by a worker, ``membership.tasks``; a beat sweep makes
what a dead worker left behind; a download makes a missing file on demand).

A document file is written after the invoice's own transaction has committed, under a name that
follows from the invoice number alone (``invoices/<number>.pdf``): rendered to bytes, written to a
temporary file in the same directory and renamed into place, then recorded in the row (a
set-once column) while the row is locked. A process that dies between the rename and the record
leaves a file that the next attempt writes again under the same name and records, so no file is
left that no row names; a recorded file that is gone from storage is written again under its
recorded name (the column does not change, so the append-only trigger allows it). The number,
and what the document says, never change: an invoice row cannot be edited.
"""

import contextlib
import datetime
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import Invoice

if TYPE_CHECKING:
    from django.core.files.storage import Storage

    from notifications.services import Outgoing

logger = logging.getLogger(__name__)

# The two files of an invoice, by the name of the model field (also their file extension).
DOCUMENT_FIELDS = ("xml", "pdf")
DOCUMENT_DIRECTORY = "invoices"
TEMPORARY_SUFFIX = ".part"


class DocumentUnavailable(Exception):
    """A document could not be made just now (rendering or storage failed); the sweep tries
    again."""


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


# --- Files ------------------------------------------------------------------------------------


def _storage(field_name: str) -> "Storage":
    return Invoice._meta.get_field(field_name).storage


def document_name(invoice: Invoice, field_name: str) -> str:
    """Where the document is stored: the name recorded in the row, or the one it will get (the
    same for every attempt)."""
    return (
        getattr(invoice, field_name).name or f"{DOCUMENT_DIRECTORY}/{invoice.number}.{field_name}"
    )


def document_missing(invoice: Invoice, field_name: str) -> bool:
    """No file recorded, or the recorded file is gone from storage."""
    name = getattr(invoice, field_name).name
    return not name or not _storage(field_name).exists(name)


def _render(invoice: Invoice, field_name: str) -> bytes:
    from .formats.peppol import invoice_xml
    from .pdf import invoice_pdf

    return invoice_pdf(invoice) if field_name == "pdf" else invoice_xml(invoice)


def _write_atomically(storage: "Storage", name: str, content: bytes) -> None:
    """Readers see the whole file or none: a temporary file in the same directory, flushed to
    disk, renamed over the final name."""
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        mode = getattr(storage, "file_permissions_mode", None)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _remove_unless_recorded(invoice_id: int, field_name: str, name: str) -> None:
    """After a failed record: remove the file just written unless a row names it (checked under
    the row lock, so a file another process is recording is never removed)."""
    try:
        with transaction.atomic():
            recorded = (
                Invoice.objects.select_for_update()
                .filter(pk=invoice_id)
                .values_list(field_name, flat=True)
                .first()
            )
            if recorded != name:
                _storage(field_name).delete(name)
    except Exception:  # the database is gone too: the next attempt rewrites the same name
        logger.exception("Could not check %s of invoice %s after a failure.", name, invoice_id)


def _write_missing(locked: Invoice, field_name: str, content: bytes) -> bool:
    """Write the document of the locked row under its name, unless another process made it
    meanwhile. Returns whether a new name was set on the row (to be saved by the caller)."""
    storage = _storage(field_name)
    recorded = getattr(locked, field_name).name
    if recorded and storage.exists(recorded):
        return False  # another process made it meanwhile
    name = document_name(locked, field_name)
    _write_atomically(storage, name, content)
    if recorded:
        return False  # made again under its recorded name
    setattr(locked, field_name, name)
    return True


def _store(invoice: Invoice, field_name: str, content: bytes) -> None:
    """Write the document under its name and record the name, under the row lock: two processes
    making the same document write it once."""
    written = ""
    try:
        with transaction.atomic():
            locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
            if _write_missing(locked, field_name, content):
                written = getattr(locked, field_name).name
                locked.save(update_fields=[field_name])
    except BaseException:
        if written:
            _remove_unless_recorded(invoice.pk, field_name, written)
        raise


def invoice_document(invoice: Invoice, field_name: str) -> Invoice:
    """The invoice with its ``field_name`` document in storage, made now if it is missing (a
    download does not wait for the worker). Raises DocumentUnavailable if it cannot be made."""
    if not document_missing(invoice, field_name):
        return invoice
    logger.warning("Invoice %s has no %s in storage; making it now.", invoice.number, field_name)
    try:
        _store(invoice, field_name, _render(invoice, field_name))
    except Exception as exc:
        logger.exception("Could not make the %s of invoice %s.", field_name, invoice.number)
        raise DocumentUnavailable(invoice.number) from exc
    return Invoice.objects.select_related("actor", "credited_invoice").get(pk=invoice.pk)


# --- The worker's job -------------------------------------------------------------------------


def _hand_over(invoice: Invoice, rendered: dict[str, bytes]) -> list[str]:
    """The locked invoice handed to the outbox, once: the e-invoice to the access point (with its
    transmission, ``transmissions``) for Peppol delivery, the PDF by e-mail for e-mail delivery,
    nothing for "not sent". ``emailed_at`` ("handed to the outbox") decides, and the outbox's key
    refuses a second message for the same invoice whatever happens. Returns the fields set.
    ``rendered``: the documents made just now (the others are read from storage)."""
    from notifications.services import attachment, notifications_queue

    from . import transmissions
    from .messages import invoice_email_text

    if not _awaits_hand_over(invoice):
        return []

    def content(field_name: str) -> bytes:
        if field_name in rendered:
            return rendered[field_name]
        with getattr(invoice, field_name).open("rb") as stored:
            return stored.read()

    if invoice.delivery == Invoice.Delivery.PEPPOL:
        transmissions.transmission_queue(invoice=invoice, xml=content("xml"))
    else:
        message = invoice_address_message(
            invoice,
            subject=_("Invoice %(number)s from Samverkan Stockholmsregionen")
            % {"number": invoice.number},
            body=invoice_email_text(invoice),
            key=f"invoice:{invoice.pk}",
            attachments=[attachment(f"{invoice.number}.pdf", content("pdf"), "application/pdf")],
        )
        notifications_queue([message])
    invoice.emailed_at = timezone.now()
    return ["emailed_at"]


def _handed_over_by_outbox(invoice: Invoice) -> bool:
    """Whether the invoice leaves through the outbox: an e-invoice always (a buyer without a
    Peppol id gets a failed transmission the page shows), an e-mail when there is an address."""
    if invoice.delivery == Invoice.Delivery.PEPPOL:
        return True
    return invoice.delivery == Invoice.Delivery.EMAIL and bool(invoice.buyer_email)


def _awaits_hand_over(invoice: Invoice) -> bool:
    """Not yet handed to the outbox, and it leaves through it."""
    return invoice.emailed_at is None and _handed_over_by_outbox(invoice)


def invoice_documents(invoice_id: int) -> Invoice | None:
    """Make what is missing for one invoice: XML, PDF, hand-over to the outbox. The documents
    are rendered first, outside any transaction; then, in one transaction under the row lock,
    the files are written and recorded and the invoice is handed over (one write of the row,
    one history entry). Each is made once; a file that is recorded but gone from storage is
    made again under its name. Safe to repeat; a failure records nothing and leaves no file
    that no row names."""
    invoice = (
        Invoice.objects.select_related("actor").prefetch_related("lines").filter(pk=invoice_id)
    ).first()
    if invoice is None:
        logger.warning("Invoice %s is gone; no documents to make.", invoice_id)
        return None
    if not invoice.has_documents:  # an internal settlement is booked, never sent
        return invoice
    rendered = {
        field_name: _render(invoice, field_name)
        for field_name in DOCUMENT_FIELDS
        if document_missing(invoice, field_name)
    }
    if not rendered and not _awaits_hand_over(invoice):
        return invoice  # a repeat: all is done
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            locked = (
                Invoice.objects.select_for_update(of=("self",))
                .select_related("actor")
                .get(pk=invoice_id)
            )
            changed = []
            for field_name, content in rendered.items():
                if _write_missing(locked, field_name, content):
                    written.append((field_name, getattr(locked, field_name).name))
                    changed.append(field_name)
            changed += _hand_over(locked, rendered)
            if changed:
                locked.save(update_fields=changed)
    except BaseException:
        for field_name, name in written:
            _remove_unless_recorded(invoice_id, field_name, name)
        raise
    return locked


# --- The sweep --------------------------------------------------------------------------------


def invoices_missing_documents(*, now: datetime.datetime | None = None) -> list[int]:
    """Invoices and credit notes issued more than ``INVOICE_DOCUMENT_GRACE_SECONDS`` ago that
    lack their XML or PDF, or were not yet handed to the outbox (e-invoice or e-mail, as their
    delivery says), or whose recorded file is gone from storage."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.INVOICE_DOCUMENT_GRACE_SECONDS)
    rows = (
        Invoice.objects.filter(created_at__lte=cutoff)
        .exclude(kind=Invoice.Kind.INTERNAL)
        .order_by("pk")
        .values_list("pk", "xml", "pdf", "emailed_at", "buyer_email", "delivery")
    )
    missing = []
    for pk, xml, pdf, emailed_at, buyer_email, delivery in rows:
        handed_over = _handed_over_by_outbox(Invoice(buyer_email=buyer_email, delivery=delivery))
        if (
            not xml
            or not pdf
            or (emailed_at is None and handed_over)
            or not _storage("xml").exists(xml)
            or not _storage("pdf").exists(pdf)
        ):
            missing.append(pk)
    return missing


def stale_temporary_files_remove(*, now: datetime.datetime | None = None) -> int:
    """Temporary files of a write that a killed process never finished (older than the grace
    period; a live write takes milliseconds)."""
    now = now or timezone.now()
    cutoff = (now - datetime.timedelta(seconds=settings.INVOICE_DOCUMENT_GRACE_SECONDS)).timestamp()
    directory = Path(_storage("pdf").path(DOCUMENT_DIRECTORY))
    removed = 0
    if not directory.is_dir():
        return 0
    for path in directory.rglob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
