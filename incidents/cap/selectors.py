"""The reads of the CAP pages: a message's alerts and the public feed's newest ones."""

from django.db.models import QuerySet

from ..models import CapAlert, JointMessage

FEED_SIZE = 50


def alerts_of(message: JointMessage) -> QuerySet[CapAlert]:
    return message.cap_alerts.select_related("created_by").order_by("-sent", "-pk")


def feed_alerts(limit: int = FEED_SIZE) -> list[CapAlert]:
    """The newest alerts of every message, newest first, bounded."""
    return list(
        CapAlert.objects.select_related("message", "message__incident").order_by("-sent", "-pk")[
            :limit
        ]
    )
