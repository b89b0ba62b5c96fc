"""Every involved actor is reached, seats or not (issue 17): the seat actors of the activated
forums and the affected municipalities are alerted, a vacant seat's actor and a municipality
without a seat at their 24/7 address, silent actors after the escalation time; the board shows
per actor whether, by whom and how; statuses move by themselves; municipalities report."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from actors.models import Assignment
from incidents import alerts, reach, selectors, services
from incidents.models import ActorAlert, ActorStatus, SeatAlert
from incidents.picture import services as picture_services
from notifications.models import Notification
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    MunicipalityFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


def _duty(actor, slug: str, phone: str, label: str = "TiB"):
    actor.alert_label = label
    actor.alert_email = f"beredskap@{slug}.example.org"
    actor.alert_phone = phone
    actor.save()
    return actor


@pytest.fixture
def reachable(holder, deputy):
    for user, mobile in ((holder, "+46 70 100 00 01"), (deputy, "+46 70 100 00 02")):
        user.person.email = f"{user.username}@example.org"
        user.person.mobile = mobile
        user.person.save()


@pytest.fixture
def botkyrka(db):
    return _duty(
        MunicipalityFactory(name="Botkyrka kommun", municipality_code="0127"),
        "botkyrka",
        "+46 8 530 610 00",
        label="Funktionsbrevlåda",
    )


@pytest.fixture
def haninge(db):
    return _duty(
        MunicipalityFactory(name="Haninge kommun", municipality_code="0136"),
        "haninge",
        "+46 8 606 700 00",
    )


@pytest.fixture
def vacant(forum):
    """A seat in the forum whose function nobody holds (Trafikverket's TiB)."""
    actor = _duty(ActorFactory(name="Trafikverket"), "trafikverket", "+46 10 123 00 00")
    return SeatFactory(forum=forum, actor=actor, function__name="Tjänsteman i beredskap")


@pytest.fixture
def activated(
    forum, seat, holder, deputy, reachable, vacant, botkyrka, haninge, rsib, capture_commits
):
    with capture_commits(execute=True):  # the outbox sends after commit
        return services.incident_activate(
            activated_by=rsib,
            title="Storm över länet",
            forums=[forum],
            municipalities=[botkyrka, haninge],
        )


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _addresses(kind: str = "activation_alert") -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind)
        .exclude(channel="portal")
        .values_list("channel", "address")
    )


# --- Who is involved and who is alerted ------------------------------------------------------


def test_affected_municipalities_are_involved_actors(activated, seat, vacant, botkyrka, haninge):
    names = [a.name for a in selectors.expected_actors(activated)]
    assert names == ["Botkyrka kommun", "Haninge kommun", "Huddinge kommun", "Trafikverket"]
    statuses = selectors.current_statuses(activated)
    assert {statuses[a.pk].status for a in (botkyrka, haninge, vacant.actor)} == {"alerted"}


def test_activation_reaches_every_involved_actor_once_per_address(
    activated, holder, botkyrka, haninge, vacant
):
    # The holder of the Huddinge seat by e-mail and SMS; Trafikverket (vacant seat), Botkyrka and
    # Haninge (no seat) at their 24/7 address, each address once.
    assert _addresses() == sorted(
        [
            ("email", "hanna@example.org"),
            ("sms", "+46 70 100 00 01"),
            ("email", "beredskap@trafikverket.example.org"),
            ("sms", "+46 10 123 00 00"),
            ("email", "beredskap@botkyrka.example.org"),
            ("sms", "+46 8 530 610 00"),
            ("email", "beredskap@haninge.example.org"),
            ("sms", "+46 8 606 700 00"),
        ]
    )
    reasons = dict(ActorAlert.objects.values_list("actor__name", "reason"))
    assert reasons == {
        "Trafikverket": "vacant",
        "Botkyrka kommun": "no_seat",
        "Haninge kommun": "no_seat",
    }
    duty_mail = Notification.objects.get(address="beredskap@botkyrka.example.org")
    assert duty_mail.recipient is None and duty_mail.status == "sent"
    assert "Funktionsbrevlåda" in duty_mail.body and "Botkyrka kommun" in duty_mail.body
    assert "/kvittera/" in duty_mail.body
    assert Notification.objects.get(address="+46 8 530 610 00").body.startswith("SSR:")


