import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actors import services as actor_services
from actors.models import Assignment
from forums import selectors, services
from forums.access import can_view_forum
from forums.models import Attendance, Decision, Forum, Meeting, Minutes, Mode, Seat
from tests.factories import (
    ActorFunctionFactory,
    AssignmentFactory,
    ClusterFactory,
    ForumFactory,
    FunctionFactory,
    MeetingFactory,
    MunicipalityFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

T = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def fresh(user):
    """A new user object, so guardian's per-object cache does not answer from before."""
    return type(user).objects.get(pk=user.pk)


# --- Composition ----------------------------------------------------------------------------


def test_seat_resolves_to_holders_and_deputies_today(forum, seat, holder, deputy):
    [resolved] = selectors.forum_composition(forum=forum)
    assert resolved.actor == seat.actor
    assert [a.person.user for a in resolved.holders] == [holder]
    assert [a.person.user for a in resolved.deputies] == [deputy]


def test_cluster_seat_resolves_through_the_named_representative(forum):
    south = ClusterFactory(name="Syd")
    huddinge = MunicipalityFactory(name="Huddinge kommun", cluster=south)
    function = FunctionFactory(name="Säkerhetschef")
    actor_function = ActorFunctionFactory(actor=huddinge, function=function)
    chief = AssignmentFactory(actor_function=actor_function)
    services.seat_create(forum=forum, cluster=south, function=function)

    [unnamed] = selectors.forum_composition(forum=forum)
    assert unnamed.actor is None and unnamed.is_vacant

    services.cluster_representation_create(
        cluster=south, municipality=huddinge, starts_on=datetime.date(2025, 1, 1)
    )
    [named] = selectors.forum_composition(forum=forum)
    assert named.actor == huddinge
    assert named.holders == [chief]


def test_representative_must_belong_to_the_cluster(forum):
    south = ClusterFactory(name="Syd")
    elsewhere = MunicipalityFactory()
    with pytest.raises(ValidationError):
        services.cluster_representation_create(
            cluster=south, municipality=elsewhere, starts_on=datetime.date(2025, 1, 1)
        )


def test_a_seat_needs_a_function_the_actor_has(forum):
    actor_function = ActorFunctionFactory()
    other_function = FunctionFactory(name="Kommunikationschef")
    with pytest.raises(ValidationError) as excinfo:
        services.seat_create(forum=forum, actor=actor_function.actor, function=other_function)
    assert "Kommunikationschef" in str(excinfo.value)
    assert not Seat.objects.exists()


def test_a_seat_cannot_be_both_actor_and_cluster(forum):
    actor_function = ActorFunctionFactory()
    with pytest.raises(ValidationError):
        services.seat_create(
            forum=forum,
            actor=actor_function.actor,
            cluster=ClusterFactory(),
            function=actor_function.function,
        )
    assert not Seat.objects.exists()


def test_double_representation_is_a_seat_count(forum):
    actor_function = ActorFunctionFactory(actor__name="Trafikverket")
    seat = services.seat_create(
        forum=forum, actor=actor_function.actor, function=actor_function.function, count=2
    )
    assert seat.count == 2
    with pytest.raises(ValidationError):
        services.seat_create(
            forum=forum, actor=actor_function.actor, function=actor_function.function
        )


# --- Access follows assignments -------------------------------------------------------------


def test_holders_and_deputies_see_the_forum_others_do_not(forum, holder, deputy, outsider):
    assert can_view_forum(holder, forum)
    assert can_view_forum(deputy, forum)
    assert not can_view_forum(outsider, forum)


def test_access_moves_with_the_assignment(forum, actor_function, holder):
    successor = PersonFactory(user=UserFactory(username="sven"))
    assignment = Assignment.objects.get(person__user=holder)

    today = timezone.localdate()
    actor_services.assignment_end(assignment=assignment, ends_on=today - datetime.timedelta(days=1))
    actor_services.assignment_create(
        actor_function=actor_function, person=successor, starts_on=today
    )

    assert not can_view_forum(fresh(holder), forum)
    assert can_view_forum(fresh(successor.user), forum)


def test_access_follows_a_change_of_login(forum, holder):
    person = holder.person
    new_user = UserFactory(username="hanna2")
    actor_services.person_update(person=person, user=new_user)
    assert not can_view_forum(fresh(holder), forum)
    assert can_view_forum(fresh(new_user), forum)


def test_removing_the_seat_withdraws_access(forum, seat, holder):
    services.seat_delete(seat=seat)
    assert not can_view_forum(fresh(holder), forum)


def test_sync_is_idempotent_and_catches_up_on_dates(forum, holder):
    assert services.forum_access_sync() == (0, 0)
    Assignment.objects.filter(person__user=holder).update(ends_on=datetime.date(2024, 6, 30))
    assert services.forum_access_sync() == (0, 1)  # e.g. the nightly run after the end date
    assert not can_view_forum(fresh(holder), forum)


def test_access_query_count_does_not_grow_with_seats(django_assert_max_num_queries):
    forum = ForumFactory()
    for _ in range(40):
        seat = SeatFactory(forum=forum)
        af = seat.actor.actor_functions.get()
        AssignmentFactory(actor_function=af, person__user=UserFactory())
    with django_assert_max_num_queries(8):
        granted, _withdrawn = services.forum_access_sync(forum_ids={forum.pk})
    assert granted == 40


# --- Modes ----------------------------------------------------------------------------------


def test_activating_switches_the_forum_to_its_activated_form(forum, seat, holder):
    services.forum_mode_set(forum=forum, mode=Mode.ACTIVATED)
    forum.refresh_from_db()
    assert forum.current_name == "Samordnande forum"
    # The composition follows from the same seats.
    [resolved] = selectors.forum_composition(forum=forum)
    assert resolved.holders[0].person.user == holder


def test_a_forum_without_an_activated_form_cannot_be_activated():
    forum = ForumFactory(activated_name="")
    with pytest.raises(ValidationError):
        services.forum_mode_set(forum=forum, mode=Mode.ACTIVATED)
    assert Forum.objects.get(pk=forum.pk).mode == Mode.ORDINARY


def test_seats_for_one_mode_only(forum):
    actor_function = ActorFunctionFactory()
    services.seat_create(
        forum=forum,
        actor=actor_function.actor,
        function=actor_function.function,
        applies_in=Seat.AppliesIn.ACTIVATED,
    )
    assert selectors.forum_composition(forum=forum) == []
    services.forum_mode_set(forum=forum, mode=Mode.ACTIVATED)
    assert len(selectors.forum_composition(forum=forum)) == 1


# --- Meetings -------------------------------------------------------------------------------


def test_a_meeting_that_ends_before_it_starts_is_refused(forum):
    with pytest.raises(ValidationError):
        services.meeting_create(
            forum=forum, starts_at=T, ends_at=T - datetime.timedelta(hours=1), location="X"
        )
    assert not Meeting.objects.exists()


def test_the_same_forum_cannot_meet_twice_at_once(forum):
    services.meeting_create(forum=forum, starts_at=T, ends_at=T + datetime.timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.meeting_create(
            forum=forum,
            starts_at=T + datetime.timedelta(hours=1),
            ends_at=T + datetime.timedelta(hours=3),
        )
    assert Meeting.objects.count() == 1


def test_a_seat_holder_cannot_be_double_booked(forum, seat, holder, other_forum, actor_function):
    SeatFactory(forum=other_forum, actor=seat.actor, function=seat.function)
    services.meeting_create(forum=other_forum, starts_at=T, ends_at=T + datetime.timedelta(hours=2))
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            forum=forum,
            starts_at=T + datetime.timedelta(hours=1),
            ends_at=T + datetime.timedelta(hours=2),
        )
    assert "Hanna" in str(excinfo.value)
    assert Meeting.objects.count() == 1


def test_moving_a_meeting_raises_its_calendar_sequence(forum):
    meeting = services.meeting_create(
        forum=forum, starts_at=T, ends_at=T + datetime.timedelta(hours=1)
    )
    meeting = services.meeting_update(
        meeting=meeting,
        starts_at=T + datetime.timedelta(days=1),
        ends_at=T + datetime.timedelta(days=1, hours=1),
    )
    assert meeting.sequence == 1
    meeting = services.meeting_cancel(meeting=meeting)
    assert (meeting.status, meeting.sequence) == (Meeting.Status.CANCELLED, 2)


def test_decisions_are_numbered_per_forum_and_year(forum, other_forum):
    first = MeetingFactory(forum=forum, starts_at=T)
    second = MeetingFactory(forum=forum, starts_at=T + datetime.timedelta(days=7))
    elsewhere = MeetingFactory(forum=other_forum, starts_at=T)
    next_year = MeetingFactory(
        forum=forum, starts_at=datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)
    )

    a = services.decision_add(meeting=first, text="Att fastställa dagordningen.")
    b = services.decision_add(meeting=second, text="Att anta övningsplanen.")
    c = services.decision_add(meeting=elsewhere, text="Att notera lägesbilden.")
    d = services.decision_add(meeting=next_year, text="Att välja ordförande.")

    assert [a.reference, b.reference, c.reference, d.reference] == [
        "2026:1",
        "2026:2",
        "2026:1",
        "2027:1",
    ]


