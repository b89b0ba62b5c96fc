"""Queue and deliver notifications. Callers render the message; this module stores it in their
transaction and sends it after commit. A row is claimed with a conditional update and a lease
before it is sent, so it is sent once; only a worker process killed between the relay accepting a
message and the outcome being recorded may repeat that one message (see ``delivery``)."""

import base64
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from actors.models import Person

from . import channels, delivery, kinds, tasks
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
    if not user_ids:
        return set()  # to addresses only (an organisation's, an invoice address): no one chose
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
    transaction.on_commit(lambda: tasks.enqueue(ids))
    return ids


def notification_retry(*, notification: Notification) -> None:
    """The secretariat sends a failed message again (e.g. after fixing the address)."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.FAILED
    ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=None)
    if updated:
        transaction.on_commit(lambda: tasks.enqueue([notification.pk]))


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


def requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again what waited too long (the beat sweep; also the secretariat's tools)."""
    return tasks.enqueue(delivery.stale_ids(now=now))
