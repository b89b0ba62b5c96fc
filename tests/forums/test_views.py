import datetime

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import (
    ActionItem,
    CalendarFeed,
    ClusterRepresentation,
    Decision,
    Meeting,
    Minutes,
    Seat,
)
from tests.factories import (
    ActorFunctionFactory,
    AssignmentFactory,
    ClusterFactory,
    ForumFactory,
    MeetingFactory,
    MunicipalityFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db

# A recent past meeting: inside the calendar feed's window, with minutes that can be approved.
PAST = (timezone.now() - datetime.timedelta(days=30)).replace(
    hour=9, minute=0, second=0, microsecond=0
)


@pytest.fixture
def objects(forum, seat, secretariat_user):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    item = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    attachment = services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.pdf", b"%PDF-1.7 underlag"),
        sharing_level="forum",
    )
    services.decision_add(meeting=meeting, text="Att notera lägesbilden.")
    action = services.action_item_add(meeting=meeting, title="Ta fram plan", owner=seat.actor)
    minutes = services.minutes_generate(meeting=meeting)
    representation = ClusterRepresentation.objects.create(
        cluster=ClusterFactory(name="Syd"),
        municipality=MunicipalityFactory(),
        starts_on=datetime.date(2025, 1, 1),
    )
    return {
        "forum": forum,
        "seat": seat,
        "meeting": meeting,
        "item": item,
        "attachment": attachment,
        "action": action,
        "minutes": minutes,
        "representation": representation,
    }


ROLES = ["anonymous", "holder", "deputy", "outsider", "secretariat"]

# page kinds: who gets what (anonymous, holder, deputy, outsider, secretariat)
FORUM_READ = (302, 200, 200, 404, 200)
SECRETARIAT = (302, 403, 403, 403, 200)
ANY_MEMBER = (302, 200, 200, 200, 200)

PAGES = [
    ("forums:forum_list", {}, ANY_MEMBER),
    ("forums:forum_detail", {"pk": "forum"}, FORUM_READ),
    ("forums:decisions_csv", {"pk": "forum"}, FORUM_READ),
    ("forums:meeting_detail", {"pk": "meeting"}, FORUM_READ),
    ("forums:meeting_ics", {"pk": "meeting"}, FORUM_READ),
    ("forums:attendance_csv", {"pk": "meeting"}, FORUM_READ),
    ("forums:attachment_download", {"pk": "attachment"}, FORUM_READ),
    ("forums:minutes_detail", {"pk": "meeting"}, FORUM_READ),
    ("forums:calendar_settings", {}, ANY_MEMBER),
    ("forums:forum_create", {}, SECRETARIAT),
    ("forums:forum_update", {"pk": "forum"}, SECRETARIAT),
    ("forums:seat_create", {"pk": "forum"}, SECRETARIAT),
    ("forums:seat_update", {"pk": "seat"}, SECRETARIAT),
    ("forums:seat_delete", {"pk": "seat"}, SECRETARIAT),
    ("forums:cluster_representation_list", {}, SECRETARIAT),
    ("forums:meeting_create", {"pk": "forum"}, SECRETARIAT),
    ("forums:meeting_update", {"pk": "meeting"}, SECRETARIAT),
    ("forums:meeting_cancel", {"pk": "meeting"}, SECRETARIAT),
    ("forums:meeting_invitation_send", {"pk": "meeting"}, SECRETARIAT),
    ("forums:agenda_item_create", {"pk": "meeting"}, SECRETARIAT),
    ("forums:agenda_item_update", {"pk": "item"}, SECRETARIAT),
    ("forums:attachment_create", {"pk": "meeting"}, SECRETARIAT),
    ("forums:attendance_edit", {"pk": "meeting"}, SECRETARIAT),
    ("forums:decision_create", {"pk": "meeting"}, SECRETARIAT),
    ("forums:action_item_create", {"pk": "meeting"}, SECRETARIAT),
    ("forums:action_item_status", {"pk": "action"}, SECRETARIAT),
    ("forums:minutes_edit", {"pk": "meeting"}, SECRETARIAT),
    ("forums:minutes_approve", {"pk": "meeting"}, SECRETARIAT),
]
# POST-only actions: members get 403, the secretariat is redirected after acting.
POST_ONLY = [
    ("forums:minutes_generate", {"pk": "meeting"}),
    ("forums:cluster_representation_end", {"pk": "representation"}),
]


def url_for(name, kwargs, objects):
    return reverse(name, kwargs={k: objects[v].pk for k, v in kwargs.items()})


