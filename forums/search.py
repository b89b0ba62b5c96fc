"""What the meeting search looks in: the agendas, decisions and minutes of the meetings of the
forums a user may open, and approved minutes shared with the whole network (as
``access.can_read_minutes`` lets anyone logged in read them)."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.search import Kind

from .models import AgendaItem, Decision, Minutes, SharingLevel
from .selectors import forums_visible_to


def meeting_kinds(user: Any) -> list[Kind]:
    forums = forums_visible_to(user).values("pk")
    return [
        Kind(
            key="agenda",
            label=_("Agenda items"),
            records=AgendaItem.objects.filter(meeting__forum__in=forums).select_related(
                "meeting__forum"
            ),
            fields=["title", "description"],
            title=lambda item: f"{item.meeting.display_title} – §{item.position} {item.title}",
            url=lambda item: item.meeting.get_absolute_url() + "#agenda-heading",
            at="meeting__starts_at",
        ),
        Kind(
            key="decisions",
            label=_("Decisions"),
            records=Decision.objects.filter(meeting__forum__in=forums).select_related(
                "meeting__forum", "forum"
            ),
            fields=["text"],
            title=lambda d: f"{d.forum.name} {d.reference}",
            url=lambda d: d.meeting.get_absolute_url() + "#decisions-heading",
            at="meeting__starts_at",
        ),
        Kind(
            key="minutes",
            label=_("Minutes"),
            records=Minutes.objects.filter(
                Q(meeting__forum__in=forums)
                | Q(
                    status=Minutes.Status.APPROVED,
                    sharing_level__in=[SharingLevel.NETWORK, SharingLevel.PUBLIC],
                )
            ).select_related("meeting__forum"),
            fields=["body"],
            title=lambda m: str(m),
            url=lambda m: reverse("forums:minutes_detail", args=[m.meeting_id]),
            at="meeting__starts_at",
        ),
    ]
