"""A used session stays alive (SESSION_COOKIE_AGE without activity) but is written at most once
per SESSION_REFRESH_SECONDS, not on every request."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_is_renewed_once_a_minute_while_it_is_used(member, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        member.get(reverse("home"))
        first = expiry(member)
        assert first == start + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        response = member.get(reverse("home"))
        assert expiry(member) == first  # not written again
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        response = member.get(reverse("home"))
        assert expiry(member) == later + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == (
            settings.SESSION_COOKIE_AGE
        )


def test_an_unused_session_ends_after_the_cookie_age(member, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        member.get(reverse("home"))
    idle = start + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with time_machine.travel(idle, tick=False):
        response = member.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_logout_is_not_undone_by_the_refresh(member):
    member.get(reverse("home"))
    key = member.session.session_key
    member.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert member.get(reverse("home")).status_code == 302
