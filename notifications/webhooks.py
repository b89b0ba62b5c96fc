"""Webhooks: an actor's system subscribes to events and receives each one as a signed HTTPS POST,
delivered by the outbox on the ``webhook`` channel (``channels/webhook.py``) with its retries.

Signing follows Standard Webhooks (https://www.standardwebhooks.com/): the secret is ``whsec_``
and the base64 of 32 random bytes; each request carries ``webhook-id`` (the outbox row's uid, the
same on every retry), ``webhook-timestamp`` and ``webhook-signature`` (``v1,`` and the base64
HMAC-SHA256 of ``id.timestamp.body`` keyed with the decoded secret).

The app stays generic: the producing apps register their event types (``register_event``) and
call ``webhook_event`` with the actors concerned and a payload they chose.
"""

import base64
import hashlib
import hmac
import json
import secrets as random
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from actors.models import Actor, Person

from .models import Channel, Notification, WebhookSubscription

KIND = "webhook"
KIND_PAUSED = "webhook_paused"
CHANNEL = "webhook"
SECRET_PREFIX = "whsec_"


# --- Event types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    key: str
    label: str | Promise


_events: dict[str, EventType] = {}


def register_event(key: str, *, label: str | Promise) -> EventType:
    """Make ``key`` an event type subscribers may choose (the producing app's ``ready()``)."""
    event = EventType(key=key, label=label)
    _events[key] = event
    return event


def event_choices() -> list[tuple[str, str | Promise]]:
    return [(event.key, event.label) for event in _events.values()]


# --- Secrets, URLs and signatures -----------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def signature(secret: str, *, msg_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header's value for one request."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def url_validate(url: str) -> str:
    """A subscriber's URL: HTTPS, or HTTP to a host of ``WEBHOOK_ALLOW_HTTP_HOSTS``."""
    url = url.strip()
    URLValidator(schemes=["http", "https"])(url)
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in settings.WEBHOOK_ALLOW_HTTP_HOSTS:
        raise ValidationError({"url": _("The target URL must use HTTPS.")})
    return url


def _events_validate(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events))
    if not events:
        raise ValidationError({"event_types": _("Choose at least one event.")})
    unknown = [e for e in events if e not in _events]
    if unknown:
        raise ValidationError({"event_types": _("Unknown event: %(e)s.") % {"e": unknown[0]}})
    return events


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *, actor: Actor, name: str, url: str, event_types: Iterable[str], owner: Person
) -> WebhookSubscription:
    """A new subscription with a new secret (``subscription.secret``: show it now, once)."""
    if not name.strip():
        raise ValidationError({"name": _("Give the subscription a name.")})
    return WebhookSubscription.objects.create(
        actor=actor,
        name=name.strip(),
        url=url_validate(url),
        secret=new_secret(),
        event_types=_events_validate(event_types),
        owner=owner,
    )


@transaction.atomic
def subscription_update(
    *,
    subscription: WebhookSubscription,
    name: str,
    url: str,
    event_types: Iterable[str],
    owner: Person,
) -> WebhookSubscription:
    if not name.strip():
        raise ValidationError({"name": _("Give the subscription a name.")})
    subscription.name = name.strip()
    subscription.url = url_validate(url)
    subscription.event_types = _events_validate(event_types)
    subscription.owner = owner
    subscription.save(update_fields=["name", "url", "event_types", "owner"])
    return subscription


@transaction.atomic
def subscription_pause(*, subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.status = WebhookSubscription.Status.PAUSED
    subscription.paused_at = timezone.now()
    subscription.save(update_fields=["status", "paused_at"])
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again, its failure count cleared; what failed meanwhile stays failed (the outbox
    page sends it again)."""
    subscription.status = WebhookSubscription.Status.ACTIVE
    subscription.paused_at = None
    subscription.consecutive_failures = 0
    subscription.save(update_fields=["status", "paused_at", "consecutive_failures"])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Deleted with its history kept; deliveries still queued fail (no subscription)."""
    subscription.delete()


def webhook_event(event: str, *, actor_ids: Iterable[int], payload: dict, key: str) -> list[int]:
    """Queue ``event`` for every active subscription of the actors ``actor_ids`` that wants it:
    one outbox row each, in the caller's transaction, sent after commit. ``key`` names the
    event, so a retry of the producer queues nothing more. The body is fixed now (every retry
    sends the same bytes): ``{"type", "timestamp", "data": payload}``."""
    from .services import Outgoing, notifications_queue  # the outbox's module imports channels

    if event not in _events:
        raise LookupError(f"No app registered the webhook event {event!r}.")
    subscriptions = list(
        WebhookSubscription.objects.filter(
            actor_id__in=set(actor_ids),
            status=WebhookSubscription.Status.ACTIVE,
            event_types__contains=[event],
        ).order_by("pk")
    )
    if not subscriptions:
        return []
    body = json.dumps(
        {"type": event, "timestamp": timezone.now().isoformat(), "data": payload},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return notifications_queue(
        Outgoing(
            recipient=None,
            kind=KIND,
            subject=event,
            body=body,
            reason=_("Webhook subscription %(name)s") % {"name": subscription.name},
            key=f"webhook:{key}:{subscription.pk}",
            channels=(CHANNEL,),
            about=subscription,
            address=subscription.url,
        )
        for subscription in subscriptions
    )


def delivery_succeeded(subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )


@transaction.atomic
def delivery_failed(subscription_id: int) -> bool:
    """Count a failed delivery (one given up on); at ``WEBHOOK_PAUSE_AFTER_FAILURES`` in a row
    the subscription is paused and its owner told. Returns whether it was paused now."""
    from .services import Outgoing, notifications_queue, render_message

    subscription = (
        WebhookSubscription.objects.select_for_update(of=("self",))
        .select_related("owner", "actor")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return False
    # A counter, not a change anyone made: no history row per failure (the row is locked).
    subscription.consecutive_failures += 1
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=subscription.consecutive_failures
    )
    if (
        not subscription.is_active
        or subscription.consecutive_failures < settings.WEBHOOK_PAUSE_AFTER_FAILURES
    ):
        return False
    subscription_pause(subscription=subscription)
    subject = _("Webhook paused: %(name)s") % {"name": subscription.name}
    text = _(
        "The webhook subscription %(name)s of %(actor)s to %(url)s was paused after "
        "%(count)s failed deliveries in a row. Check the receiving system, then resume the "
        "subscription in the portal."
    ) % {
        "name": subscription.name,
        "actor": subscription.actor.name,
        "url": subscription.url,
        "count": subscription.consecutive_failures,
    }
    reason = _("You get this because you own the webhook subscription.")
    link = subscription.get_absolute_url()
    _subject, body, html = render_message(
        "email/generic",
        {"subject": subject, "text": text, "link": settings.SITE_URL + link, "reason": reason},
    )
    notifications_queue(
        [
            Outgoing(
                recipient=subscription.owner,
                kind=KIND_PAUSED,
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=f"webhook-paused:{subscription.pk}:{subscription.paused_at.isoformat()}",
                about=subscription,
                channels=(Channel.EMAIL, Channel.PORTAL),
            )
        ]
    )
    return True


# --- Selectors ------------------------------------------------------------------------------


def subscriptions() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.select_related("actor", "owner").order_by(
        "actor__name", "name", "pk"
    )


def deliveries(subscription: WebhookSubscription) -> QuerySet[Notification]:
    """The subscription's outbox rows, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return Notification.objects.filter(
        channel=CHANNEL,
        content_type=ContentType.objects.get_for_model(WebhookSubscription),
        object_id=subscription.pk,
    ).order_by("-created_at", "-pk")