@pytest.fixture
def clients(holder_client, deputy_client, outsider_client, secretariat):
    return {
        "anonymous": Client(),
        "holder": holder_client,
        "deputy": deputy_client,
        "outsider": outsider_client,
        "secretariat": secretariat,
    }


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    url = url_for(name, kwargs, objects)
    for role, status in zip(ROLES, expected, strict=True):
        response = clients[role].get(url)
        assert response.status_code == status, (role, url)


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY, ids=[p[0] for p in POST_ONLY])
def test_post_only_actions_are_secretariat_only(name, kwargs, objects, clients):
    url = url_for(name, kwargs, objects)
    assert clients["anonymous"].post(url).status_code == 302
    for role in ("holder", "deputy", "outsider"):
        assert clients[role].post(url).status_code == 403, role
    assert clients["secretariat"].get(url).status_code == 405
    assert clients["secretariat"].post(url).status_code == 302


def test_every_forums_url_is_in_the_matrix():
    from forums.urls import urlpatterns

    covered = {n.split(":")[1] for n, _k, *_ in PAGES} | {n.split(":")[1] for n, _k in POST_ONLY}
    # The minutes PDF exists only once approved (its matrix: test_minutes_delivery.py); the
    # meeting search has its own tests (test_search.py).
    elsewhere = {"calendar_feed", "minutes_pdf", "meeting_search"}
    assert {p.name for p in urlpatterns} - elsewhere == covered


def test_forum_list_shows_only_my_forums(objects, holder_client, outsider_client, other_forum):
    assert (
        "Regional samordningsgrupp"
        in holder_client.get(reverse("forums:forum_list")).content.decode()
    )
    page = outsider_client.get(reverse("forums:forum_list")).content.decode()
    assert "Regional samordningsgrupp" not in page and "Regional chefsgrupp" in page


def test_outsider_cannot_guess_an_attachment_url(objects, outsider_client, holder_client):
    url = objects["attachment"].get_absolute_url()
    assert outsider_client.get(url).status_code == 404
    response = holder_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="underlag.pdf"')
    assert b"".join(response.streaming_content) == b"%PDF-1.7 underlag"


def test_network_shared_attachment_and_minutes_are_readable_by_other_members(
    objects, outsider_client, secretariat_user
):
    attachment = objects["attachment"]
    attachment.sharing_level = "network"
    attachment.save()
    assert outsider_client.get(attachment.get_absolute_url()).status_code == 200

    minutes = objects["minutes"]
    minutes_url = reverse("forums:minutes_detail", args=[objects["meeting"].pk])
    services.minutes_update(minutes=minutes, body=minutes.body, sharing_level="network")
    assert outsider_client.get(minutes_url).status_code == 404  # drafts stay in the forum
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    assert outsider_client.get(minutes_url).status_code == 200