def test_an_empty_decision_is_refused(forum):
    meeting = MeetingFactory(forum=forum)
    with pytest.raises(ValidationError):
        services.decision_add(meeting=meeting, text="   ")
    assert not Decision.objects.exists()


# --- Minutes --------------------------------------------------------------------------------


@pytest.fixture
def held_meeting(forum, seat, holder, deputy):
    meeting = MeetingFactory(forum=forum, starts_at=T - datetime.timedelta(days=400))
    item = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna Test")})
    services.decision_add(meeting=meeting, text="Att lägesbilden noteras.", agenda_item=item)
    services.decision_add(meeting=meeting, text="Att nästa möte hålls i januari.")
    return meeting


def test_minutes_are_generated_from_agenda_attendance_and_decisions(held_meeting):
    minutes = services.minutes_generate(meeting=held_meeting)
    assert "§1 Lägesbild" in minutes.body
    assert "Hanna Test" in minutes.body
    year = held_meeting.starts_at.year
    assert f"{year}:1: Att lägesbilden noteras." in minutes.body
    assert f"{year}:2: Att nästa möte hålls i januari." in minutes.body


def test_approved_minutes_are_locked_with_everything_in_the_meeting(
    held_meeting, seat, secretariat_user
):
    minutes = services.minutes_generate(meeting=held_meeting)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)

    with pytest.raises(ValidationError):
        services.minutes_update(minutes=minutes, body="Ändrat", sharing_level="forum")
    with pytest.raises(ValidationError):
        services.decision_add(meeting=held_meeting, text="Ett beslut till")
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=held_meeting, entries={seat.pk: ("absent", "")})
    with pytest.raises(ValidationError):
        services.minutes_generate(meeting=held_meeting)
    with pytest.raises(ValidationError):
        services.minutes_approve(minutes=minutes, approved_by=secretariat_user)

    minutes.refresh_from_db()
    assert minutes.body != "Ändrat" and minutes.status == Minutes.Status.APPROVED
    assert held_meeting.decisions.count() == 2
    assert Attendance.objects.get(meeting=held_meeting).status == "present"


