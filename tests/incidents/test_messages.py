"""What the messages of activated mode say, and whom they reach: the activation alert (what,
which forums, when and where they meet, how to reach the RSIB, the links), the picture e-mail,
the deactivation notice, the co-signing request and the short picture for the indirectly
affected."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actors.models import ActorFunction, Assignment
from incidents import alerts, services
from incidents.forms import ActivationForm
from incidents.models import EventType, SeatAlert
from incidents.picture import services as picture_services
from incidents.picture import tasks as picture_tasks
from notifications.channels.sms import MAX_LENGTH
from notifications.models import Notification
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    MunicipalityFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RSIB_MOBILE = "+46 70 555 12 34"


@pytest.fixture
def reachable(holder, deputy, rsib):
    for user, mobile in ((holder, "+46 70 100 00 01"), (deputy, "+46 70 100 00 02")):
        user.person.email = f"{user.username}@example.org"
        user.person.mobile = mobile
        user.person.save()
    rsib.person.mobile = RSIB_MOBILE
    rsib.person.save()


@pytest.fixture
def meets_at():
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)


@pytest.fixture
def activated(forum, seat, holder, deputy, reachable, rsib, member_user, meets_at):
    signal = services.signal_create(
        actor=member_user.person.actor,
        signalled_by=member_user,
        what="Brand i ställverk, elavbrott i Huddinge",
        assessment="Behov av samordning",
    )
    return services.incident_activate(
        activated_by=rsib,
        title="Elavbrott söder",
        forums=[forum],
        event_type=EventType.objects.create(name="Störning i elförsörjningen"),
        signal=signal,
        meets_at=meets_at,
        meeting_place="Länsstyrelsen, Regeringsgatan 66",
        meeting_link="https://mote.example.org/samordnande",
    )


def sent(kind: str, channel: str, **filters):
    return Notification.objects.filter(kind=kind, channel=channel, **filters)


def local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


# --- The activation alert -------------------------------------------------------------------


def test_the_activation_email_says_what_which_forum_when_where_who_and_the_links(
    activated, forum, holder, meets_at
):
    email = sent("activation_alert", "email", recipient=holder.person).get()
    body = email.body
    assert "Elavbrott söder" in email.subject
    for expected in (
        "Elavbrott söder",
        "Brand i ställverk, elavbrott i Huddinge",  # the signal's "what"
        "Störning i elförsörjningen",  # the event type
        forum.activated_name,
        local(meets_at),
        "Länsstyrelsen, Regeringsgatan 66",
        "https://mote.example.org/samordnande",
        "Rut Jour",
        RSIB_MOBILE,
        settings.SITE_URL + activated.get_absolute_url(),
    ):
        assert expected in body, expected
    assert re.search(r"/kvittera/[^/\s]+/", body)
    assert "&quot;" not in body and "&#x27;" not in body  # plain text, not HTML-escaped
    assert 'href="tel:+46705551234"' in email.html
    assert "https://mote.example.org/samordnande" in email.html


def test_the_activation_sms_is_short_with_title_forum_meeting_phone_and_link(
    activated, forum, holder, meets_at
):
    sms = sent("activation_alert", "sms", recipient=holder.person).get().body
    assert len(sms) <= MAX_LENGTH
    for expected in ("Elavbrott söder", forum.activated_name, local(meets_at), RSIB_MOBILE):
        assert expected in sms, expected
    assert re.search(r"/kvittera/[^/\s]+/$", sms)


def test_without_a_meeting_the_alert_says_time_and_place_are_to_be_announced(
    forum, seat, holder, reachable, rsib
):
    incident = services.incident_activate(activated_by=rsib, title="Storm", forums=[forum])
    email = sent("activation_alert", "email", recipient=holder.person).get()
    assert "tid och plats meddelas senare" in email.body.lower()
    sms = sent("activation_alert", "sms", recipient=holder.person).get().body
    assert "Tid och plats meddelas senare." in sms
    assert incident.meets_at is None and incident.meeting_place == ""


def test_a_long_alert_sms_is_cut_before_the_phone_and_the_link(
    forum, seat, holder, reachable, rsib, meets_at
):
    services.incident_activate(
        activated_by=rsib,
        title="Mycket lång rubrik " * 10,
        forums=[forum],
        meets_at=meets_at,
        meeting_place="En mycket lång adress " * 13,
    )
    sms = sent("activation_alert", "sms", recipient=holder.person).get().body
    assert len(sms) <= MAX_LENGTH
    assert RSIB_MOBILE in sms
    assert re.search(r"/kvittera/[^/\s]+/$", sms)


def test_the_escalation_wave_says_the_same(activated, deputy, forum):
    start = SeatAlert.objects.get().alerted_at
    alerts.escalate(now=start + datetime.timedelta(minutes=forum.escalation_minutes))
    body = sent("activation_alert", "email", recipient=deputy.person).get().body
    assert "Länsstyrelsen, Regeringsgatan 66" in body and RSIB_MOBILE in body


def test_an_alert_after_a_forum_is_added_names_every_activated_forum(
    activated, forum, other_forum, outsider, rsib
):
    services.incident_forums_change(incident=activated, forums=[forum, other_forum], by=rsib)
    body = sent("activation_alert", "email", recipient=outsider.person).get().body
    assert forum.activated_name in body and other_forum.activated_name in body


def test_the_activation_form_takes_the_meeting_and_refuses_other_links(rsib, forum, meets_at):
    data = {
        "title": "Storm",
        "forums": [forum.pk],
        "reporting_interval_minutes": 120,
        "meets_at": f"{timezone.localtime(meets_at):%Y-%m-%dT%H:%M}",
        "meeting_place": "Stabsrummet",
        "meeting_link": "https://mote.example.org/rum",
    }
    form = ActivationForm(data)
    assert form.is_valid(), form.errors
    incident = services.incident_activate(activated_by=rsib, **form.cleaned_data)
    incident.refresh_from_db()
    assert incident.meets_at == meets_at
    assert incident.meeting_place == "Stabsrummet"
    assert incident.meeting_link == "https://mote.example.org/rum"
    for link in ("javascript:alert(1)", "ftp://mote.example.org/rum"):
        assert "meeting_link" in ActivationForm({**data, "meeting_link": link}).errors
    with pytest.raises(ValidationError):
        services.incident_activate(
            activated_by=rsib, title="X", forums=[forum], meeting_link="javascript:alert(1)"
        )


def test_the_activation_page_shows_the_meeting_fields(rsib):
    from tests.incidents.conftest import client_for

    page = client_for(rsib).get(reverse("incidents:incident_activate"))
    html = page.content.decode()
    for name in ("meets_at", "meeting_place", "meeting_link"):
        assert f'name="{name}"' in html


# --- The situation picture ------------------------------------------------------------------


def test_the_picture_email_links_to_the_picture_and_carries_needs_and_requests(
    activated, holder, rsib, django_capture_on_commit_callbacks
):
    # A worker announces the picture after the commit (Celery eager here).
    with django_capture_on_commit_callbacks(execute=True):
        picture_services.picture_publish(
            incident=activated,
            audience="full",
            summary="Elavbrott för 40 000 hushåll.",
            needs_and_requests="Reservkraft till Huddinge sjukhus; tankbilar för vatten.",
            published_by=rsib,
        )
    email = sent("picture_published", "email", recipient=holder.person).get()
    url = settings.SITE_URL + reverse("incidents:picture", args=[activated.pk])
    assert url in email.body and url in email.html
    assert "Elavbrott för 40 000 hushåll." in email.body
    assert "Reservkraft till Huddinge sjukhus; tankbilar för vatten." in email.body
    assert "Reservkraft till Huddinge sjukhus" in email.html
    portal = sent("picture_published", "portal", recipient=holder.person).get()
    assert portal.link == reverse("incidents:picture", args=[activated.pk])


@pytest.fixture
def network(activated, outsider, other_forum):
    """Beside the incident's own actor (Huddinge, holder Hanna):

    - Olle's actor holds a seat in another forum, has no 24/7 address: reached through Olle;
    - Trafikverket has a 24/7 address and a seat holder elsewhere: reached at the address only;
    - Botkyrka, an affected municipality with a 24/7 address: involved, not indirectly;
    - Nacka, a municipality with no seat of its own and a cluster-seat function holder.
    """
    trafikverket = ActorFactory(name="Trafikverket", alert_email="tib@trafikverket.example.org")
    seat = SeatFactory(forum=other_forum, actor=trafikverket, function__name="Trafikledare")
    tv_holder = PersonFactory(actor=trafikverket, user=UserFactory(username="tv"))
    AssignmentFactory(
        actor_function=ActorFunction.objects.get(actor=trafikverket, function=seat.function),
        person=tv_holder,
    )
    botkyrka = MunicipalityFactory(name="Botkyrka kommun", alert_email="tib@botkyrka.example.org")
    activated.affected_municipalities.add(botkyrka)
    nacka = MunicipalityFactory(name="Nacka kommun")
    nacka_person = PersonFactory(actor=nacka, first_name="Nils")
    AssignmentFactory(
        actor_function=ActorFunction.objects.create(actor=nacka, function=seat.function),
        person=nacka_person,
    )
    return {"tv_holder": tv_holder, "nacka_person": nacka_person}


def test_the_short_picture_reaches_the_indirectly_affected_once_each(
    activated, network, holder, outsider, rsib, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        picture = picture_services.picture_publish(
            incident=activated,
            audience="short",
            summary="Elavbrott i södra länet.",
            needs_and_requests="Undvik resor söderut.",
            published_by=rsib,
        )
    emails = sent("picture_published", "email", object_id=picture.pk)
    by_address = sorted(emails.values_list("address", flat=True))
    assert by_address == sorted(
        [
            "tib@trafikverket.example.org",
            outsider.person.email,
            network["nacka_person"].email,
        ]
    )
    assert not emails.filter(recipient=holder.person).exists()  # directly affected
    assert not emails.filter(address="tib@botkyrka.example.org").exists()  # involved
    assert not emails.filter(recipient=network["tv_holder"]).exists()  # its actor's address
    duty = emails.get(address="tib@trafikverket.example.org")
    assert duty.recipient is None
    assert "Elavbrott i södra länet." in duty.body and "Undvik resor söderut." in duty.body
    assert "/handelser/" not in duty.body  # they cannot open the incident: all of it is here
    # Announcing the same version again queues nothing more: the task finds it announced, and
    # the messages themselves are keyed by the picture.
    assert picture_tasks.announce_picture(picture.pk) is False
    alerts.picture_published(picture)
    assert emails.count() == 3


def test_the_short_picture_reaches_someone_when_every_standing_forum_is_activated(
    forum, seat, holder, reachable, rsib, django_capture_on_commit_callbacks
):
    """Before, the indirectly affected were the seat holders of forums not activated: nobody
    once all were activated."""
    incident = services.incident_activate(activated_by=rsib, title="Storm", forums=[forum])
    ActorFactory(name="SOS Alarm", alert_email="tib@sosalarm.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        picture_services.picture_publish(
            incident=incident, audience="short", summary="Kort läge", published_by=rsib
        )
    assert sent("picture_published", "email", address="tib@sosalarm.example.org").count() == 1


# --- Deactivation ---------------------------------------------------------------------------


def test_deactivation_tells_every_alerted_person_once(activated, holder, deputy, forum, rsib):
    start = SeatAlert.objects.get().alerted_at
    alerts.escalate(now=start + datetime.timedelta(minutes=forum.escalation_minutes))
    assert sent("activation_alert", "email", recipient=holder.person).count() == 2  # two waves
    services.incident_deactivate(incident=activated, by=rsib)
    rows = Notification.objects.filter(kind="incident_deactivated")
    assert sorted((r.recipient.user.username, r.channel) for r in rows) == sorted(
        (user, channel) for user in ("hanna", "dan") for channel in ("email", "sms", "portal")
    )
    email = rows.get(recipient=holder.person, channel="email")
    assert "Elavbrott söder" in email.subject and "Elavbrott söder" in email.body
    assert "&quot;" not in email.body
    assert len(rows.get(recipient=holder.person, channel="sms").body) <= MAX_LENGTH
    # Repeat-safe: telling again (a retried task, a second call) adds nothing.
    alerts.deactivated(activated)
    assert Notification.objects.filter(kind="incident_deactivated").count() == 6


def test_deactivation_reaches_the_24_7_addresses_alerted(forum, seat, holder, reachable, rsib):
    """An affected municipality has no seat: it was alerted at its 24/7 address (e-mail and
    SMS, no person), and is told there that joint mode is over."""
    botkyrka = MunicipalityFactory(
        name="Botkyrka kommun",
        alert_email="tib@botkyrka.example.org",
        alert_phone="+46 70 999 00 00",
    )
    incident = services.incident_activate(
        activated_by=rsib, title="Storm", forums=[forum], municipalities=[botkyrka]
    )
    duty = Notification.objects.filter(kind="activation_alert", recipient=None)
    assert duty.count() == 2
    assert "Tid och plats meddelas senare" in duty.get(channel="sms").body
    services.incident_deactivate(incident=incident, by=rsib)
    rows = Notification.objects.filter(kind="incident_deactivated", recipient=None)
    assert sorted(rows.values_list("channel", "address")) == [
        ("email", "tib@botkyrka.example.org"),
        ("sms", "+46 70 999 00 00"),
    ]
    told = Notification.objects.filter(kind="incident_deactivated", recipient=holder.person)
    assert told.count() == 3
    alerts.deactivated(incident)
    assert Notification.objects.filter(kind="incident_deactivated").count() == 5


# --- Co-signing -----------------------------------------------------------------------------


def test_co_signers_are_told_once_that_their_signature_is_awaited(
    activated, seat, holder, deputy, rkk, outsider
):
    elsewhere = ActorFactory(name="Region Stockholm")
    region_person = PersonFactory(actor=elsewhere, user=UserFactory(username="regina"))
    AssignmentFactory(actor_function__actor=elsewhere, person=region_person)
    AssignmentFactory(
        actor_function__actor=elsewhere,
        person=PersonFactory(actor=elsewhere, user=UserFactory(username="ditte")),
        role=Assignment.Role.DEPUTY,
    )
    message = services.message_draft(
        incident=activated,
        target_group="Allmänheten",
        channel="Webb",
        text="Spara vatten.",
        senders=[seat.actor, elsewhere],
        by=rkk,
    )
    rows = Notification.objects.filter(kind="joint_message_cosign", channel="email")
    # Huddinge's seat holder (not its deputy); Region Stockholm's function holder.
    assert sorted(r.recipient.user.username for r in rows) == ["hanna", "regina"]
    email = rows.get(recipient=holder.person)
    assert "Allmänheten" in email.subject
    assert "Spara vatten." in email.body and "Huddinge kommun" in email.body
    assert settings.SITE_URL + activated.get_absolute_url() in email.body
    portal = Notification.objects.get(
        kind="joint_message_cosign", channel="portal", recipient=holder.person
    )
    assert portal.link.startswith(activated.get_absolute_url())
    # Repeat-safe.
    alerts.cosign_requested(message)
    assert rows.count() == 2


def test_the_short_picture_recipients_take_the_same_queries_however_many_actors(
    activated, other_forum, rsib, django_assert_max_num_queries
):
    def add_actors(count: int) -> None:
        for n in range(count):
            actor = ActorFactory(alert_email=f"tib{n}@example.org" if n % 2 else "")
            seat = SeatFactory(forum=other_forum, actor=actor)
            AssignmentFactory(
                actor_function=ActorFunction.objects.get(actor=actor, function=seat.function),
                person=PersonFactory(actor=actor),
            )

    add_actors(3)
    with django_assert_max_num_queries(20) as few:
        few_recipients = len(alerts._indirectly_affected(activated))
    add_actors(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        many_recipients = len(alerts._indirectly_affected(activated))
    assert many_recipients == few_recipients + 20
