"""A logged-in request without PostgreSQL: the user, the two-factor state and the session from
Redis.

Django reads, on every request of a logged-in user, the session row, the user row, the verified
device (django-otp) and, for the two-factor rule, the user's groups and RSIB/RKK shifts: four
queries before the view starts. Here the session is ``cached_db`` (settings) and the rest is kept
per user in the cache, stamped with the user's token (``core.auth_cache``):

- ``CachedAuthenticationMiddleware`` replaces Django's: the user row with whether the user is
  secretariat and until when they hold an RSIB/RKK shift (the two-factor rule), read from the
  cache; the session's auth hash is still checked against the user's password, so a password
  change ends the user's other sessions as before;
- ``CachedOTPMiddleware`` replaces django-otp's: the device that verified the session.

The receivers below delete a user's token whenever one of those facts changes: the user row
(password, deactivation, superuser), their groups (either side of the relation, a group renamed or
deleted), their devices (confirmed, reset, deleted, the identity provider's), their shifts, the
person linked to them, and their object permissions on incidents (``incidents.picture.live``
caches access under the same token). They are signal receivers because these rows are written by
Django's admin, django-otp and guardian as well as by our services: a path that skipped the
invalidation would leave a withdrawn right usable.
"""

from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from core import auth_cache
from core.access import is_secretariat

# Bump when what is cached changes shape, so that a new release never reads an old entry.
SCHEMA = 1
TOKEN_ATTRIBUTE = auth_cache.TOKEN_ATTRIBUTE
DUTY_ATTRIBUTE = "_ssr_duty_until"
DEVICE_ATTRIBUTE = "_ssr_cached_device"


def _user_key(user_id: Any) -> str:
    return f"auth:v{SCHEMA}:user:{user_id}"


def _device_key(user_id: Any, persistent_id: str) -> str:
    return f"auth:v{SCHEMA}:device:{user_id}:{persistent_id}"


def duty_until(user: Any):
    """The end of the user's last RSIB/RKK shift (the two-factor rule asks for a shift that has
    not ended), or None."""
    from incidents.models import COORDINATOR_ROLES, Shift

    return Shift.objects.filter(person__user=user, role__in=COORDINATOR_ROLES).aggregate(
        until=Max("ends_at")
    )["until"]


def _load_user(
    user_id: Any, backend_path: str, persistent_id: str | None
) -> tuple[Any, str | None]:
    """The user (None when gone or inactive) with their token, from the cache or the database;
    the session's verified device is read in the same round trip (for CachedOTPMiddleware)."""
    token_key = auth_cache.user_token_key(user_id)
    keys = [token_key, _user_key(user_id)]
    if persistent_id:
        keys.append(_device_key(user_id, persistent_id))
    found = cache.get_many(keys)
    token = found.get(token_key)
    entry = auth_cache.stamped(found.get(_user_key(user_id)), token)
    if entry is not None and entry["backend"] == backend_path:
        user = entry["user"]
        device = auth_cache.stamped(found.get(keys[-1]), token) if persistent_id else None
        if device is not None:
            setattr(user, DEVICE_ATTRIBUTE, (persistent_id, device["device"]))
    else:
        # Before the database, see core.auth_cache (the key was read in the get_many above).
        token = token or auth_cache.new_token(token_key, read=False)
        user = auth.load_backend(backend_path).get_user(user_id)
        if user is not None:
            is_secretariat(user)  # stored on the instance
            setattr(user, DUTY_ATTRIBUTE, duty_until(user))
        value = {"backend": backend_path, "user": user}
        cache.set(_user_key(user_id), auth_cache.stamp(value, token), auth_cache.ENTRY_SECONDS)
    if user is not None:
        setattr(user, TOKEN_ATTRIBUTE, token)
    return user, token


def get_user(request: HttpRequest) -> Any:
    """django.contrib.auth.get_user, with the user from the cache."""
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[auth.SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    user, _token = _load_user(user_id, backend_path, persistent_id)
    if user is None:
        return AnonymousUser()
    # As Django does: the session holds a hash of the password it was opened with.
    session_hash = request.session.get(HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return AnonymousUser()


_aget_user = sync_to_async(get_user)


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # its checks; then the user from the cache instead
        request.user = SimpleLazyObject(partial(get_user, request))
        request.auser = partial(_aget_user, request)


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware with the verified device from the cache."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._device(user, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device(self, user: Any, persistent_id: str) -> Any:
        token = getattr(user, TOKEN_ATTRIBUTE, None)
        if token is None:  # a user that did not come through the cache
            return self._device_from_persistent_id(persistent_id)
        read = getattr(user, DEVICE_ATTRIBUTE, None)  # read with the user
        if read is not None and read[0] == persistent_id:
            return read[1]
        key = _device_key(user.pk, persistent_id)
        device = self._device_from_persistent_id(persistent_id)
        cache.set(key, auth_cache.stamp({"device": device}, token), auth_cache.ENTRY_SECONDS)
        return device


# --- Invalidation ---------------------------------------------------------------------------


def _user_saved(sender, instance, **kwargs) -> None:
    auth_cache.invalidate_users([instance.pk])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # user.groups.add(...)
        auth_cache.invalidate_users([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear(): who they are is known before
        auth_cache.invalidate_users(instance.user_set.values_list("pk", flat=True))
    else:
        auth_cache.invalidate_users(pk_set or [])


def _group_changed(sender, instance, **kwargs) -> None:
    # Renamed into or out of the secretariat, or deleted (its rows go without m2m_changed).
    if instance.pk:
        auth_cache.invalidate_users(instance.user_set.values_list("pk", flat=True))


def _device_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate_users([instance.user_id])


def _person_user_ids(person_ids) -> list[Any]:
    from actors.models import Person

    return list(
        Person.objects.filter(pk__in=[p for p in person_ids if p]).values_list("user_id", flat=True)
    )


def _shift_before_save(sender, instance, **kwargs) -> None:
    # The person who gave the shift away no longer needs the second factor for it.
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values_list("person_id", flat=True).first()
        if old and old != instance.person_id:
            auth_cache.invalidate_users(_person_user_ids([old]))


def _shift_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate_users(_person_user_ids([instance.person_id]))


def _person_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate_users([instance.user_id])


def _incident_permission_changed(sender, instance, **kwargs) -> None:
    auth_cache.invalidate_users([instance.user_id])


def connect() -> None:
    from django.apps import apps

    from actors.models import Person
    from incidents.models import IncidentUserObjectPermission, Shift

    user_model = get_user_model()
    receivers = [
        (_user_saved, user_model),
        (_shift_changed, Shift),
        (_person_changed, Person),
        (_incident_permission_changed, IncidentUserObjectPermission),
        # Per concrete device model: a receiver for every sender would turn off Django's fast
        # delete for every model of the portal.
        *((_device_changed, model) for model in apps.get_models() if issubclass(model, Device)),
    ]
    for receiver, model in receivers:
        auth_cache.on_write(receiver, [model], uid="auth-cache")
    pre_save.connect(_shift_before_save, sender=Shift, dispatch_uid="auth-cache-shift-pre")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="auth-cache-groups"
    )
    post_save.connect(_group_changed, sender=Group, dispatch_uid="auth-cache-group-saved")
    pre_delete.connect(_group_changed, sender=Group, dispatch_uid="auth-cache-group-deleted")
