"""Approved minutes lock the meeting and everything recorded in them: its name, time and place,
agenda, attachments, attendance, decisions and action items. Every service refuses, and the
pages say so instead of failing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import ActionItem, AgendaItem, Attachment, Attendance, Decision, Meeting

pytestmark = pytest.mark.django_db

PAST = (timezone.now() - datetime.timedelta(days=30)).replace(
    hour=9, minute=0, second=0, microsecond=0
)
LOCKED = "låst"  # "Mötets protokoll är justerat och låst; inget i mötet kan ändras."


@pytest.fixture
def approved(forum, seat, holder, secretariat_user):
    """A past meeting with agenda, attachment, attendance, decision and action item, and its
    minutes approved."""
    meeting = Meeting.objects.create(
        forum=forum,
        title="Månadsmöte",
        starts_at=PAST,
        ends_at=PAST + datetime.timedelta(hours=2),
        location="Länsstyrelsen",
    )
    item = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.txt", b"Underlag"),
        sharing_level="forum",
        agenda_item=item,
    )
    services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna Test")})
    services.decision_add(meeting=meeting, text="Att notera lägesbilden.", agenda_item=item)
    action = services.action_item_add(meeting=meeting, title="Ta fram plan", owner=seat.actor)
    minutes = services.minutes_generate(meeting=meeting)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    return {"meeting": meeting, "item": item, "action": action, "minutes": minutes, "seat": seat}


def _state(meeting: Meeting) -> tuple:
    meeting.refresh_from_db()
    return (
        meeting.title,
        meeting.starts_at,
        meeting.ends_at,
        meeting.location,
        meeting.status,
        meeting.sequence,
        list(AgendaItem.objects.filter(meeting=meeting).values_list("title", "description")),
        list(Attachment.objects.filter(meeting=meeting).values_list("pk", flat=True)),
        list(Attendance.objects.filter(meeting=meeting).values_list("seat", "status", "attendee")),
        list(Decision.objects.filter(meeting=meeting).values_list("number", "text")),
        list(ActionItem.objects.filter(meeting=meeting).values_list("title", "owner")),
    )


LATER = PAST + datetime.timedelta(days=1)

CHANGES = {
    "rename": lambda o: services.meeting_update(meeting=o["meeting"], title="Omdöpt"),
    "reschedule": lambda o: services.meeting_update(
        meeting=o["meeting"], starts_at=LATER, ends_at=LATER + datetime.timedelta(hours=2)
    ),
    "move": lambda o: services.meeting_update(meeting=o["meeting"], location="Annan plats"),
    "cancel": lambda o: services.meeting_cancel(meeting=o["meeting"]),
    "agenda_item_add": lambda o: services.agenda_item_add(meeting=o["meeting"], title="Ny punkt"),
    "agenda_item_update": lambda o: services.agenda_item_update(item=o["item"], title="Ändrad"),
    "attachment_add": lambda o: services.attachment_add(
        meeting=o["meeting"],
        upload=SimpleUploadedFile("sent.txt", b"Sent underlag"),
        sharing_level="forum",
    ),
    "attendance_change": lambda o: services.attendance_record(
        meeting=o["meeting"], entries={o["seat"].pk: ("absent", "")}
    ),
    "attendance_clear": lambda o: services.attendance_record(
        meeting=o["meeting"], entries={o["seat"].pk: ("", "")}
    ),
    "decision_add": lambda o: services.decision_add(meeting=o["meeting"], text="Sent beslut"),
    "action_item_add": lambda o: services.action_item_add(
        meeting=o["meeting"], title="Sen åtgärd", owner=o["seat"].actor
    ),
    "minutes_generate": lambda o: services.minutes_generate(meeting=o["meeting"]),
    "minutes_update": lambda o: services.minutes_update(
        minutes=o["minutes"], body="Förfalskat", sharing_level="forum"
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_service_refuses_to_change_a_meeting_with_approved_minutes(approved, change):
    before = _state(approved["meeting"])
    with pytest.raises(ValidationError):
        CHANGES[change](approved)
    assert _state(approved["meeting"]) == before


def test_action_items_are_still_followed_up_after_approval(approved):
    """The documented exception: the follow-up status of an action item is not in the minutes'
    lock (forums.services.action_item_set_status)."""
    services.action_item_set_status(item=approved["action"], status=ActionItem.Status.DONE)
    approved["action"].refresh_from_db()
    assert approved["action"].status == ActionItem.Status.DONE


def test_a_meeting_with_draft_minutes_can_still_be_renamed(forum, secretariat_user):
    meeting = Meeting.objects.create(
        forum=forum, starts_at=PAST, ends_at=PAST + datetime.timedelta(hours=1), location="X"
    )
    services.minutes_generate(meeting=meeting)
    services.meeting_update(meeting=meeting, title="Omdöpt")
    meeting.refresh_from_db()
    assert meeting.title == "Omdöpt"


# --- Pages ----------------------------------------------------------------------------------


def test_the_edit_page_of_an_approved_meeting_refuses_with_a_message(approved, secretariat):
    meeting = approved["meeting"]
    before = _state(meeting)
    url = reverse("forums:meeting_update", args=[meeting.pk])

    page = secretariat.get(url, follow=True)
    assert page.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert LOCKED in page.content.decode()

    response = secretariat.post(
        url,
        {
            "title": "Omdöpt",
            "mode": "ordinary",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T12:00",
            "location": "Annan plats",
        },
    )
    assert response.status_code == 302
    assert _state(meeting) == before


def test_the_meeting_page_offers_no_edit_when_locked(approved, secretariat):
    meeting = approved["meeting"]
    page = secretariat.get(meeting.get_absolute_url()).content.decode()
    for name in ("meeting_update", "meeting_cancel", "agenda_item_create", "attendance_edit"):
        assert reverse(f"forums:{name}", args=[meeting.pk]) not in page
    assert reverse("forums:agenda_item_update", args=[approved["item"].pk]) not in page


def test_the_other_meeting_forms_show_the_lock_instead_of_failing(approved, secretariat):
    meeting, seat = approved["meeting"], approved["seat"]
    before = _state(meeting)
    posts = [
        (reverse("forums:agenda_item_create", args=[meeting.pk]), {"title": "Ny punkt"}),
        (reverse("forums:agenda_item_update", args=[approved["item"].pk]), {"title": "Ändrad"}),
        (reverse("forums:decision_create", args=[meeting.pk]), {"text": "Sent beslut"}),
        (
            reverse("forums:action_item_create", args=[meeting.pk]),
            {"title": "Sen åtgärd", "owner": seat.actor.pk},
        ),
        (
            reverse("forums:attendance_edit", args=[meeting.pk]),
            {f"status_{seat.pk}": "absent", f"attendee_{seat.pk}": ""},
        ),
        (
            reverse("forums:attachment_create", args=[meeting.pk]),
            {"file": SimpleUploadedFile("sent.txt", b"Sent"), "sharing_level": "forum"},
        ),
    ]
    for url, data in posts:
        response = secretariat.post(url, data)
        assert response.status_code == 400, url
        assert LOCKED in response.content.decode(), url
    assert _state(meeting) == before