def test_forum_page_queries_do_not_grow_with_seats(secretariat, django_assert_max_num_queries):
    forum = ForumFactory()
    for _ in range(50):
        seat = SeatFactory(forum=forum)
        af = seat.actor.actor_functions.get()
        AssignmentFactory(actor_function=af)
        AssignmentFactory(actor_function=af, role="deputy")
    for i in range(5):
        MeetingFactory(forum=forum, starts_at=PAST + datetime.timedelta(days=i))
    with django_assert_max_num_queries(16):
        response = secretariat.get(forum.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Efternamn") >= 100


def test_member_forum_page_queries_do_not_grow(
    objects, holder_client, django_assert_max_num_queries
):
    forum = objects["forum"]
    for _ in range(50):
        seat = SeatFactory(forum=forum)
        AssignmentFactory(actor_function=seat.actor.actor_functions.get())
    with django_assert_max_num_queries(19):
        assert holder_client.get(forum.get_absolute_url()).status_code == 200


def test_meeting_page_queries_do_not_grow(objects, holder_client, django_assert_max_num_queries):
    meeting = objects["meeting"]
    for _ in range(30):
        SeatFactory(forum=objects["forum"])
    for i in range(10):
        services.agenda_item_add(meeting=meeting, title=f"Punkt {i}")
    with django_assert_max_num_queries(21):
        assert holder_client.get(meeting.get_absolute_url()).status_code == 200


# --- The journey of the issue ---------------------------------------------------------------


def test_secretariat_runs_a_meeting_and_a_seat_holder_sees_it(
    forum, seat, holder, holder_client, secretariat, outsider_client
):
    start = timezone.localtime() - datetime.timedelta(hours=3)
    response = secretariat.post(
        reverse("forums:meeting_create", args=[forum.pk]),
        {
            "title": "Samordningsmöte",
            "mode": "ordinary",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Länsstyrelsen",
        },
    )
    meeting = Meeting.objects.get(title="Samordningsmöte")
    assert response.status_code == 302

    secretariat.post(reverse("forums:agenda_item_create", args=[meeting.pk]), {"title": "Läget"})
    response = secretariat.post(
        reverse("forums:attendance_edit", args=[meeting.pk]),
        {f"status_{seat.pk}": "present", f"attendee_{seat.pk}": "Hanna Test"},
    )
    assert response.status_code == 302
    for text in ("Att notera läget.", "Att öva i mars."):
        secretariat.post(reverse("forums:decision_create", args=[meeting.pk]), {"text": text})
    assert Decision.objects.filter(meeting=meeting).count() == 2

    secretariat.post(reverse("forums:minutes_generate", args=[meeting.pk]))
    minutes = Minutes.objects.get(meeting=meeting)
    secretariat.post(
        reverse("forums:minutes_edit", args=[meeting.pk]),
        {"body": minutes.body + "\nJusteras av ordföranden.", "sharing_level": "forum"},
    )
    confirm = secretariat.get(reverse("forums:minutes_approve", args=[meeting.pk]))
    assert "låses" in confirm.content.decode()
    secretariat.post(reverse("forums:minutes_approve", args=[meeting.pk]))
    minutes.refresh_from_db()
    assert minutes.is_approved and "Justeras av ordföranden." in minutes.body

    page = holder_client.get(reverse("forums:minutes_detail", args=[meeting.pk])).content.decode()
    assert "Att notera läget." in page and "Att öva i mars." in page

    feed = CalendarFeed.objects.get_or_create(user=holder, defaults={"token": "t" * 40})[0]
    calendar = icalendar.Calendar.from_ical(
        Client().get(reverse("forums:calendar_feed", args=[feed.token])).content
    )
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == [meeting.ical_uid]

    assert outsider_client.get(meeting.get_absolute_url()).status_code == 404
    assert (
        outsider_client.get(reverse("forums:minutes_detail", args=[meeting.pk])).status_code == 404
    )


def test_editing_approved_minutes_is_refused_with_a_message(objects, secretariat, secretariat_user):
    services.minutes_approve(minutes=objects["minutes"], approved_by=secretariat_user)
    response = secretariat.get(reverse("forums:minutes_edit", args=[objects["meeting"].pk]))
    assert response.status_code == 302
    decision = secretariat.post(
        reverse("forums:decision_create", args=[objects["meeting"].pk]), {"text": "Sent beslut"}
    )
    assert decision.status_code == 400
    assert "låsta" in decision.content.decode()


def test_meeting_form_refuses_an_end_before_the_start(forum, secretariat):
    response = secretariat.post(
        reverse("forums:meeting_create", args=[forum.pk]),
        {
            "mode": "ordinary",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T09:00",
            "location": "X",
        },
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_seat_form_refuses_a_function_the_actor_lacks(forum, secretariat):
    actor_function = ActorFunctionFactory()
    other = ActorFunctionFactory()
    response = secretariat.post(
        reverse("forums:seat_create", args=[forum.pk]),
        {
            "actor": actor_function.actor.pk,
            "function": other.function.pk,
            "count": 1,
            "applies_in": "both",
        },
    )
    assert response.status_code == 400
    assert not Seat.objects.filter(forum=forum).exists()


def test_calendar_feed_follows_updates_and_revocation(objects, holder, holder_client):
    meeting = objects["meeting"]
    holder_client.get(reverse("forums:calendar_settings"))
    token = CalendarFeed.objects.get(user=holder).token
    url = reverse("forums:calendar_feed", args=[token])

    first = icalendar.Calendar.from_ical(Client().get(url).content).walk("VEVENT")[0]
    services.meeting_update(
        meeting=meeting,
        starts_at=meeting.starts_at + datetime.timedelta(hours=1),
        ends_at=meeting.ends_at + datetime.timedelta(hours=1),
    )
    second = icalendar.Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    assert len(second) == 1
    assert second[0]["UID"] == first["UID"]
    assert int(second[0]["SEQUENCE"]) == int(first["SEQUENCE"]) + 1

    holder_client.post(reverse("forums:calendar_settings"))
    assert Client().get(url).status_code == 404


def test_meeting_ics_parses_with_a_stable_uid(objects, holder_client):
    meeting = objects["meeting"]
    response = holder_client.get(reverse("forums:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert event.decoded("DTSTART") == meeting.starts_at


def test_decisions_csv(objects, holder_client):
    response = holder_client.get(reverse("forums:decisions_csv", args=[objects["forum"].pk]))
    text = response.content.decode("utf-8-sig")
    assert "Att notera lägesbilden." in text and f"{timezone.localtime(PAST).year}:1" in text


def test_action_item_status_change(objects, secretariat):
    action = objects["action"]
    secretariat.post(reverse("forums:action_item_status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE


def test_home_lists_my_forums_meetings_and_actions(objects, holder, holder_client):
    future = timezone.now() + datetime.timedelta(days=3)
    MeetingFactory(forum=objects["forum"], title="Nästa möte", starts_at=future)
    services.action_item_add(
        meeting=objects["meeting"], title="Uppdatera kontaktlistan", owner=holder.person.actor
    )
    page = holder_client.get(reverse("home")).content.decode()
    assert "Regional samordningsgrupp" in page
    assert "Nästa möte" in page
    assert "Uppdatera kontaktlistan" in page
