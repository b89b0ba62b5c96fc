"""Webhooks: the row's JSON body POSTed to a subscriber's URL, signed the Standard Webhooks way
(``notifications.webhooks``). 2xx is delivered; 4xx (but 408 and 429) is permanent; 5xx, 408,
429 and network errors are transient, retried by the outbox with backoff. A delivery given up
on counts against the subscription, which is paused after too many in a row."""

import time
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Notification, WebhookSubscription
from .base import Channel, PermanentError, TransientError, last_attempt, register

RETRYABLE_4XX = {408, 429}


@register
class WebhookChannel(Channel):
    key = "webhook"
    label = _("Webhook")
    unreachable_reason = _("No target URL.")
    order = 90
    # A system's address, not a person's: not offered on the preferences page.
    personal = False

    def address_for(self, person) -> str:
        return ""

    def address_of(self, message) -> str:
        return message.address

    def body_for(self, message) -> str:
        return message.body  # the signed JSON, exactly

    def send(self, notification: Notification, connection: Any = None) -> None:
        from .. import webhooks

        subscription = WebhookSubscription.objects.filter(pk=notification.object_id).first()
        if subscription is None:
            raise PermanentError("The webhook subscription was deleted.")
        if not subscription.is_active:
            raise PermanentError("The webhook subscription is paused.")
        try:
            url = webhooks.url_validate(subscription.url)
        except ValidationError as exc:
            raise PermanentError(" ".join(exc.messages)) from exc
        try:
            self._post(notification, subscription, url)
        except PermanentError:
            webhooks.delivery_failed(subscription.pk)
            raise
        except Exception:
            # The outbox gives up after its last attempt: that delivery failed.
            if last_attempt(notification):
                webhooks.delivery_failed(subscription.pk)
            raise
        webhooks.delivery_succeeded(subscription.pk)

    def _post(self, notification: Notification, subscription: WebhookSubscription, url: str):
        from .. import webhooks

        msg_id = str(notification.uid)
        timestamp = int(time.time())
        body = notification.body
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "SSR-portal-webhooks",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": webhooks.signature(
                subscription.secret, msg_id=msg_id, timestamp=timestamp, body=body
            ),
        }
        try:
            response = requests.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise TransientError(f"Webhook: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        text = f"Webhook {status}: {response.text[:200]}"
        if 400 <= status < 500 and status not in RETRYABLE_4XX:
            raise PermanentError(text)
        raise TransientError(text)
