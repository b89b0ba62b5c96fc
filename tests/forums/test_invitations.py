"""The invitation goes out when the secretariat sends it, never on creation and never for a
meeting that has started; after it, a change of time or agenda goes out as an update that
replaces the calendar event (same UID, higher SEQUENCE); before it, nothing goes out."""

import base64
import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import Meeting
from forums.tasks import send_meeting_reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def future_meeting(forum, seat, holder, deputy):
    start = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    return services.meeting_create(
        forum=forum, starts_at=start, ends_at=start + datetime.timedelta(hours=2), location="Rum 1"
    )


def meeting_mail(meeting: Meeting):
    return Notification.objects.filter(kind="meeting", channel="email", object_id=meeting.pk)


def ics_event(notification: Notification):
    [part] = [a for a in notification.attachments if a["mimetype"] == "text/calendar"]
    return icalendar.Calendar.from_ical(base64.b64decode(part["content"])).walk("VEVENT")[0]


def test_creating_a_meeting_tells_nobody(future_meeting):
    assert not Notification.objects.filter(kind="meeting").exists()
    assert not future_meeting.invitation_sent


def test_sending_the_invitation_reaches_every_seat_holder_and_deputy_once(
    future_meeting, holder, deputy, secretariat_user
):
    services.meeting_invitation_send(meeting=future_meeting, sent_by=secretariat_user)

    future_meeting.refresh_from_db()
    assert future_meeting.invitation_sent_at is not None
    assert future_meeting.invitation_sent_by == secretariat_user
    mails = list(meeting_mail(future_meeting).select_related("recipient"))
    assert sorted(m.recipient.user.pk for m in mails) == sorted([holder.pk, deputy.pk])
    assert all(m.subject.startswith("Kallelse") for m in mails)
    with pytest.raises(ValidationError, match="redan skickad"):
        services.meeting_invitation_send(meeting=future_meeting, sent_by=secretariat_user)
    assert meeting_mail(future_meeting).count() == 2


def test_no_invitation_for_a_meeting_that_has_started(forum, seat, holder, secretariat_user):
    start = timezone.now() - datetime.timedelta(minutes=5)
    meeting = services.meeting_create(
        forum=forum, starts_at=start, ends_at=start + datetime.timedelta(hours=1), location="X"
    )
    with pytest.raises(ValidationError, match="redan börjat"):
        services.meeting_invitation_send(meeting=meeting, sent_by=secretariat_user)
    meeting.refresh_from_db()
    assert meeting.invitation_sent_at is None
    assert not Notification.objects.filter(kind="meeting").exists()


def test_no_invitation_for_a_cancelled_meeting(future_meeting, secretariat_user):
    services.meeting_cancel(meeting=future_meeting)
    with pytest.raises(ValidationError, match="inställt"):
        services.meeting_invitation_send(meeting=future_meeting, sent_by=secretariat_user)
    # Nobody was invited, so nobody is told of the cancellation either.
    assert not Notification.objects.filter(kind="meeting").exists()


def test_changes_before_the_invitation_send_nothing(future_meeting):
    services.meeting_update(
        meeting=future_meeting,
        starts_at=future_meeting.starts_at + datetime.timedelta(hours=1),
        ends_at=future_meeting.ends_at + datetime.timedelta(hours=1),
    )
    services.agenda_item_add(meeting=future_meeting, title="Lägesbild")
    assert not Notification.objects.filter(kind="meeting").exists()


def test_agenda_and_time_changes_after_the_invitation_go_out_as_updates_of_one_event(
    future_meeting, holder, secretariat_user
):
    services.agenda_item_add(meeting=future_meeting, title="Lägesbild")
    services.meeting_invitation_send(meeting=future_meeting, sent_by=secretariat_user)
    [invitation] = meeting_mail(future_meeting).filter(recipient__user=holder)
    assert "§1 Lägesbild" in invitation.body

    item = services.agenda_item_add(meeting=future_meeting, title="Övning i mars")
    services.agenda_item_update(item=item, title="Övning i april")
    services.agenda_item_update(item=item, title="Övning i april")  # no change: no update
    services.meeting_update(
        meeting=future_meeting,
        starts_at=future_meeting.starts_at + datetime.timedelta(hours=1),
        ends_at=future_meeting.ends_at + datetime.timedelta(hours=1),
    )

    mails = list(meeting_mail(future_meeting).filter(recipient__user=holder).order_by("pk"))
    assert [m.subject.split(":")[0] for m in mails] == ["Kallelse", "Ändrat", "Ändrat", "Ändrat"]
    events = [ics_event(m) for m in mails]
    assert {str(e["UID"]) for e in events} == {future_meeting.ical_uid}
    sequences = [int(e["SEQUENCE"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert "§2 Övning i april" in mails[2].body
    assert mails[3].body != mails[2].body  # the new time is in it


def test_reminders_only_for_meetings_whose_invitation_was_sent(
    forum, seat, holder, secretariat_user
):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    meeting = services.meeting_create(
        forum=forum,
        starts_at=tomorrow,
        ends_at=tomorrow + datetime.timedelta(hours=1),
        location="X",
    )
    assert send_meeting_reminders() == 0
    services.meeting_invitation_send(meeting=meeting, sent_by=secretariat_user)
    assert send_meeting_reminders() == 1
    assert Notification.objects.filter(kind="meeting_reminder").exists()


# --- The page -------------------------------------------------------------------------------


def test_the_meeting_page_offers_the_invitation_and_then_shows_it_sent(
    future_meeting, secretariat, secretariat_user, holder_client
):
    page = secretariat.get(future_meeting.get_absolute_url()).content.decode()
    send_url = reverse("forums:meeting_invitation_send", args=[future_meeting.pk])
    assert send_url in page and "Inte skickad" in page
    assert send_url not in holder_client.get(future_meeting.get_absolute_url()).content.decode()

    confirm = secretariat.get(send_url)
    assert confirm.status_code == 200 and "Skicka kallelsen" in confirm.content.decode()
    response = secretariat.post(send_url)
    assert response.status_code == 302

    future_meeting.refresh_from_db()
    assert future_meeting.invitation_sent_by == secretariat_user
    page = secretariat.get(future_meeting.get_absolute_url()).content.decode()
    assert send_url not in page and "Skickad" in page


def test_sending_twice_from_the_page_says_why(future_meeting, secretariat, secretariat_user):
    services.meeting_invitation_send(meeting=future_meeting, sent_by=secretariat_user)
    response = secretariat.post(reverse("forums:meeting_invitation_send", args=[future_meeting.pk]))
    assert response.status_code == 400
    assert "redan skickad" in response.content.decode()
    assert meeting_mail(future_meeting).count() == 2  # holder and deputy, once


def test_only_the_secretariat_sends_invitations(
    future_meeting, holder_client, outsider_client, anonymous
):
    url = reverse("forums:meeting_invitation_send", args=[future_meeting.pk])
    assert holder_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 403
    assert anonymous.post(url).status_code == 302
    future_meeting.refresh_from_db()
    assert not future_meeting.invitation_sent