def test_alerting_again_sends_nothing_new(activated, forum, rsib):
    before = Notification.objects.count()
    assert reach.alert_duty_addresses(activated) == 0
    services.incident_forums_change(incident=activated, forums=[forum], by=rsib)
    assert Notification.objects.count() == before
    assert ActorAlert.objects.count() == 3


def test_a_seat_whose_people_have_no_contact_path_goes_to_the_duty_address(
    forum, seat, holder, rsib
):
    holder.person.email = ""
    holder.person.save()
    _duty(seat.actor, "huddinge", "+46 8 535 000 00")
    incident = services.incident_activate(activated_by=rsib, title="X", forums=[forum])
    alert = ActorAlert.objects.get(incident=incident)
    assert alert.actor == seat.actor and alert.reason == "vacant"
    assert alert.email == "beredskap@huddinge.example.org"


def test_an_actor_without_a_24_7_address_shows_as_unreachable(forum, seat, holder, reachable, rsib):
    municipality = MunicipalityFactory(name="Nykvarns kommun")
    incident = services.incident_activate(
        activated_by=rsib, title="X", forums=[forum], municipalities=[municipality]
    )
    rows = {row.actor.name: row for row in reach.actor_board(incident).actors}
    assert rows["Nykvarns kommun"].state == "unreachable"
    assert not Notification.objects.filter(content_type__model="actoralert").exists()


# --- Escalation ------------------------------------------------------------------------------


def test_silent_people_escalate_to_the_actors_24_7_address(activated, forum, seat, deputy):
    _duty(seat.actor, "huddinge", "+46 8 535 000 00")
    start = SeatAlert.objects.get(seat=seat).alerted_at
    window = datetime.timedelta(minutes=forum.escalation_minutes)
    alerts.escalate(now=start + window - datetime.timedelta(minutes=1))
    assert not ActorAlert.objects.filter(actor=seat.actor).exists()
    alerts.escalate(now=start + window)
    alert = ActorAlert.objects.get(actor=seat.actor)
    assert alert.reason == "silent"
    assert Notification.objects.filter(address="beredskap@huddinge.example.org").count() == 1
    alerts.escalate(now=start + 3 * window)  # the RSIB is told; the duty address not again
    assert Notification.objects.filter(address="beredskap@huddinge.example.org").count() == 1


def test_an_acknowledged_actor_is_not_escalated_to_its_duty_address(activated, forum, seat, holder):
    _duty(seat.actor, "huddinge", "+46 8 535 000 00")
    alert = SeatAlert.objects.get(seat=seat)
    alerts.acknowledge(alert=alert, person=holder.person, via=SeatAlert.Via.PORTAL)
    alerts.escalate(now=alert.alerted_at + datetime.timedelta(days=1))
    assert not ActorAlert.objects.filter(actor=seat.actor).exists()


# --- Acknowledging at the 24/7 address -------------------------------------------------------


def _duty_link(address: str) -> str:
    body = Notification.objects.get(address=address, channel="email").body
    return re.search(r"/kvittera/[^/\s]+/", body).group(0)


def test_the_duty_link_acknowledges_on_behalf_of_the_actor(activated, haninge):
    url = _duty_link("beredskap@haninge.example.org")
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "Haninge kommun" in page.content.decode()
    assert ActorAlert.objects.get(actor=haninge).acknowledged_at is None
    assert client.post(url, {"name": "Tove Tjänsteman"}).status_code == 200
    alert = ActorAlert.objects.get(actor=haninge)
    assert alert.acknowledged_via == "duty" and alert.acknowledged_name == "Tove Tjänsteman"
    assert selectors.current_statuses(activated)[haninge.pk].status == "acknowledged"
    assert client.post(url).status_code == 409
    rows = {row.actor.pk: row for row in reach.actor_board(activated).actors}
    assert rows[haninge.pk].state == "acknowledged"
    assert rows[haninge.pk].acknowledged_by == "Tove Tjänsteman"


