"""Periodic work for forums."""

import logging

from celery import shared_task

from .services import forum_access_sync

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def sync_forum_access() -> dict[str, int]:
    """Re-derive forum access for everyone: assignments and representations start and end on
    dates, so yesterday's holder loses access overnight without anyone touching a form."""
    granted, withdrawn = forum_access_sync()
    if granted or withdrawn:
        logger.info("Forum access: %s granted, %s withdrawn.", granted, withdrawn)
    return {"granted": granted, "withdrawn": withdrawn}


@shared_task(ignore_result=True)
def send_meeting_reminders() -> int:
    """The day before: remind the seat holders of tomorrow's meetings (once per meeting) — of
    those they were invited to; nothing goes out before the invitation."""
    import datetime

    from django.utils import timezone

    from .models import Meeting
    from .notify import meeting_reminder

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meetings = Meeting.objects.filter(
        status=Meeting.Status.PLANNED, starts_at__date=tomorrow, invitation_sent_at__isnull=False
    ).select_related("forum")
    for meeting in meetings:
        meeting_reminder(meeting)
    return len(meetings)
