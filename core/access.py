"""Who may do what, at the level of roles. Object permissions build on this in later apps."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def is_secretariat(user: Any) -> bool:
    """True for members of the secretariat group (and superusers); cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_ssr_is_secretariat", None)
    if cached is None:
        cached = bool(
            user.is_superuser or user.groups.filter(name=settings.SECRETARIAT_GROUP).exists()
        )
        user._ssr_is_secretariat = cached
    return cached


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 for members who are not secretariat; anonymous users never get this far (login)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
