"""Workers send the outbox; beat sweeps up what was left behind."""

import logging
from collections.abc import Iterable

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)

# Messages per delivery task: one task round trip and one SMTP connection serve many messages
# (an alert to every seat holder is thousands), while two worker processes still share them.
DELIVERY_BATCH = 25


def enqueue(ids: Iterable[int]) -> int:
    """Hand rows to the workers in batches. If the broker is down the rows stay pending for the
    sweep. Returns how many rows were queued."""
    ids = list(ids)
    queued = 0
    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        try:
            deliver_batch.apply_async((batch,), retry=False)
        except Exception as exc:  # the broker is unreachable: the beat sweep will try again
            logger.warning("Could not queue notifications %s…: %s", batch[0], exc)
            break
        queued += len(batch)
    return queued


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver(self, notification_id: int) -> None:
    """Send one notification. Idempotent: the row is claimed before anything is sent."""
    delay = delivery.notification_deliver(notification_id)
    if delay is not None and not self.request.is_eager:
        raise self.retry(countdown=delay)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_batch(self, notification_ids: list[int]) -> None:
    """Send several notifications over one connection. Each row is claimed before it is sent, so
    a repeated batch sends nothing twice; a message that failed for now is retried on its own."""
    retries = delivery.notifications_deliver(notification_ids)
    if self.request.is_eager:
        return
    for notification_id, delay in retries.items():
        deliver.apply_async((notification_id,), countdown=delay)


@shared_task(ignore_result=True)
def requeue_stale() -> int:
    """Queue again what was left behind: rows whose worker died (their lease ran out) and rows
    whose task never reached a worker (Redis was down). Runs every NOTIFICATION_SWEEP_SECONDS."""
    return enqueue(delivery.stale_ids())


@shared_task(ignore_result=True)
def purge_old() -> int:
    return delivery.purge_old()
