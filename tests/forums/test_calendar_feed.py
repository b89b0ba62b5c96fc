"""The secret calendar-feed address: what it carries, and that it is replaced whenever the
password is changed or reset, or the user logs out everywhere."""

import datetime

import icalendar
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from forums import services
from forums.models import CalendarFeed
from tests.factories import AssignmentFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett-helt-nytt-lösenord-42"
SOON = timezone.now() + datetime.timedelta(days=7)


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("forums:calendar_feed", args=[feed.token])


def _feed_of(user) -> CalendarFeed:
    return services.calendar_feed_get_or_create(user=user)


def _meeting_uids(url: str) -> set[str]:
    response = Client().get(url)
    assert response.status_code == 200
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_password_change_replaces_the_feed_address_and_says_so(holder, holder_client):
    old = _feed_of(holder)
    response = holder_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "kalenderadress har också bytts" in response.content.decode()
    new = CalendarFeed.objects.get(user=holder)
    assert new.token != old.token and new.rotated_at is not None
    assert Client().get(_feed_url(old)).status_code == 404
    assert Client().get(_feed_url(new)).status_code == 200


def test_a_refused_password_change_keeps_the_feed_address(holder, holder_client):
    old = _feed_of(holder)
    holder_client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert CalendarFeed.objects.get(user=holder).token == old.token


def test_a_password_reset_replaces_the_feed_address(holder):
    old = _feed_of(holder)
    uid = urlsafe_base64_encode(force_bytes(holder.pk))
    token = default_token_generator.make_token(holder)
    client = Client()
    form_page = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert "kalenderadress har också bytts" in response.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)
    assert CalendarFeed.objects.get(user=holder).token != old.token
    assert Client().get(_feed_url(old)).status_code == 404


def test_the_rotation_service_replaces_the_address_and_makes_none_where_there_is_none(
    holder, deputy
):
    old = _feed_of(holder)
    rotated = services.calendar_feed_rotate(user=holder)
    assert rotated.token != old.token and rotated.rotated_at is not None
    assert Client().get(_feed_url(old)).status_code == 404
    assert services.calendar_feed_rotate(user=deputy) is None
    assert not CalendarFeed.objects.filter(user=deputy).exists()


def test_logging_out_everywhere_replaces_the_feed_address(holder, holder_client):
    """ssr_portal.accounts.logout_everywhere calls forums.services.calendar_feed_rotate."""
    old = _feed_of(holder)
    holder_client.post(reverse("logout_everywhere"))
    assert CalendarFeed.objects.get(user=holder).token != old.token
    assert Client().get(_feed_url(old)).status_code == 404


def test_the_calendar_page_says_when_the_address_was_changed(holder, holder_client):
    url = reverse("forums:calendar_settings")
    assert "ändrades senast" not in holder_client.get(url).content.decode()
    feed = services.calendar_feed_rotate(user=holder)
    page = holder_client.get(url).content.decode()
    assert "ändrades senast" in page
    assert timezone.localtime(feed.rotated_at).strftime("%Y-%m-%d %H:%M") in page
    assert feed.token in page


def test_the_secretariats_feed_carries_only_the_forums_they_hold_a_seat_in(
    forum, actor_function, other_forum, secretariat_user, secretariat
):
    from forums.services import forum_access_sync

    seated = MeetingFactory(forum=forum, starts_at=SOON)
    elsewhere = MeetingFactory(forum=other_forum, starts_at=SOON)
    feed = _feed_of(secretariat_user)
    assert _meeting_uids(_feed_url(feed)) == set()  # no seat yet: nothing, not every forum

    AssignmentFactory(actor_function=actor_function, person=secretariat_user.person)
    forum_access_sync()
    assert _meeting_uids(_feed_url(feed)) == {seated.ical_uid}
    # Logged in, the secretariat still sees and downloads every forum's meetings.
    ics = secretariat.get(reverse("forums:meeting_ics", args=[elsewhere.pk]))
    assert ics.status_code == 200
    page = secretariat.get(reverse("forums:calendar_settings")).content.decode()
    assert "bara mötena i de forum" in page


def test_a_members_feed_carries_the_forums_they_deputise_in(forum, other_forum, deputy):
    seated = MeetingFactory(forum=forum, starts_at=SOON)
    MeetingFactory(forum=other_forum, starts_at=SOON)
    assert _meeting_uids(_feed_url(_feed_of(deputy))) == {seated.ical_uid}
