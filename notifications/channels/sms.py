"""SMS through the gateway named by ``SMS_BACKEND``."""

import logging
from typing import Any, Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .. import secrets
from ..models import Notification
from .base import Channel, PermanentError, TransientError, register

logger = logging.getLogger(__name__)

# Three SMS parts at most.
MAX_LENGTH = 480


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> None: ...


class ConsoleSmsBackend:
    """For `make run`: prints the SMS instead of sending it."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        logger.info("SMS to %s (%s): %s", to, reference, text)


class HttpSmsGateway:
    """A plain HTTP SMS gateway: POST JSON {from, to, message, reference} with a bearer token.

    Configured by SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, SMS_SENDER and SMS_GATEWAY_TIMEOUT (kept
    below the outbox's lease). ``reference`` is the row's uid, the same on every retry, so the
    gateway can drop a repeat. 4xx answers are permanent, 5xx answers and network errors
    transient.
    """

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.sender = settings.SMS_SENDER

    def send(self, *, to: str, text: str, reference: str) -> None:
        try:
            response = requests.post(
                self.url,
                json={"from": self.sender, "to": to, "message": text, "reference": reference},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=settings.SMS_GATEWAY_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise TransientError(f"SMS gateway: {exc}") from exc
        if 400 <= response.status_code < 500:
            raise PermanentError(f"SMS gateway {response.status_code}: {response.text[:200]}")
        if response.status_code >= 500:
            raise TransientError(f"SMS gateway {response.status_code}: {response.text[:200]}")


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


@register
class SmsChannel(Channel):
    key = "sms"
    label = _("SMS")
    unreachable_reason = _("No mobile number registered.")
    order = 20

    def address_for(self, person) -> str:
        return person.mobile

    def address_of(self, message) -> str:
        # A message may name a phone other than the person's own (an actor's 24/7 duty phone);
        # an e-mail address named for the e-mail channel is no phone number.
        if message.address and "@" not in message.address:
            return message.address
        return super().address_of(message)

    def body_for(self, message) -> str:
        # Short: the message's own SMS text if it has one, and no appended reason.
        return (message.sms or message.body)[:MAX_LENGTH]

    def send(self, notification: Notification, connection: Any = None) -> None:
        sms_backend().send(
            to=notification.address,
            text=secrets.fill(notification, notification.body),
            reference=str(notification.uid),
        )
