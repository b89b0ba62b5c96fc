"""The audit trail: record security-relevant events (see ``AuditEvent``).

Every app records through these functions; the actors app is the ground floor, so any app may
import this module. Recording never breaks the action it records: an event is written in the
same transaction as the action where there is one, and a login, download or export is recorded
after it succeeded.
"""

import datetime
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import AuditEvent

Kind = AuditEvent.Kind


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the web server saw it (the proxy passes it in REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _actor(request: HttpRequest | None, user: Any) -> Any:
    if user is not None:
        return user
    candidate = getattr(request, "user", None)
    return candidate if getattr(candidate, "is_authenticated", False) else None


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    return {
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:300],
    }


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    subject_user: Any = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one audit event; ``user`` defaults to the request's logged-in user."""
    actor = _actor(request, user)
    return AuditEvent.objects.create(
        kind=kind,
        user=actor,
        username=(username or (actor.get_username() if actor else ""))[:150],
        subject_user=subject_user,
        ip_address=client_ip(request),
        detail=str(detail)[:500],
        **_object_fields(obj),
    )


def record_permission_changes(
    *,
    model: type[models.Model],
    permission: str,
    granted: Iterable[tuple[int, int]],
    withdrawn: Iterable[tuple[int, int]],
) -> int:
    """One event per (user id, object id) pair granted or withdrawn, in one insert."""
    changes = [
        (kind, user_id, object_id)
        for kind, pairs in (
            (Kind.PERMISSION_GRANTED, granted),
            (Kind.PERMISSION_WITHDRAWN, withdrawn),
        )
        for user_id, object_id in pairs
    ]
    if not changes:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    events = [
        AuditEvent(
            kind=kind,
            subject_user_id=user_id,
            content_type=content_type,
            object_id=str(object_id),
            detail=permission,
        )
        for kind, user_id, object_id in changes
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def audited(
    kind: str, *, model: type[models.Model] | None = None, lookup: str = "pk"
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Record ``kind`` (a download or an export) each time the view answers 200.

    With ``model``, the object is the one whose primary key is the URL's ``lookup`` argument;
    the view has already checked that the user may see it.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                obj = None
                if model is not None and lookup in kwargs:
                    obj = model._default_manager.filter(pk=kwargs[lookup]).first()
                record(kind, request=request, obj=obj, detail=request.path)
            return response

        return wrapper

    return decorate


# --- Signals --------------------------------------------------------------------------------


def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Kind.LOGIN, request=request, user=user)


def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Kind.LOGOUT, request=request, user=user)


def _on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    record(Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


def _on_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    record(
        Kind.LOCKOUT,
        request=request,
        username=username or "",
        detail=kwargs.get("ip_address") or "",
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_on_login, dispatch_uid="audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit_logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="audit_locked_out")


def purge_old(*, now: Any = None) -> int:
    """Delete audit events older than ``AUDIT_RETENTION_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
