"""Writes of the API: creating, revoking and checking tokens, logging each request and the rate
limit per token."""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor

from . import selectors
from .models import MAX_TOKEN_DAYS, ApiRequest, ApiToken, Scope

TOKEN_PREFIX = "ssr"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # the whole bearer token, shown once


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime.datetime,
    by: Any,
) -> CreatedToken:
    """A new token of ``actor``'s system. The returned secret is not kept anywhere."""
    if not selectors.may_manage_tokens_of(by, actor):
        raise PermissionDenied
    scopes = sorted(set(scopes))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the system that will use the token.")
    if not scopes or not set(scopes) <= set(Scope.values):
        errors["scopes"] = _("Choose at least one scope.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + datetime.timedelta(days=MAX_TOKEN_DAYS):
        errors["expires_at"] = _("A token may live at most %(days)s days.") % {
            "days": MAX_TOKEN_DAYS
        }
    if errors:
        raise ValidationError(errors)
    token = ApiToken.objects.create(
        actor=actor,
        name=name.strip(),
        scopes=scopes,
        expires_at=expires_at,
        created_by=by,
        secret_hash="",
    )
    whole = f"{TOKEN_PREFIX}_{token.pk}_{secrets.token_urlsafe(32)}"
    token.secret_hash = _hash(whole)
    token.save(update_fields=["secret_hash"])
    return CreatedToken(token=token, secret=whole)


@transaction.atomic
def token_revoke(*, token: ApiToken, by: Any) -> ApiToken:
    if not selectors.may_manage_tokens_of(by, token.actor):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("The token was already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_find(bearer: str) -> ApiToken | None:
    """The token a bearer string names, whether usable or not (None for an unknown or forged
    one: the hash is compared in constant time)."""
    parts = bearer.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit():
        return None
    if len(parts[1]) > 18:
        return None
    token = ApiToken.objects.select_related("actor", "created_by").filter(pk=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(bearer)):
        return None
    return token


def token_touch(token: ApiToken) -> None:
    """Note the last use, at most once a minute per token (no write on every poll)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def request_log(*, token: ApiToken, method: str, path: str, status: int) -> ApiRequest:
    return ApiRequest.objects.create(
        token=token, method=method[:10], path=path[:500], status=status
    )


def rate_limit_hit(token: ApiToken) -> int:
    """Count one request in the token's window of the current minute; the seconds to wait when
    the limit is passed, else 0. A fixed window in the cache (Redis), shared by every worker."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = timezone.now().timestamp()
    window = int(now // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    if count > limit:
        return max(1, int((window + 1) * 60 - now) + 1)
    return 0
