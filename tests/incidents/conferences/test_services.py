import base64
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from icalendar import Calendar

from incidents.conferences import selectors, services
from incidents.conferences.notify import conference_changed
from incidents.models import (
    Conference,
    ConferenceAction,
    ConferenceProtocol,
    LogEntry,
)
from notifications.models import Notification
from tests.factories import ActorFactory, SeatFactory
from tests.incidents.conferences.conftest import begun, in_minutes, schedule
from tests.incidents.conftest import report

pytestmark = pytest.mark.django_db

KIND = "conference_invitation"


def _invitations(conference, event="invitation"):
    return Notification.objects.filter(
        kind=KIND,
        dedupe_key__startswith=f"conference:{conference.pk}:{conference.sequence}:{event}",
    )


def _event(notification):
    calendar = Calendar.from_ical(base64.b64decode(notification.attachments[0]["content"]))
    return calendar, next(iter(calendar.walk("VEVENT")))


# --- Scheduling -----------------------------------------------------------------------------


def test_a_rhythm_creates_that_many_conferences_at_the_interval(incident, rsib, forum):
    conferences = schedule(incident, rsib, forum, repeat_count=4, repeat_every_minutes=120)
    assert len(conferences) == 4
    starts = [c.starts_at for c in Conference.objects.filter(incident=incident)]
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [
        datetime.timedelta(hours=2)
    ] * 3
    assert len({c.uid for c in conferences}) == 4
    assert LogEntry.objects.filter(incident=incident, kind="conference").count() == 1


def test_a_rhythm_needs_an_interval_at_least_as_long_as_the_conference(incident, rsib, forum):
    with pytest.raises(ValidationError):
        schedule(incident, rsib, forum, repeat_count=3, repeat_every_minutes=10)
    assert not Conference.objects.exists()


def test_only_the_coordinator_schedules(incident, holder, forum):
    with pytest.raises(ValidationError):
        schedule(incident, holder, forum)


