"""Queue and deliver notifications. Callers render the message; this module stores it in their
transaction, sends it after commit, and never sends a row twice (a conditional claim)."""

import base64
import contextlib
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from actors.models import Person

from . import channels, kinds
from .models import Channel, KindPolicy, Notification, Preference

logger = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One message to one person, to be sent on the channels named (that they have)."""

    recipient: Person | None  # None: send to ``address`` only (e-mail)
    kind: str
    subject: str
    body: str
    reason: str
    key: str
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.PORTAL)
    html: str = ""
    sms: str = ""
    link: str = ""
    about: models.Model | None = None
    attachments: list[dict] = field(default_factory=list)
    # An e-mail address other than the person's own (e.g. an actor's invoice address).
    address: str = ""


def attachment(name: str, content: bytes, mimetype: str) -> dict:
    return {"name": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}


def mandatory_channels() -> set[tuple[str, str]]:
    """(kind, channel) that users cannot switch off: what each kind registered, unless the
    secretariat set a policy for the kind."""
    defaults = {kind.key: kind.mandatory_channels for kind in kinds.registered_kinds()}
    policies = {p.kind: set(p.mandatory_channels) for p in KindPolicy.objects.all()}
    merged = {**defaults, **policies}
    return {(kind, channel) for kind, channels in merged.items() for channel in channels}


def _wanted(messages: list[Outgoing]) -> set[tuple[int, str, str]]:
    """(user id, kind, channel) switched off by users, less what the secretariat made mandatory."""
    user_ids = {m.recipient.user_id for m in messages if m.recipient and m.recipient.user_id}
    kinds = {m.kind for m in messages}
    mandatory = mandatory_channels()
    return {
        (p.user_id, p.kind, p.channel)
        for p in Preference.objects.filter(user_id__in=user_ids, kind__in=kinds, enabled=False)
        if (p.kind, p.channel) not in mandatory
    }


def _row(message: Outgoing, channel: channels.Channel, now: datetime.datetime) -> Notification:
    person = message.recipient
    address = channel.address_of(message)
    row = Notification(
        dedupe_key=f"{message.key}:{channel.key}:{person.pk if person else address}"[:200],
        recipient=person,
        channel=channel.key,
        kind=message.kind,
        address=address,
        subject=message.subject[:200],
        body=channel.body_for(message),
        html=message.html if channel.rich else "",
        reason=message.reason[:400],
        link=message.link,
        attachments=message.attachments if channel.rich else [],
    )
    if message.about is not None:
        row.content_type = ContentType.objects.get_for_model(message.about)
        row.object_id = message.about.pk
    if not address:
        row.status = Notification.Status.UNREACHABLE
        row.last_error = str(channel.unreachable_reason)
    elif channel.delivered_on_store:
        row.status = Notification.Status.SENT
        row.sent_at = now
    return row


def notifications_queue(messages: Iterable[Outgoing]) -> list[int]:
    """Write the rows in the caller's transaction (one bulk insert) and send them after commit.

    A message already queued under the same key is not queued again. A message of a kind no
    app registered, or on a channel that is not registered, is refused (LookupError).
    """
    messages = list(messages)
    if not messages:
        return []
    for message in messages:
        kinds.get_kind(message.kind)
    switched_off = _wanted(messages)
    now = timezone.now()
    rows = [
        _row(message, channels.get(channel), now)
        for message in messages
        for channel in message.channels
        if message.recipient is None
        or (message.recipient.user_id, message.kind, channel) not in switched_off
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    ids = list(
        Notification.objects.filter(
            dedupe_key__in=[row.dedupe_key for row in rows], status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: enqueue(ids))
    return ids


# Messages per delivery task: one task round trip and one SMTP connection serve many messages
# (an alert to every seat holder is thousands), while two worker processes still share them.
DELIVERY_BATCH = 25


def enqueue(ids: Iterable[int]) -> int:
    """Hand rows to the workers in batches. If the broker is down the rows stay pending for the
    sweep. Returns how many rows were queued."""
    from .tasks import deliver_batch  # the tasks module imports this one

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


def requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again what waited too long: sending rows whose worker died, pending rows whose task
    never reached a worker (Redis was down)."""
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
    return enqueue(ids)


def notification_retry(*, notification: Notification) -> None:
    """The secretariat sends a failed message again (e.g. after fixing the address)."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.FAILED
    ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=None)
    if updated:
        transaction.on_commit(lambda: enqueue([notification.pk]))


def inbox_mark_read(*, user: Any, notification: Notification | None = None) -> int:
    rows = Notification.objects.filter(
        recipient__user=user, channel=Channel.PORTAL, read_at__isnull=True
    )
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: Any, choices: dict[tuple[str, str], bool]) -> None:
    mandatory = mandatory_channels()
    for (kind, channel), enabled in choices.items():
        if (kind, channel) in mandatory and not enabled:
            continue  # cannot be switched off
        Preference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )


def render_message(template_base: str, context: dict) -> tuple[str, str, str]:
    """A template trio: ``<base>_subject.txt``, ``<base>.txt`` and ``<base>.html``."""
    from django.template.loader import render_to_string

    subject = " ".join(render_to_string(f"{template_base}_subject.txt", context).split())
    text = render_to_string(f"{template_base}.txt", context).strip()
    html = render_to_string(f"{template_base}.html", context)
    return subject, text, html


# --- Personal data --------------------------------------------------------------------------


def personal_data(person: Any) -> dict[str, list[dict[str, Any]]]:
    """The messages sent to a person, for their data export."""
    return {
        "notifications": [
            {
                "created_at": n.created_at.isoformat(),
                "channel": n.channel,
                "address": n.address,
                "subject": n.subject,
                "status": n.status,
            }
            for n in Notification.objects.filter(recipient=person).order_by("created_at")
        ]
    }


def personal_data_anonymise(person: Any) -> None:
    """Anonymised people's messages keep their subject and status, not their address or text."""
    Notification.objects.filter(recipient=person).update(address="", body="")


def purge_old(*, now: datetime.datetime | None = None) -> int:
    """Delete notifications older than ``NOTIFICATION_RETENTION_DAYS`` that are done with (sent,
    failed or unreachable); one still waiting or being sent is never purged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    done = [Notification.Status.SENT, Notification.Status.FAILED, Notification.Status.UNREACHABLE]
    deleted, _by_model = Notification.objects.filter(
        created_at__lt=cutoff, status__in=done
    ).delete()
    return deleted
