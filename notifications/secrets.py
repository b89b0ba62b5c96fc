"""Secrets that must never rest in the outbox.

A message that carries a secret (a password-reset link) is queued with a placeholder where the
secret goes; the kind's producer registers a function that computes the secrets from the row at
send time. The row, its history and the admin only ever hold the placeholder, and a message sent
again after a crash gets a freshly computed secret.
"""

from collections.abc import Callable

from .models import Notification

Resolver = Callable[[Notification], dict[str, str]]
_resolvers: dict[str, Resolver] = {}


def register(kind: str, resolver: Resolver) -> None:
    """``resolver(notification)`` returns {placeholder: secret} for rows of ``kind``."""
    _resolvers[kind] = resolver


def fill(notification: Notification, text: str) -> str:
    resolver = _resolvers.get(notification.kind)
    if resolver is None or not text:
        return text
    for placeholder, secret in resolver(notification).items():
        text = text.replace(placeholder, secret)
    return text
