"""What a meeting records: decision numbers in the agenda's order, attendance that cannot be
"excused" and attended at once, and forum purposes without source notes."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from forums import services
from forums.models import Attendance, Decision, Forum
from tests.factories import ForumFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PAST = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


# --- Decision numbers follow the agenda -----------------------------------------------------


def test_decision_numbers_follow_the_agenda_whatever_order_they_were_recorded_in(forum):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    first = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    second = services.agenda_item_add(meeting=meeting, title="Övningar")
    services.decision_add(meeting=meeting, text="Övning i maj.", agenda_item=second)
    services.decision_add(meeting=meeting, text="Nästa möte i juni.")
    services.decision_add(meeting=meeting, text="Lägesbilden noteras.", agenda_item=first)
    services.decision_add(meeting=meeting, text="Lägesbilden delas.", agenda_item=first)

    numbered = {d.text: d.number for d in Decision.objects.filter(meeting=meeting)}
    assert numbered == {
        "Lägesbilden noteras.": 1,
        "Lägesbilden delas.": 2,
        "Övning i maj.": 3,
        "Nästa möte i juni.": 4,
    }

    body = services.minutes_text(meeting)
    order = [
        body.index(f"2026:{n}: {text}")
        for text, n in sorted(numbered.items(), key=lambda pair: pair[1])
    ]
    assert order == sorted(order)


def test_renumbering_keeps_the_forums_numbers_gapless_and_unique(forum):
    march = MeetingFactory(forum=forum, starts_at=PAST)
    april = MeetingFactory(forum=forum, starts_at=PAST + datetime.timedelta(days=30))
    one = services.agenda_item_add(meeting=march, title="Ett")
    two = services.agenda_item_add(meeting=march, title="Två")
    services.decision_add(meeting=march, text="B", agenda_item=two)
    services.decision_add(meeting=april, text="April")
    returned = services.decision_add(meeting=march, text="A", agenda_item=one)

    assert returned.number == 1  # the caller gets the number the decision ended up with
    assert sorted(Decision.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert Decision.objects.get(text="April").number == 2  # another meeting's is untouched
    assert Decision.objects.get(text="B").number == 3


def test_the_meeting_page_lists_decisions_in_the_agendas_order(forum, seat, secretariat):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    first = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    second = services.agenda_item_add(meeting=meeting, title="Övningar")
    services.decision_add(meeting=meeting, text="Övning i maj.", agenda_item=second)
    services.decision_add(meeting=meeting, text="Lägesbilden noteras.", agenda_item=first)
    page = secretariat.get(meeting.get_absolute_url()).content.decode()
    assert page.index("Lägesbilden noteras.") < page.index("Övning i maj.")
    assert page.index("2026:1") < page.index("2026:2")


# --- Attendance -----------------------------------------------------------------------------


def test_excused_or_absent_with_someone_attending_is_refused(forum, seat):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    for status in ("excused", "absent"):
        with pytest.raises(ValidationError) as excinfo:
            services.attendance_record(meeting=meeting, entries={seat.pk: (status, "Hanna Test")})
        assert "Hanna Test" in str(excinfo.value) and "motsäger" in str(excinfo.value)
    assert not Attendance.objects.exists()
    services.attendance_record(meeting=meeting, entries={seat.pk: ("excused", "")})
    assert Attendance.objects.get().is_excused


def test_the_attendance_form_refuses_excused_with_a_name_typed_in(forum, seat, holder, secretariat):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    response = secretariat.post(
        reverse("forums:attendance_edit", args=[meeting.pk]),
        {f"status_{seat.pk}": "excused", f"attendee_{seat.pk}": "Någon Annan"},
    )
    assert response.status_code == 400
    assert "motsäger varandra" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_holders_suggested_name_is_dropped_when_the_seat_is_excused(
    forum, seat, holder, secretariat
):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    url = reverse("forums:attendance_edit", args=[meeting.pk])
    assert "Hanna Test" in secretariat.get(url).content.decode()  # the form suggests her
    response = secretariat.post(
        url, {f"status_{seat.pk}": "excused", f"attendee_{seat.pk}": "Hanna Test"}
    )
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert row.is_excused and row.attendee == ""


def test_a_seat_recorded_present_cannot_become_excused_with_its_attendee(
    forum, seat, holder, secretariat
):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna Test")})
    response = secretariat.post(
        reverse("forums:attendance_edit", args=[meeting.pk]),
        {f"status_{seat.pk}": "excused", f"attendee_{seat.pk}": "Hanna Test"},
    )
    assert response.status_code == 400
    assert Attendance.objects.get().status == "present"


# --- Purpose without source notes -----------------------------------------------------------


def test_the_default_forums_purposes_carry_no_source_notes():
    call_command("load_ssr_defaults", verbosity=0)
    purposes = list(Forum.objects.values_list("purpose", flat=True))
    assert len(purposes) >= 4 and all(purposes)
    assert not [p for p in purposes if "seed" in p.lower()]


def test_the_migration_removes_source_notes_from_existing_purposes():
    migration = importlib.import_module(
        "forums.migrations.0006_invitation_minutes_pdf_organisations"
    )
    old = ForumFactory(
        purpose="Samordnar inom gällande inriktning (seed 003 §1.4). Kan i aktiverat läge "
        "kompletteras med en samverkansstab."
    )
    last = ForumFactory(purpose="Styr i ordinarie läge (seed 002, Styrning).")
    mine = ForumFactory(purpose="Sekretariatets egen text.")
    migration.purpose_without_source_notes(apps, None)
    for forum in (old, last, mine):
        forum.refresh_from_db()
    assert old.purpose == (
        "Samordnar inom gällande inriktning. Kan i aktiverat läge kompletteras med en "
        "samverkansstab."
    )
    assert last.purpose == "Styr i ordinarie läge."
    assert mine.purpose == "Sekretariatets egen text."


def test_the_forum_page_shows_the_purpose_without_source_notes(secretariat):
    call_command("load_ssr_defaults", verbosity=0)
    forum = Forum.objects.get(name="Regional samordningsgrupp")
    page = secretariat.get(forum.get_absolute_url()).content.decode()
    assert "Samordnar inom gällande inriktning." in page
    assert "seed" not in page.lower()
