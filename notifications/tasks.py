"""Workers send the outbox; beat sweeps up what was left behind."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def deliver(self, notification_id: int) -> None:
    """Send one notification. Idempotent: the row is claimed before anything is sent."""
    delay = services.notification_deliver(notification_id)
    if delay is not None and not self.request.is_eager:
        raise self.retry(countdown=delay)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_batch(self, notification_ids: list[int]) -> None:
    """Send several notifications over one connection. Each row is claimed before it is sent, so
    a repeated batch sends nothing twice; a message that failed for now is retried on its own."""
    retries = services.notifications_deliver(notification_ids)
    if self.request.is_eager:
        return
    for notification_id, delay in retries.items():
        deliver.apply_async((notification_id,), countdown=delay)


@shared_task(ignore_result=True)
def requeue_stale() -> int:
    return services.requeue_stale()


@shared_task(ignore_result=True)
def purge_old() -> int:
    return services.purge_old()