def test_a_conference_is_scheduled_in_the_future_for_activated_forums(
    incident, rsib, forum, other_forum
):
    with pytest.raises(ValidationError):
        schedule(incident, rsib, forum, starts_at=in_minutes(-10))
    with pytest.raises(ValidationError):
        schedule(incident, rsib, other_forum)
    with pytest.raises(ValidationError):
        schedule(incident, rsib, forum, room_url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        schedule(incident, rsib, forum, room_url="", dial_in="")


# --- Invitations ----------------------------------------------------------------------------


def test_the_invitation_is_queued_once_per_person_with_an_ics(conference, holder, deputy):
    rows = _invitations(conference)
    people = {row.recipient.user_id for row in rows if row.recipient}
    assert people == {holder.pk, deputy.pk}
    email = rows.filter(channel="email")
    assert email.count() == 2  # one e-mail each
    calendar, event = _event(email.first())
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == conference.ical_uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == conference.starts_at
    assert "mote.example.se" in str(event["location"])
    # Sending again (a retried task, a repeated submit) queues nothing new.
    before = Notification.objects.count()
    conference_changed(conference, event="invitation")
    assert Notification.objects.count() == before


def test_an_involved_actor_with_a_vacant_seat_is_invited_at_its_24_7_address(incident, rsib, forum):
    SeatFactory(
        forum=forum, actor=ActorFactory(name="Trafikverket", alert_email="tib@trafikverket.se")
    )
    conference = schedule(incident, rsib, forum)[0]
    duty = _invitations(conference).filter(recipient=None)
    assert [row.address for row in duty] == ["tib@trafikverket.se"]
    assert duty.get().attachments[0]["name"] == "konferens.ics"


def test_a_rescheduled_conference_sends_an_update_with_the_same_uid(conference, rsib):
    later = conference.starts_at + datetime.timedelta(hours=1)
    conference = services.conference_reschedule(
        conference=conference,
        by=rsib,
        starts_at=later,
        duration_minutes=45,
        dial_in=conference.dial_in,
        room_url=conference.room_url,
    )
    assert conference.sequence == 1
    update = _invitations(conference, "update").filter(channel="email").first()
    _calendar, event = _event(update)
    assert str(event["uid"]) == conference.ical_uid
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == later


def test_a_cancelled_conference_sends_a_cancellation(conference, rsib):
    conference = services.conference_cancel(conference=conference, by=rsib)
    cancel = _invitations(conference, "cancellation").filter(channel="email").first()
    calendar, event = _event(cancel)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    with pytest.raises(ValidationError):
        services.conference_decision_add(conference=conference, by=rsib, text="För sent.")


# --- The conference -------------------------------------------------------------------------


def test_the_status_round_is_prefilled_from_the_newest_report(conference, seat, holder):
    report(conference.incident, seat.actor, holder, situation="Första läget", needs="Inget")
    report(
        conference.incident,
        seat.actor,
        holder,
        situation="Nyaste läget",
        impact="severe",
        needs="Reservkraft",
    )
    (row,) = selectors.status_round(conference)
    assert row.actor == seat.actor
    assert (row.situation, row.impact, row.needs) == ("Nyaste läget", "severe", "Reservkraft")
    assert row.source == "report"
    assert row.report.version == 2


def test_the_spoken_status_replaces_the_prefill(conference, seat, holder, rsib):
    report(conference.incident, seat.actor, holder, situation="Skrivet läge")
    services.status_round_entry_save(
        conference=conference, by=rsib, actor=seat.actor, situation="Muntligt läge", impact="normal"
    )
    (row,) = selectors.status_round(conference)
    assert (row.situation, row.source) == ("Muntligt läge", "spoken")
    assert row.entry.from_report.situation == "Skrivet läge"
    conference.refresh_from_db()
    assert conference.state == Conference.State.HELD


def test_only_involved_actors_take_a_turn(conference, rsib):
    with pytest.raises(ValidationError):
        services.status_round_entry_save(
            conference=conference, by=rsib, actor=ActorFactory(), situation="Utomstående"
        )


def test_decisions_are_numbered_in_the_order_taken(conference, rsib):
    for text in ("Första", "Andra", "Tredje"):
        services.conference_decision_add(conference=conference, by=rsib, text=text)
    assert list(conference.decisions.values_list("number", "text")) == [
        (1, "Första"),
        (2, "Andra"),
        (3, "Tredje"),
    ]


def test_the_owners_people_or_the_coordinator_mark_an_action_done(
    conference, rsib, seat, holder, outsider
):
    action = services.conference_action_add(
        conference=conference,
        by=rsib,
        text="Ordna reservkraft",
        owner=seat.actor,
        due_at=in_minutes(120),
    )
    with pytest.raises(ValidationError):
        services.conference_action_set_done(action=action, by=outsider)
    services.conference_action_set_done(action=action, by=holder)
    action.refresh_from_db()
    assert action.done_by == holder and action.done_at is not None
    assert LogEntry.objects.filter(kind="conference_action").exists()


# --- Closing --------------------------------------------------------------------------------


def _held(conference, rsib, seat):
    services.conference_attendance_record(
        conference=conference, by=rsib, present={seat.actor.pk: True}
    )
    services.status_round_entry_save(
        conference=conference, by=rsib, actor=seat.actor, situation="Stabilt", impact="strained"
    )
    services.conference_decision_add(conference=conference, by=rsib, text="Samordna bränsle.")
    services.conference_action_add(
        conference=conference, by=rsib, text="Inventera reservkraft", owner=seat.actor
    )


def test_closing_writes_the_protocol_to_the_log_and_freezes_the_conference(conference, rsib, seat):
    _held(conference, rsib, seat)
    protocol = services.conference_close(conference=begun(conference), by=rsib)
    assert protocol.content["attendance"] == [{"actor": seat.actor.name, "present": True}]
    assert protocol.content["decisions"] == [{"number": 1, "text": "Samordna bränsle."}]
    assert protocol.content["round"][0]["situation"] == "Stabilt"
    assert "Inventera reservkraft" in protocol.text
    assert protocol.log_entry.incident == conference.incident
    assert conference.get_absolute_url() in protocol.log_entry.text
    conference.refresh_from_db()
    assert conference.is_closed
    for change in (
        lambda: services.conference_decision_add(conference=conference, by=rsib, text="Sent"),
        lambda: services.conference_attendance_record(
            conference=conference, by=rsib, present={seat.actor.pk: False}
        ),
        lambda: services.status_round_entry_save(
            conference=conference, by=rsib, actor=seat.actor, situation="Ändrat"
        ),
        lambda: services.conference_action_add(
            conference=conference, by=rsib, text="Sent", owner=seat.actor
        ),
        lambda: services.conference_close(conference=conference, by=rsib),
        lambda: services.conference_cancel(conference=conference, by=rsib),
    ):
        with pytest.raises(ValidationError):
            change()
    # The actions are still followed up after closing; the protocol keeps them as they stood.
    action = ConferenceAction.objects.get(conference=conference)
    services.conference_action_set_done(action=action, by=rsib)
    protocol.refresh_from_db()
    assert protocol.content["actions"][0]["done"] is False


def test_a_conference_is_closed_only_after_it_has_begun(conference, rsib):
    with pytest.raises(ValidationError):
        services.conference_close(conference=conference, by=rsib)


def _refused(statement) -> bool:
    try:
        with transaction.atomic():
            statement()
    except DatabaseError:
        return True
    return False


def test_the_protocol_cannot_change_in_the_database(conference, rsib, seat):
    _held(conference, rsib, seat)
    protocol = services.conference_close(conference=begun(conference), by=rsib)

    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [protocol.pk])

        return run

    assert _refused(lambda: ConferenceProtocol.objects.filter(pk=protocol.pk).update(text="Ny"))
    assert _refused(raw("UPDATE incidents_conferenceprotocol SET text = 'x' WHERE id = %s"))
    assert _refused(raw("DELETE FROM incidents_conferenceprotocol WHERE id = %s"))
    protocol.refresh_from_db()
    assert "Samordna bränsle." in protocol.text