def test_a_seat_link_still_acknowledges_the_seat(activated, holder, seat):
    body = Notification.objects.get(recipient=holder.person, channel="email").body
    url = re.search(r"/kvittera/[^/\s]+/", body).group(0)
    assert Client().post(url).status_code == 200
    assert SeatAlert.objects.get(seat=seat).acknowledged_via == "email"


def test_municipality_people_acknowledge_their_duty_alert_in_the_portal(activated, botkyrka):
    user = UserFactory(username="bo")
    PersonFactory(user=user, actor=botkyrka, first_name="Bo", last_name="Botkyrka")
    services.incident_access_sync(incidents=[activated])
    client = client_for(user)
    client.post(reverse("incidents:acknowledge_in_portal", args=[activated.pk]))
    alert = ActorAlert.objects.get(actor=botkyrka)
    assert alert.acknowledged_via == "portal" and alert.acknowledged_by.user == user


# --- The board, per actor --------------------------------------------------------------------


def test_the_board_shows_every_involved_actor_reached_and_how(activated, holder, vacant):
    board = reach.actor_board(activated)
    assert [row.actor.name for row in board.actors] == [
        "Botkyrka kommun",
        "Haninge kommun",
        "Huddinge kommun",
        "Trafikverket",
    ]
    assert board.reached == 4 and board.not_reached == 0
    rows = {row.actor.name: row for row in board.actors}
    assert rows["Huddinge kommun"].delivered == [("Hanna Test", "E-post, SMS")]
    assert rows["Botkyrka kommun"].delivered == [("Funktionsbrevlåda", "E-post, SMS")]
    assert rows["Trafikverket"].duty.reason == "vacant"
    assert [s["alert"].seat for s in rows["Trafikverket"].seats] == [vacant]


def test_the_board_page_lists_actors_with_a_bounded_number_of_queries(
    activated, rsib, forum, capture_commits, django_assert_max_num_queries
):
    for n in range(8):  # more seats and municipalities: the query count must not grow
        actor = _duty(ActorFactory(name=f"Aktör {n}"), f"a{n}", f"+46 70 200 00 {n:02d}")
        SeatFactory(forum=forum, actor=actor)
        municipality = _duty(MunicipalityFactory(), f"k{n}", f"+46 70 300 00 {n:02d}")
        activated.affected_municipalities.add(municipality)
    with capture_commits(execute=True):
        services.incident_forums_change(incident=activated, forums=[forum], by=rsib)
    client = client_for(rsib)
    url = reverse("incidents:board", args=[activated.pk])
    with django_assert_max_num_queries(22):
        page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "Botkyrka kommun" in content and "Aktör 7" in content
    lead = re.search(r"<p class=\"lead\">(.*?)</p>", content, re.S).group(1)
    assert "20 av 20 berörda aktörer nådda" in lead, lead


# --- Status moves by itself ------------------------------------------------------------------


def test_status_moves_alerted_acknowledged_reporting(activated, seat, holder, rsib):
    def status():
        return selectors.current_statuses(activated)[seat.actor.pk].status

    assert status() == "alerted"
    alert = SeatAlert.objects.get(seat=seat)
    alerts.acknowledge(alert=alert, person=holder.person, via=SeatAlert.Via.PORTAL)
    assert status() == "acknowledged"
    services.report_submit(
        incident=activated,
        actor=seat.actor,
        submitted_by=holder,
        situation="Läget",
        impact="normal",
    )
    assert status() == "reporting"
    services.report_submit(
        incident=activated, actor=seat.actor, submitted_by=holder, situation="Nytt", impact="normal"
    )
    assert ActorStatus.objects.filter(incident=activated, actor=seat.actor).count() == 3


