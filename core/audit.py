"""The audit trail: record security-relevant events (see ``AuditEvent``).

Every app records through these functions; the actors app is the ground floor, so any app may
import this module. Recording never breaks the action it records: an event is written in the
same transaction as the action where there is one, and a login, download or export is recorded
after it succeeded.
"""

import contextlib
import datetime
import ipaddress
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    get_user_model,
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.signals import m2m_changed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models import AuditEvent

Kind = AuditEvent.Kind


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind TRUSTED_PROXY_COUNT proxies, the address the outermost
    trusted proxy saw (that many entries from the right of X-Forwarded-For; what a client wrote
    further left is not trusted); without proxies, the connection's address. The lockout
    (django-axes) and the audit trail both use this."""
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            with contextlib.suppress(ValueError):
                return str(ipaddress.ip_address(candidate))
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


# --- Group and permission memberships ---------------------------------------------------------
# Who is in which group and holds which model-level permission is changed through the m2m
# relations of ``auth`` (the admin's user and group forms, a shell, a data fix). Django offers no
# service to route those through, so the audit listens to ``m2m_changed`` on the three through
# models; whoever changes them, the change is recorded.

# (kind when added, kind when removed) by the name of the m2m field
_MEMBERSHIP_KINDS: dict[str, tuple[str, str]] = {
    "groups": (Kind.GROUP_ADDED, Kind.GROUP_REMOVED),
    "user_permissions": (Kind.PERMISSION_GRANTED, Kind.PERMISSION_WITHDRAWN),
    "permissions": (Kind.GROUP_PERMISSION_GRANTED, Kind.GROUP_PERMISSION_WITHDRAWN),
}


def _membership_fields() -> dict[type[models.Model], models.ManyToManyField]:
    """The audited m2m fields, by their through model (the signal's sender)."""
    fields = [
        get_user_model()._meta.get_field("groups"),
        get_user_model()._meta.get_field("user_permissions"),
        Group._meta.get_field("permissions"),
    ]
    return {field.remote_field.through: field for field in fields}


def current_request() -> HttpRequest | None:
    """The request this thread is serving, as simple_history's middleware exposes it (None in a
    shell, a task or a migration)."""
    return getattr(HistoricalRecords.context, "request", None)


def _pairs(instance: Any, reverse: bool, pk_set: Any) -> set[tuple[int, int]]:
    """(owner id, target id) pairs; the owner is the user, or the group for its permissions."""
    if reverse:
        return {(pk, instance.pk) for pk in pk_set}
    return {(instance.pk, pk) for pk in pk_set}


def _current_pairs(
    field: models.ManyToManyField, instance: Any, reverse: bool
) -> set[tuple[int, int]]:
    through = field.remote_field.through
    owner, target = field.m2m_column_name(), field.m2m_reverse_name()
    rows = through._default_manager.filter(**{target if reverse else owner: instance.pk})
    return set(rows.values_list(owner, target))


def _label(target: models.Model | None, pk: int) -> str:
    if target is None:
        return str(pk)
    if isinstance(target, Permission):
        return f"{target.content_type.app_label}.{target.codename}"
    return str(target)


def record_membership_changes(
    *,
    field: models.ManyToManyField,
    added: bool,
    pairs: set[tuple[int, int]],
    request: HttpRequest | None = None,
) -> int:
    """One event per (owner, group or permission) pair added or removed, in one insert."""
    if not pairs:
        return 0
    kind = _MEMBERSHIP_KINDS[field.name][0 if added else 1]
    targets = field.related_model._default_manager.all()
    if field.related_model is Permission:
        targets = targets.select_related("content_type")
    targets = targets.in_bulk({target for _owner, target in pairs})
    actor = _actor(request, None)
    common = {
        "kind": kind,
        "user": actor,
        "username": actor.get_username()[:150] if actor else "",
        "ip_address": client_ip(request),
    }
    events = []
    if field.model is Group:
        # A group's permission: the group is the object, the permission the detail.
        groups = Group.objects.in_bulk({owner for owner, _target in pairs})
        group_type = ContentType.objects.get_for_model(Group)
        for group_id, permission_id in sorted(pairs):
            events.append(
                AuditEvent(
                    **common,
                    content_type=group_type,
                    object_id=str(group_id),
                    object_repr=str(groups.get(group_id, ""))[:300],
                    detail=_label(targets.get(permission_id), permission_id)[:500],
                )
            )
    else:
        # A user's group or permission: the user is the subject, the group/permission the object.
        for user_id, target_id in sorted(pairs):
            target = targets.get(target_id)
            events.append(
                AuditEvent(
                    **common,
                    subject_user_id=user_id,
                    detail=_label(target, target_id)[:500],
                    **_object_fields(target),
                )
            )
    AuditEvent.objects.bulk_create(events)
    return len(events)


def _on_membership_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    field = _membership_fields().get(sender)
    if field is None:
        return
    pending = instance.__dict__.setdefault("_audit_m2m_pending", {})
    if action in ("pre_clear", "pre_remove"):
        # The post_ signals do not say what was really removed (post_clear gives no ids,
        # post_remove the ids asked for, present or not): take it from the table before.
        present = _current_pairs(field, instance, reverse)
        if action == "pre_remove":
            present &= _pairs(instance, reverse, pk_set or ())
        pending[sender] = present
    elif action in ("post_clear", "post_remove"):
        record_membership_changes(
            field=field, added=False, pairs=pending.pop(sender, set()), request=current_request()
        )
    elif action == "post_add":
        # Django leaves out of pk_set whatever was there already.
        record_membership_changes(
            field=field,
            added=True,
            pairs=_pairs(instance, reverse, pk_set or ()),
            request=current_request(),
        )


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
    for through in _membership_fields():
        m2m_changed.connect(
            _on_membership_changed, sender=through, dispatch_uid=f"audit_m2m_{through._meta.label}"
        )


def purge_old() -> int:
    """Delete audit events older than ``AUDIT_RETENTION_DAYS``; returns how many.

    On PostgreSQL the application role may not delete audit events itself: the owner's function
    ``ssr_audit_purge`` does, and never deletes any younger than 30 days."""
    days = settings.AUDIT_RETENTION_DAYS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT ssr_audit_purge(%s)", [days])
            return cursor.fetchone()[0]
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _by_model = AuditEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
