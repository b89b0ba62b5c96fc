"""Beat: the nightly retention purge of the audit trail."""

from celery import shared_task

from . import audit


@shared_task(ignore_result=True)
def purge_audit_events() -> int:
    return audit.purge_old()
