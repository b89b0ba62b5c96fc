from celery import shared_task

from .documents import invoice_documents
from .services import invoice_reminders_send


@shared_task(acks_late=True, ignore_result=True)
def produce_invoice_documents(invoice_id: int) -> None:
    """PDF, Peppol XML and e-mail for one invoice or credit note; only what is missing (safe to
    repeat)."""
    invoice_documents(invoice_id)


@shared_task(ignore_result=True)
def send_invoice_reminders() -> int:
    """Daily: a reminder for every overdue, unpaid invoice (once each)."""
    return invoice_reminders_send()
