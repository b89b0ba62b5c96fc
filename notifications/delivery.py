"""Deliver the outbox: claim rows, send them on their channel, record each outcome at once, and
delete what is old. Run by the workers (``notifications.tasks``); never sends a row twice."""

import contextlib
import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import channels
from .models import Notification


def notifications_deliver(notification_ids: Iterable[int]) -> dict[int, int]:
    """Deliver several notifications, each channel's over one connection (one SMTP session for
    the e-mails). The batch's rows are claimed together (locked, then pending → sending in one
    update; rows another worker holds are skipped), each outcome is recorded as soon as it is
    known. Returns {id: seconds to wait} for those to try again."""
    claimed = _claim(list(notification_ids))
    retries = {}
    if not claimed:
        return retries
    with contextlib.ExitStack() as stack:
        connections = {}
        for key in dict.fromkeys(notification.channel for notification in claimed):
            with contextlib.suppress(LookupError):  # an unknown channel fails each row itself
                connections[key] = stack.enter_context(channels.get(key).batch())
        for notification in claimed:
            delay = _send_claimed(notification, connection=connections.get(notification.channel))
            if delay is not None:
                retries[notification.pk] = delay
    return retries


def _claim(ids: list[int]) -> list[Notification]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                pk__in=ids,
                status=Notification.Status.PENDING,
            )
            .select_related("recipient")
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Notification.Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1
        )
    for row in rows:
        row.status, row.sending_started_at, row.attempts = (
            Notification.Status.SENDING,
            now,
            row.attempts + 1,
        )
    return rows


def _backoff(attempts: int) -> int:
    return min(30 * 2 ** (attempts - 1), 3600)


def notification_deliver(notification_id: int, *, connection: Any = None) -> int | None:
    """Claim, send and record one notification. Returns seconds to wait before a retry, or None.
    ``connection``: an open e-mail connection to reuse (else one is opened for this message).

    The claim is a conditional update (pending → sending), so two workers, a retry or a
    re-queue never send the same row twice.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=notification_id,
        status=Notification.Status.PENDING,
    ).update(status=Notification.Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    return _send_claimed(notification, connection=connection)


def _send_claimed(notification: Notification, *, connection: Any = None) -> int | None:
    """Send a row this worker has claimed and record the outcome at once."""
    try:
        channel = channels.get(notification.channel)
    except LookupError as exc:  # a channel that was removed: no retry brings it back
        _finish(notification, Notification.Status.FAILED, str(exc))
        return None
    try:
        channel.send(notification, connection=connection)
    except channels.PermanentError as exc:
        _finish(notification, Notification.Status.FAILED, str(exc))
        return None
    except Exception as exc:  # transient: network, server busy, anything unexpected
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            _finish(notification, Notification.Status.FAILED, str(exc))
            return None
        delay = _backoff(notification.attempts)
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING,
            last_error=str(exc)[:2000],
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        )
        return delay
    _finish(notification, Notification.Status.SENT, "")
    return None


def _finish(notification: Notification, status: str, error: str) -> None:
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=status,
        last_error=error[:2000],
        sent_at=timezone.now() if status == Notification.Status.SENT else None,
    )


def stale_ids(*, now: datetime.datetime | None = None) -> list[int]:
    """What waited too long, made pending again for the sweep to queue: sending rows whose worker
    died, pending rows whose task never reached a worker (Redis was down)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)
    orphaned = list(
        Notification.objects.filter(
            status=Notification.Status.SENDING, sending_started_at__lt=stale
        ).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=orphaned, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING, next_attempt_at=None
    )
    ids = orphaned + list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=stale) | Q(next_attempt_at__lt=stale)
        )
        .exclude(pk__in=orphaned)
        .values_list("pk", flat=True)[:5000]
    )
    return ids


def purge_old(*, now: datetime.datetime | None = None) -> int:
    """Delete notifications older than ``NOTIFICATION_RETENTION_DAYS`` that are done with (sent,
    failed or unreachable); one still waiting or being sent is never purged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    done = [Notification.Status.SENT, Notification.Status.FAILED, Notification.Status.UNREACHABLE]
    deleted, _by_model = Notification.objects.filter(
        created_at__lt=cutoff, status__in=done
    ).delete()
    return deleted
