import datetime

import icalendar
import pytest
from django.utils import timezone

from forums import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reachable_holder(holder):
    holder.person.email = "hanna@example.org"
    holder.person.save()
    return holder


def ics_of(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]


def test_invitation_update_and_cancellation_replace_one_calendar_event(
    forum, seat, reachable_holder, secretariat_user, smtp
):
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = services.meeting_create(
        forum=forum, starts_at=start, ends_at=start + datetime.timedelta(hours=1), location="Rum 1"
    )
    assert smtp.messages == []  # nothing before the secretariat sends the invitation
    services.meeting_invitation_send(meeting=meeting, sent_by=secretariat_user)
    services.meeting_update(
        meeting=meeting,
        starts_at=start + datetime.timedelta(hours=2),
        ends_at=start + datetime.timedelta(hours=3),
    )
    services.meeting_cancel(meeting=meeting)
    invitation, update, cancellation = smtp.messages
    subjects = [str(m["Subject"]).strip() for m in (invitation, update, cancellation)]
    assert [s.split(":")[0] for s in subjects] == ["Kallelse", "Ändrat", "Inställt"]
    events = [ics_of(m) for m in (invitation, update, cancellation)]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert "Säkerhetschef" in invitation.get_body(("plain",)).get_content()


def test_approved_minutes_go_to_the_represented_actors_people(
    forum, seat, reachable_holder, deputy, secretariat_user, smtp
):
    deputy.person.email = ""
    deputy.person.save()
    start = timezone.now() - datetime.timedelta(days=1)
    meeting = services.meeting_create(
        forum=forum, starts_at=start, ends_at=start + datetime.timedelta(hours=1), location="Rum 1"
    )
    services.decision_add(meeting=meeting, text="Att anta planen.")
    minutes = services.minutes_generate(meeting=meeting)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    minutes_mail = [m for m in smtp.messages if str(m["Subject"]).strip().startswith("Justerat")]
    # Huddinge has no functional address here: its organisation copy is unreachable (below).
    assert [m["To"] for m in minutes_mail] == ["hanna@example.org"]
    [pdf] = list(minutes_mail[0].iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert "Att anta planen." in minutes_mail[0].get_body(("plain",)).get_content()
    # The deputy has no e-mail address: unreachable, visible to the secretariat, not a crash.
    assert (
        Notification.objects.get(
            recipient=deputy.person, kind="minutes_approved", channel="email"
        ).status
        == "unreachable"
    )


def test_reminder_the_day_before(forum, seat, reachable_holder, secretariat_user, smtp):
    from forums.tasks import send_meeting_reminders

    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    meeting = services.meeting_create(
        forum=forum,
        starts_at=tomorrow,
        ends_at=tomorrow + datetime.timedelta(hours=1),
        location="Rum 2",
    )
    services.meeting_invitation_send(meeting=meeting, sent_by=secretariat_user)
    assert send_meeting_reminders() == 1
    send_meeting_reminders()  # beat may run twice: still one reminder
    reminders = [m for m in smtp.messages if str(m["Subject"]).strip().startswith("Påminnelse")]
    assert len(reminders) == 1
