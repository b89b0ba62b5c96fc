import logging

from celery import shared_task

from .documents import invoice_documents, invoices_missing_documents, stale_temporary_files_remove
from .services import invoice_reminders_send

logger = logging.getLogger(__name__)


# acks_late with reject_on_worker_lost: a worker killed while rendering gives the message back to
# the broker; whatever is lost anyway (the whole worker died) the sweep below finds.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def produce_invoice_documents(invoice_id: int) -> None:
    """PDF, Peppol XML and e-mail for one invoice or credit note; only what is missing (safe to
    repeat)."""
    invoice_documents(invoice_id)


@shared_task(ignore_result=True)
def sweep_invoice_documents() -> int:
    """Beat, every few minutes: queue the documents again for every invoice or credit note that
    still lacks its PDF, XML or e-mail after the grace period (its worker died, the broker was
    down) or whose file is gone from storage; remove what a killed write left half done."""
    from core.queue import publish

    stale_temporary_files_remove()
    ids = invoices_missing_documents()
    queued = 0
    for invoice_id in ids:
        if not publish(produce_invoice_documents, invoice_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    if ids:
        logger.warning("Invoice documents missing for %s invoice(s); queued %s.", len(ids), queued)
    return queued


@shared_task(ignore_result=True)
def send_invoice_reminders() -> int:
    """Daily: a reminder for every overdue, unpaid invoice (once each)."""
    return invoice_reminders_send()


@shared_task(ignore_result=True)
def poll_invoice_transmissions() -> dict[str, int]:
    """Every ACCESS_POINT_POLL_SECONDS: ask the access point what became of the e-invoices it
    took, and record those delivered or rejected (a bounded batch per run)."""
    from .transmissions import transmissions_poll

    return transmissions_poll()