def test_approval_records_who_gets_the_minutes_back_home(
    held_meeting, holder, deputy, secretariat_user
):
    minutes = services.minutes_generate(meeting=held_meeting)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    recipients = {
        r.person.user: r
        for r in minutes.recipients.filter(person__isnull=False).select_related("person", "actor")
    }
    assert set(recipients) == {holder, deputy}
    assert recipients[holder].actor.name == "Huddinge kommun"
    assert "Säkerhetschef" in recipients[holder].reason


def test_minutes_of_a_future_meeting_cannot_be_approved(forum, secretariat_user):
    meeting = MeetingFactory(
        forum=forum, starts_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )
    minutes = services.minutes_generate(meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_approve(minutes=minutes, approved_by=secretariat_user)


def test_attendance_only_for_the_forums_own_seats(forum, other_forum):
    foreign = SeatFactory(forum=other_forum)
    meeting = MeetingFactory(forum=forum)
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, entries={foreign.pk: ("present", "")})
    assert not Attendance.objects.exists()


# --- Attachments ----------------------------------------------------------------------------


def test_attachments_are_checked_by_content_and_size(forum, settings):
    meeting = MeetingFactory(forum=forum)
    pdf = SimpleUploadedFile("../../etc/Läges bild.pdf", b"%PDF-1.7\n" + b"x" * 100)
    attachment = services.attachment_add(meeting=meeting, upload=pdf, sharing_level="forum")
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "Läges_bild.pdf"
    assert "/" not in attachment.filename

    disguised = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match="inte en filtyp"):
        services.attachment_add(meeting=meeting, upload=disguised, sharing_level="forum")

    settings.ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="gränsen"):
        services.attachment_add(meeting=meeting, upload=pdf, sharing_level="forum")
    assert meeting.attachments.count() == 1
