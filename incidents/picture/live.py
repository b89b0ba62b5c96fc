"""The live part of the situation picture answered from the cache while nothing changed.

Hundreds of members poll it every ten seconds during an activation. What tells whether it
changed (the newest picture per audience, the newest report, the number of statuses: the live
cache key of ``views._picture_context``) is kept per incident under the incident's token, and the
member's right to see it per (user, incident) under the user's token (``core.auth_cache``). With
both in the cache an unchanged poll is answered without PostgreSQL: ``?since=`` with the current
version is a 204 (the page's htmx poll), ``If-None-Match`` with the current ETag a 304, and the
fragment itself comes from the cache by its ETag.

The incident's token is deleted whenever a picture, report, status or the incident itself is
written (receivers below: the API and the admin write these rows too, not only our services);
the user's token whenever their object permissions, groups, shifts or user row change
(``ssr_portal.auth_cache``). Only a right that rests on a row is cached: the secretariat's (its
group) and a ``view_incident`` permission; the RSIB/RKK on duty are asked the database each time,
since a shift ends with the clock and not with a write. With Redis down every read is a miss and
the view answers from the database as before.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone

from core import auth_cache
from core.access import is_secretariat

from ..models import ActorStatus, Incident, SituationPicture, SituationReport

# The fragment is rendered per minute (ages and "overdue" move with the clock): so is its ETag.
BODY_SECONDS = 120


def _token_key(incident_id: int) -> str:
    return f"picture_live:token:{incident_id}"


def _state_key(incident_id: int) -> str:
    return f"picture_live:state:{incident_id}"


def _access_key(user_id: Any, incident_id: int) -> str:
    return f"picture_live:access:{user_id}:{incident_id}"


def _body_key(incident_id: int, etag: str) -> str:
    return f"picture_live:body:{incident_id}:{etag}"


@dataclass
class Lookup:
    incident_id: int
    token: str | None  # the incident's current token, None when there was none
    state: dict[str, str] | None  # {"version_key", "live_key"} when current
    may_view: bool  # a cached right to see the incident

    def etag(self, request: HttpRequest, live_key: str | None = None) -> str:
        live_key = live_key or (self.state or {}).get("live_key", "")
        minute = int(timezone.now().timestamp() // 60)
        htmx = "htmx" if request.htmx else "page"
        raw = f"{live_key}:{minute}:{request.LANGUAGE_CODE}:{htmx}"
        return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def lookup(request: HttpRequest, incident_id: int) -> Lookup:
    """What the cache knows about the incident's live state and the user's right to see it, in
    one round trip."""
    user = request.user
    user_token = getattr(user, auth_cache.TOKEN_ATTRIBUTE, None)
    keys = [_token_key(incident_id), _state_key(incident_id)]
    if user_token is not None:
        keys.append(_access_key(user.pk, incident_id))
    found = cache.get_many(keys)
    token = found.get(_token_key(incident_id))
    access = found.get(_access_key(user.pk, incident_id)) if user_token is not None else None
    return Lookup(
        incident_id=incident_id,
        token=token,
        state=auth_cache.stamped(found.get(_state_key(incident_id)), token),
        may_view=auth_cache.stamped(access, user_token) is True,
    )


def answer(request: HttpRequest, found: Lookup) -> HttpResponse | None:
    """The answer from the cache alone, or None when the database must be asked."""
    if not (found.may_view and found.state):
        return None
    etag = found.etag(request)
    if (unchanged := not_changed(request, found.state["version_key"], etag)) is not None:
        return unchanged
    body = cache.get(_body_key(found.incident_id, etag))
    if body is None:
        return None
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    return response


def if_none_match(request: HttpRequest) -> list[str]:
    header = request.headers.get("If-None-Match", "")
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def not_changed(request: HttpRequest, version_key: str, etag: str) -> HttpResponse | None:
    """204 for the page's poll with the current version (``?since=``), 304 for the current
    ETag, each with the ETag; None when the fragment has changed for this request."""
    if request.GET.get("since") == version_key:
        response = HttpResponse(status=204)
    elif etag in if_none_match(request):
        response = HttpResponseNotModified()
    else:
        return None
    response["ETag"] = etag
    return response


def begin(found: Lookup) -> str:
    """The incident's token, taken before the database is read (``core.auth_cache``)."""
    return found.token or auth_cache.new_token(_token_key(found.incident_id), read=False)


def remember(
    request: HttpRequest, incident: Incident, *, token: str, version_key: str, live_key: str
) -> None:
    """Keep what the database said: the incident's live state, and the user's right to see it
    when it rests on a row (the secretariat's group, a view_incident permission)."""
    entries = {
        _state_key(incident.pk): auth_cache.stamp(
            {"version_key": version_key, "live_key": live_key}, token
        )
    }
    user = request.user
    user_token = getattr(user, auth_cache.TOKEN_ATTRIBUTE, None)
    if user_token is not None and (
        getattr(incident, "user_may_view", False) or is_secretariat(user)
    ):
        entries[_access_key(user.pk, incident.pk)] = auth_cache.stamp(True, user_token)
    cache.set_many(entries, auth_cache.ENTRY_SECONDS)


def remember_body(incident_id: int, etag: str, response: HttpResponse) -> None:
    cache.set(_body_key(incident_id, etag), response.content, BODY_SECONDS)


# --- Invalidation ---------------------------------------------------------------------------


def _incident_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate([_token_key(instance.pk)])


def _part_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate([_token_key(instance.incident_id)])


def connect() -> None:
    auth_cache.on_write(_incident_changed, [Incident], uid="picture-live")
    auth_cache.on_write(
        _part_changed, [SituationPicture, SituationReport, ActorStatus], uid="picture-live"
    )
