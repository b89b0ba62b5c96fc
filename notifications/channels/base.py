"""What a channel is: how a person is reached on it, what is stored for it and how it is sent.

A channel is one class in one file of this package, registered with ``@register``; every module
of the package is imported with it. The outbox asks the registry and never names a channel.
"""

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils.functional import Promise

if TYPE_CHECKING:  # for the annotations only: importing them would make a circle
    from actors.models import Person

    from ..models import Notification


class TransientError(Exception):
    """Try again later (server busy, network down)."""


class PermanentError(Exception):
    """Trying again will not help (address refused, bad request)."""


def last_attempt(notification: "Notification") -> bool:
    """Whether the outbox gives the message up if this attempt fails."""
    return notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS


class Channel:
    """One way a message leaves the portal. Subclasses set the class attributes and
    ``address_for``; those that leave the portal also implement ``send``."""

    # Stored in ``Notification.channel`` and ``Preference.channel`` (at most 10 characters).
    key: ClassVar[str]
    label: ClassVar[str | Promise]
    # The row's ``last_error`` when the person has no address on this channel.
    unreachable_reason: ClassVar[str | Promise]
    # True: the message is delivered by being stored (the in-portal inbox); no worker sends it.
    delivered_on_store: ClassVar[bool] = False
    # True: the row keeps the message's HTML part and attachments (e-mail).
    rich: ClassVar[bool] = False
    # Where pages list the channel among the others (lowest first).
    order: ClassVar[int] = 100
    # False: an organisation's address (an e-invoice), not offered on the preferences page.
    personal: ClassVar[bool] = True

    def address_for(self, person: "Person") -> str:
        """The person's address on this channel; empty when they have none."""
        raise NotImplementedError

    def address_of(self, message: Any) -> str:
        """Where ``message`` goes on this channel: by default the recipient's own address."""
        return self.address_for(message.recipient) if message.recipient is not None else ""

    def body_for(self, message: Any) -> str:
        """The text stored for this channel; every message says why it was sent."""
        if message.reason in message.body:
            return message.body
        return f"{message.body}\n\n{message.reason}"

    @contextlib.contextmanager
    def batch(self) -> Iterator[Any]:
        """A connection that a batch of sends on this channel shares, passed to ``send``;
        None where each send manages its own."""
        yield None

    def send(self, notification: Any, connection: Any = None) -> None:
        """Send one stored row. Raise PermanentError when a retry cannot help, anything else
        (TransientError) when it might."""
        raise NotImplementedError


_channels: dict[str, Channel] = {}


def register(channel_class: type[Channel]) -> type[Channel]:
    """Make a channel known (usable as a class decorator). Registering the same key again
    replaces the channel."""
    _channels[channel_class.key] = channel_class()
    return channel_class


def unregister(key: str) -> None:
    """Forget a channel (for tests that add one of their own)."""
    _channels.pop(key, None)


def get(key: str) -> Channel:
    """The channel stored as ``key``; LookupError if none is registered under it."""
    try:
        return _channels[key]
    except KeyError:
        raise LookupError(f"No notification channel {key!r} is registered.") from None


def all() -> list[Channel]:
    """Every registered channel, in the order pages list them."""
    return sorted(_channels.values(), key=lambda channel: (channel.order, channel.key))


def choices() -> list[tuple[str, str | Promise]]:
    """(key, label) of every registered channel: the choices of the stored channel fields."""
    return [(channel.key, channel.label) for channel in all()]
