"""A conference of the incident of tests/incidents/conftest.py, scheduled by Rut (the RSIB on
duty) for the activated forum, an hour from now."""

import datetime

import pytest
from django.utils import timezone

from incidents.conferences import services
from incidents.models import Conference


def in_minutes(minutes: int) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).replace(microsecond=0)


def schedule(incident, by, forum, **extra):
    data = {
        "starts_at": in_minutes(60),
        "forums": [forum],
        "dial_in": "08-123 456 78, kod 4711",
        "room_url": "https://mote.example.se/ssr",
        **extra,
    }
    return services.conference_schedule(incident=incident, by=by, **data)


def begun(conference: Conference) -> Conference:
    """The conference as if its time had come (scheduling refuses the past)."""
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    conference.refresh_from_db()
    return conference


@pytest.fixture
def conference(incident, rsib, forum):
    return schedule(incident, rsib, forum)[0]
