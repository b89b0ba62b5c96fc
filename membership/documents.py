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


def _store(invoice: Invoice, field_name: str, content: bytes) -> None:
    """Write the document under its name and record the name, under the row lock: two processes
    making the same document write it once."""
    storage = _storage(field_name)
    written = ""
    try:
        with transaction.atomic():
            locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
            recorded = getattr(locked, field_name).name
            if recorded and storage.exists(recorded):
                return  # another process made it meanwhile
            name = document_name(locked, field_name)
            _write_atomically(storage, name, content)
            if not recorded:
                written = name
                setattr(locked, field_name, name)
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


def _email(invoice_id: int, pdf: bytes | None) -> None:
    """The invoice e-mail, queued once: the row lock and ``emailed_at`` decide, and the outbox's
    key refuses a second message for the same invoice whatever happens."""
    from notifications.services import attachment, notifications_queue

    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("actor").get(pk=invoice_id)
        if invoice.emailed_at is not None or not invoice.buyer_email:
            return
        if pdf is None:
            with invoice.pdf.open("rb") as stored:
                pdf = stored.read()
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
            attachments=[attachment(f"{invoice.number}.pdf", pdf, "application/pdf")],
        )
        notifications_queue([message])
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])


def invoice_documents(invoice_id: int) -> Invoice | None:
    """Make what is missing for one invoice: XML, PDF, e-mail. Each is made once; a file that
    is recorded but gone from storage is made again under its name. Safe to repeat."""
    invoice = Invoice.objects.select_related("actor").filter(pk=invoice_id).first()
    if invoice is None:
        logger.warning("Invoice %s is gone; no documents to make.", invoice_id)
        return None
    pdf = None
    for field_name in DOCUMENT_FIELDS:
        if document_missing(invoice, field_name):
            content = _render(invoice, field_name)
            _store(invoice, field_name, content)
            if field_name == "pdf":
                pdf = content
    _email(invoice_id, pdf)
    return Invoice.objects.select_related("actor").get(pk=invoice_id)


# --- The sweep --------------------------------------------------------------------------------


def invoices_missing_documents(*, now: datetime.datetime | None = None) -> list[int]:
    """Invoices and credit notes issued more than ``INVOICE_DOCUMENT_GRACE_SECONDS`` ago that
    lack their XML, PDF or e-mail, or whose recorded file is gone from storage."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.INVOICE_DOCUMENT_GRACE_SECONDS)
    rows = (
        Invoice.objects.filter(created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", "xml", "pdf", "emailed_at", "buyer_email")
    )
    missing = []
    for pk, xml, pdf, emailed_at, buyer_email in rows:
        if (
            not xml
            or not pdf
            or (emailed_at is None and buyer_email)
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
