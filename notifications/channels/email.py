"""E-mail through Django's mail backend; a batch shares one SMTP connection."""

import base64
import contextlib
import logging
import smtplib
from collections.abc import Iterator
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.translation import gettext_lazy as _

from .. import secrets
from ..models import Notification
from .base import Channel, PermanentError, TransientError, register

logger = logging.getLogger(__name__)


@register
class EmailChannel(Channel):
    key = "email"
    label = _("E-mail")
    unreachable_reason = _("No e-mail address registered.")
    order = 10
    rich = True

    def address_for(self, person) -> str:
        return person.email

    def address_of(self, message) -> str:
        # A message may name an address other than the person's own (an invoice address).
        return message.address or super().address_of(message)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Any]:
        connection = get_connection()
        try:
            # Opened here so that it stays open for the whole batch; if the server cannot be
            # reached now, each message finds that out itself and is retried.
            with contextlib.suppress(Exception):
                connection.open()
            yield connection
        finally:
            with contextlib.suppress(Exception):
                connection.close()

    def send(self, notification: Notification, connection: Any = None) -> None:
        """Send over ``connection`` (kept open by the caller for a batch) or a connection of its
        own. After a transient error a shared connection is closed, so the next message opens a
        new one."""
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=secrets.fill(notification, notification.body),
            to=[notification.address],
            # The row's uid: the same on every retry and reclaim, so a repeat can be dropped.
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
