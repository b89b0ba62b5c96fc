from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Channel, Notification


def unread(request: HttpRequest) -> dict:
    """The unread count in the header (one query, only when a page shows it)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "unread_count": SimpleLazyObject(
            lambda: Notification.objects.filter(
                recipient__user=user, channel=Channel.PORTAL, read_at__isnull=True
            ).count()
        )
    }