def test_a_status_set_by_hand_is_kept(activated, seat, holder, rsib):
    services.actor_status_set(incident=activated, actor=seat.actor, status="active", by=rsib)
    services.report_submit(
        incident=activated,
        actor=seat.actor,
        submitted_by=holder,
        situation="Läget",
        impact="normal",
    )
    assert selectors.current_statuses(activated)[seat.actor.pk].status == "active"
    services.actor_status_set(incident=activated, actor=seat.actor, status="reporting", by=rsib)
    assert selectors.current_statuses(activated)[seat.actor.pk].status == "reporting"


# --- Municipalities see, report and receive --------------------------------------------------


@pytest.fixture
def botkyrka_people(botkyrka):
    """Berit is employed by Botkyrka; Kalle (employed elsewhere) holds its TiB function."""
    berit = PersonFactory(user=UserFactory(username="berit"), actor=botkyrka, first_name="Berit")
    kalle = PersonFactory(user=UserFactory(username="kalle"), first_name="Kalle")
    AssignmentFactory(
        person=kalle,
        actor_function__actor=botkyrka,
        actor_function__function__name="TiB",
        role=Assignment.Role.DEPUTY,
    )
    return berit, kalle


def test_municipality_people_view_and_report(activated, botkyrka, botkyrka_people, outsider):
    services.incident_access_sync(incidents=[activated])
    berit, kalle = botkyrka_people
    for person in (berit, kalle):
        assert selectors.can_view_incident(person.user, activated)
    assert not selectors.can_view_incident(outsider, activated)
    client = client_for(berit.user)
    url = reverse("incidents:report_create", args=[activated.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url + f"?actor={botkyrka.pk}",
        {"situation": "Översvämning i Tumba", "impact": "strained", "sharing_level": "forum"},
    )
    assert response.status_code == 302
    report = activated.reports.get()
    assert report.actor == botkyrka
    rows = {row.actor.pk: row for row in selectors.reporting_overview(activated)}
    assert rows[botkyrka.pk].report == report
    assert rows[botkyrka.pk].status.status == "reporting"


def test_municipality_people_receive_directions_and_the_picture(
    activated, botkyrka, botkyrka_people, rsib, django_capture_on_commit_callbacks
):
    berit, kalle = botkyrka_people
    services.incident_access_sync(incidents=[activated])
    direction = services.direction_issue(incident=activated, text="Prioritera vård", by=rsib)
    with django_capture_on_commit_callbacks(execute=True):  # announced after the commit
        picture_services.picture_publish(
            incident=activated, audience="full", summary="Läget", published_by=rsib
        )
    for person in (berit, kalle):
        kinds = set(Notification.objects.filter(recipient=person).values_list("kind", flat=True))
        assert {"direction_issued", "picture_published"} <= kinds
    page = client_for(berit.user).get(activated.get_absolute_url())
    assert page.status_code == 200
    ack = client_for(berit.user).post(
        reverse("incidents:direction_acknowledge", args=[direction.pk]),
        {"actor": botkyrka.pk},
    )
    assert ack.status_code == 302
    assert direction.acknowledgements.get().actor == botkyrka


def test_overdue_municipalities_without_a_seat_are_reminded(activated, botkyrka_people):
    berit, kalle = botkyrka_people
    rhythm = datetime.timedelta(minutes=activated.reporting_interval_minutes)
    later = activated.activated_at + rhythm + datetime.timedelta(minutes=1)
    alerts.remind_overdue(now=later)
    alerts.remind_overdue(now=later + datetime.timedelta(minutes=1))  # not again
    reminded = list(
        Notification.objects.filter(kind="report_reminder", channel="email").values_list(
            "recipient", flat=True
        )
    )
    assert reminded.count(berit.pk) == 1 and reminded.count(kalle.pk) == 1
