"""Periodic work for forums."""

import logging

from celery import shared_task

from .services import forum_access_sync

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def sync_forum_access() -> dict[str, int]:
    """Re-derive forum access for everyone: assignments and representations start and end on
    dates, so yesterday's holder loses access overnight without anyone touching a form."""
    granted, withdrawn = forum_access_sync()
    if granted or withdrawn:
        logger.info("Forum access: %s granted, %s withdrawn.", granted, withdrawn)
    return {"granted": granted, "withdrawn": withdrawn}
