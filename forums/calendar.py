"""iCalendar for meetings: one event per meeting with a stable UID, so that an update (a higher
SEQUENCE) or a cancellation replaces the event in the user's calendar instead of adding one."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from .models import Meeting


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.forum.name}: {meeting.display_title}")
    location = ", ".join(part for part in (meeting.location, meeting.virtual_link) if part)
    if location:
        event.add("location", vText(location))
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    description = [url]
    if meeting.virtual_link:
        description.insert(0, meeting.virtual_link)
    event.add("description", "\n".join(description))
    if meeting.status == Meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_for(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Samverkan Stockholmsregionen//SSR-portalen//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return calendar.to_ical()
