from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roster.selectors import on_duty_banner


def on_duty(request: HttpRequest) -> dict:
    """Who is on duty now, for the header of every page a member sees (from the cache, else one
    query; lazily)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"on_duty_now": SimpleLazyObject(on_duty_banner)}
