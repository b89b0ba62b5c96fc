"""Cached facts stamped with a token that one delete invalidates.

What a logged-in request needs to know about who asks (the user row, whether they belong to the
secretariat, their verified second factor, their access to an incident) is kept in the cache so
that the request need not read PostgreSQL. Every such entry carries the *token* of its subject
(a random value under one key per user, or per incident) from when it was read from the
database, and counts only while that token is still the current one. Invalidating is deleting the
token: one delete drops every entry of the subject at once, whatever keys they live under.

A reader takes the token *before* reading the database, so an entry written by a reader that
raced a change is stamped with the token the change deleted and is never used. A writer deletes
the token at once and again after its transaction commits (a reader in between would read the
rows from before the commit). A delete that cannot reach Redis is sent again when Redis is back
(``core.cache``), and with Redis down every read is a miss: the database stays the truth.
"""

import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# How long an entry and a token live without being invalidated: an upper bound on anything a
# missed invalidation could leave behind (a process that died with its delete pending).
ENTRY_SECONDS = 300
# The attribute on a request's user that holds the user's token, when the user came through the
# cache (ssr_portal.auth_cache); other per-user entries are stamped with it.
TOKEN_ATTRIBUTE = "auth_cache_token"


def user_token_key(user_id: Any) -> str:
    return f"auth:token:user:{user_id}"


def new_token(key: str, *, read: bool = True) -> str:
    """The current token under ``key``, made when there is none (``read=False``: the caller has
    just read the key and found none). With Redis down a fresh token that nothing else holds:
    what is stamped with it is never read back."""
    if read and (token := cache.get(key)) is not None:
        return token
    token = secrets.token_hex(8)
    if cache.add(key, token, ENTRY_SECONDS):
        return token
    return cache.get(key) or token


def stamped(entry: Any, token: str | None) -> Any:
    """The entry's value when it carries ``token`` (a dict ``{"token": ..., "value": ...}``),
    else None."""
    if token is None or not isinstance(entry, dict) or entry.get("token") != token:
        return None
    return entry.get("value")


def stamp(value: Any, token: str) -> dict[str, Any]:
    return {"token": token, "value": value}


T = TypeVar("T")


def read_through(
    key: str,
    token_key: str,
    compute: Callable[[], T],
    *,
    seconds: int = ENTRY_SECONDS,
    also: str = "",
    more_token_keys: Sequence[str] = (),
) -> T:
    """The value kept under ``key`` while it carries the current token under ``token_key``
    (joined with the tokens under ``more_token_keys``, for a value that rests on the rows of
    several tokens, and with ``also``, e.g. the user's token), else ``compute()`` kept stamped
    with the tokens taken before it ran. One round trip to the cache when the value is
    current."""
    token_keys = [token_key, *more_token_keys]
    found = cache.get_many([*token_keys, key])
    tokens = [found.get(each) for each in token_keys]
    if None not in tokens:
        value = stamped(found.get(key), ":".join([*tokens, also]))
        if value is not None:
            return value
    tokens = [
        token or new_token(each, read=False) for token, each in zip(tokens, token_keys, strict=True)
    ]
    value = compute()
    cache.set(key, stamp(value, ":".join([*tokens, also])), seconds)
    return value


def _delete(keys: list[str]) -> None:
    cache.delete_many(keys)


def invalidate(keys: Iterable[str]) -> None:
    """Delete the tokens under ``keys`` now and once more after the current transaction
    commits."""
    keys = sorted(set(keys))
    if not keys:
        return
    _delete(keys)
    transaction.on_commit(lambda: _delete(keys))


def invalidate_users(user_ids: Iterable[Any]) -> None:
    """Everything cached about these users is read from the database on their next request."""
    invalidate(user_token_key(user_id) for user_id in user_ids if user_id is not None)


def on_write(receiver: Callable[..., None], models: Iterable[Any], *, uid: str) -> None:
    """Connect ``receiver`` to every save and delete of each of ``models`` (the receivers that
    delete a token when its rows change)."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        for model in models:
            signal.connect(receiver, sender=model, dispatch_uid=f"{uid}-{model._meta.label}-{name}")
