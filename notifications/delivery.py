"""Deliver the outbox: claim rows, send them on their channel, record each outcome at once, and
delete what is old. Run by the workers (``notifications.tasks``).

A claim gives the rows a lease: an owner (a random token per claiming batch) and an expiry
``NOTIFICATION_LEASE_SECONDS`` ahead. Before each message the worker extends the lease of the rows
it still holds and sends the message only if it still holds it; the sweep (``stale_ids``) takes
back only rows whose lease ran out. A slow relay therefore repeats nothing: each network wait of
a message is bounded by a timeout of at most half the lease (``EMAIL_TIMEOUT``,
``SMS_GATEWAY_TIMEOUT``, checked in the settings). What can repeat is the message in flight when
a worker process is killed after the relay accepted it and before the outcome was recorded: at
most that one message per killed process, with the same Message-ID (the row's uid), so that
receiving systems can drop it.
"""

import contextlib
import datetime
import uuid
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
    known. The batch's lease is extended before each message, and a row the sweep took back
    (its lease ran out) is not sent. Returns {id: seconds to wait} for those to try again."""
    claimed = _claim(list(notification_ids), owner=_new_lease_owner())
    retries = {}
    if not claimed:
        return retries
    with contextlib.ExitStack() as stack:
        connections = {}
        for key in dict.fromkeys(notification.channel for notification in claimed):
            with contextlib.suppress(LookupError):  # an unknown channel fails each row itself
                connections[key] = stack.enter_context(channels.get(key).batch())
        held = {notification.pk for notification in claimed}
        for notification in claimed:
            held = _lease_extend(held, owner=notification.lease_owner)
            if notification.pk not in held:  # taken back: another worker sends it
                continue
            held.discard(notification.pk)  # extended for its own send; the rest go on
            delay = _send_claimed(notification, connection=connections.get(notification.channel))
            if delay is not None:
                retries[notification.pk] = delay
    return retries


def _new_lease_owner() -> str:
    return uuid.uuid4().hex


def _lease_expiry(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def _lease_extend(ids: set[int], *, owner: str) -> set[int]:
    """Extend the lease of the rows among ``ids`` that ``owner`` still holds and return those.
    One UPDATE while all are held (the usual case); a SELECT more when some were taken back."""
    if not ids:
        return set()
    held = Notification.objects.filter(
        pk__in=ids, lease_owner=owner, status=Notification.Status.SENDING
    ).update(lease_expires_at=_lease_expiry())
    if held == len(ids):
        return ids
    return set(
        Notification.objects.filter(
            pk__in=ids, lease_owner=owner, status=Notification.Status.SENDING
        ).values_list("pk", flat=True)
    )


def _claim(ids: list[int], *, owner: str) -> list[Notification]:
    now = timezone.now()
    expires = _lease_expiry(now)
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
            status=Notification.Status.SENDING,
            sending_started_at=now,
            attempts=F("attempts") + 1,
            lease_owner=owner,
            lease_expires_at=expires,
        )
    for row in rows:
        row.status, row.sending_started_at, row.attempts = (
            Notification.Status.SENDING,
            now,
            row.attempts + 1,
        )
        row.lease_owner, row.lease_expires_at = owner, expires
    return rows


def _backoff(attempts: int) -> int:
    return min(30 * 2 ** (attempts - 1), 3600)


def notification_deliver(notification_id: int, *, connection: Any = None) -> int | None:
    """Claim, send and record one notification. Returns seconds to wait before a retry, or None.
    ``connection``: an open e-mail connection to reuse (else one is opened for this message).

    The claim is a conditional update (pending → sending, with a lease), so two workers, a
    retry or a re-queue do not both send the row; see the module's docstring for the one
    message a killed worker may repeat.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=notification_id,
        status=Notification.Status.PENDING,
    ).update(
        status=Notification.Status.SENDING,
        sending_started_at=now,
        attempts=F("attempts") + 1,
        lease_owner=_new_lease_owner(),
        lease_expires_at=_lease_expiry(now),
    )
    if claimed != 1:
        return None
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    return _send_claimed(notification, connection=connection)


def _send_claimed(notification: Notification, *, connection: Any = None) -> int | None:
    """Send a row this worker has claimed (its lease is ``notification.lease_owner``'s) and
    record the outcome at once, if the row is still held."""
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
        if channels.last_attempt(notification):
            _finish(notification, Notification.Status.FAILED, str(exc))
            return None
        delay = _backoff(notification.attempts)
        Notification.objects.filter(
            pk=notification.pk,
            status=Notification.Status.SENDING,
            lease_owner=notification.lease_owner,
        ).update(
            status=Notification.Status.PENDING,
            last_error=str(exc)[:2000],
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
            lease_expires_at=None,
        )
        return delay
    _finish(notification, Notification.Status.SENT, "")
    return None


def _finish(notification: Notification, status: str, error: str) -> None:
    """Record the outcome, only while the row is still this claim's (the owner is kept, to say
    which claim sent it)."""
    Notification.objects.filter(
        pk=notification.pk,
        status=Notification.Status.SENDING,
        lease_owner=notification.lease_owner,
    ).update(
        status=status,
        last_error=error[:2000],
        sent_at=timezone.now() if status == Notification.Status.SENT else None,
        lease_expires_at=None,
    )


def stale_ids(*, now: datetime.datetime | None = None) -> list[int]:
    """What was left behind, made pending again for the sweep to queue: rows being sent whose
    lease ran out (their worker died; a live worker extends its lease before each message), and
    pending rows whose task never reached a worker (Redis was down) after
    ``NOTIFICATION_STALE_SECONDS``. Rows being sent without a lease (claimed by a release before
    leases) are taken back after ``NOTIFICATION_STALE_SECONDS`` too. Cheap when nothing is
    stale: an index probe on (status, lease_expires_at)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)
    expired = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True, sending_started_at__lt=stale
    )
    with transaction.atomic():
        # Locked while they are taken back: a worker extending its lease at this moment waits,
        # then finds the row no longer its own and does not send it. Rows locked by a claim are
        # being handed over, not stale.
        orphaned = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(expired, status=Notification.Status.SENDING)
            .values_list("pk", flat=True)
        )
        if orphaned:
            Notification.objects.filter(pk__in=orphaned).update(
                status=Notification.Status.PENDING,
                next_attempt_at=None,
                lease_owner="",
                lease_expires_at=None,
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
