from django.db import connection
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from actors.models import Person

from .models import Channel, Notification

# Written out once: the header of every page counts the member's unread messages, and building
# this query through the ORM cost more than PostgreSQL takes to answer it from its index.
_UNREAD_SQL = (
    f"SELECT COUNT(*) FROM {Notification._meta.db_table} n"
    f" JOIN {Person._meta.db_table} p ON n.recipient_id = p.id"
    " WHERE p.user_id = %s AND n.channel = %s AND n.read_at IS NULL"
)


def unread_count(user_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user_id, Channel.PORTAL])
        return cursor.fetchone()[0]


def unread(request: HttpRequest) -> dict:
    """The unread count in the header (one query, only when a page shows it)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_count": SimpleLazyObject(lambda: unread_count(user.pk))}
