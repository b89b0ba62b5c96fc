"""How a message leaves the portal. Errors say whether a retry can help."""

import base64
import logging
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

from . import secrets
from .models import Notification

logger = logging.getLogger(__name__)


class TransientError(Exception):
    """Try again later (server busy, network down)."""


class PermanentError(Exception):
    """Trying again will not help (address refused, bad request)."""


def send_email(notification: Notification, connection: Any = None) -> None:
    """Send over ``connection`` (kept open by the caller for a batch) or a connection of its own.
    After a transient error a shared connection is closed, so the next message opens a new one."""
    import smtplib

    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=secrets.fill(notification, notification.body),
        to=[notification.address],
        headers={"Message-ID": f"<{notification.uid}@ssr-portal>"},
        connection=connection or get_connection(),
    )
    if notification.html:
        message.attach_alternative(secrets.fill(notification, notification.html), "text/html")
    for attachment in notification.attachments:
        message.attach(
            attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"]
        )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"SMTP refused the recipient: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        _reset(connection)
        raise TransientError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        _reset(connection)
        raise TransientError(f"SMTP: {exc}") from exc


def _reset(connection: Any) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # already broken: closing is only tidying up
            logger.debug("Closing a broken e-mail connection failed", exc_info=True)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> None: ...


class ConsoleSmsBackend:
    """For `make run`: prints the SMS instead of sending it."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        logger.info("SMS to %s (%s): %s", to, reference, text)


class HttpSmsGateway:
    """A plain HTTP SMS gateway: POST JSON {from, to, message, reference} with a bearer token.

    Configured by SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN and SMS_SENDER. 4xx answers are permanent,
    5xx answers and network errors transient.
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
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TransientError(f"SMS gateway: {exc}") from exc
        if 400 <= response.status_code < 500:
            raise PermanentError(f"SMS gateway {response.status_code}: {response.text[:200]}")
        if response.status_code >= 500:
            raise TransientError(f"SMS gateway {response.status_code}: {response.text[:200]}")


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send(notification: Notification, *, connection: Any = None) -> None:
    if notification.channel == "email":
        send_email(notification, connection)
    elif notification.channel == "sms":
        sms_backend().send(
            to=notification.address,
            text=secrets.fill(notification, notification.body),
            reference=str(notification.uid),
        )
    # In-portal messages are delivered by being stored.
