import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from incidents import alerts, services
from incidents.models import SeatAlert
from incidents.picture import services as picture_services
from notifications.models import Notification
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reachable(holder, deputy):
    for user, mobile in ((holder, "+46 70 100 00 01"), (deputy, "+46 70 100 00 02")):
        user.person.email = f"{user.username}@example.org"
        user.person.mobile = mobile
        user.person.save()


@pytest.fixture
def activated(forum, seat, holder, deputy, reachable, rsib):
    return services.incident_activate(activated_by=rsib, title="Storm", forums=[forum])


def ack_url(person) -> str:
    row = Notification.objects.filter(
        recipient=person, channel="email", kind="activation_alert"
    ).first()
    return re.search(r"/kvittera/[^/\s]+/", row.body).group(0)


def test_activation_alerts_the_holder_on_every_channel_with_the_reason(activated, holder, deputy):
    rows = Notification.objects.filter(kind="activation_alert")
    assert {(r.recipient.user, r.channel) for r in rows} == {
        (holder, "email"),
        (holder, "sms"),
        (holder, "portal"),
    }
    email = rows.get(channel="email")
    assert "ordinarie för Säkerhetschef hos Huddinge kommun" in email.body
    assert rows.get(channel="sms").body.startswith("SSR:")
    assert SeatAlert.objects.get().actor.name == "Huddinge kommun"


def test_the_link_acknowledges_once(activated, holder):
    url = ack_url(holder.person)
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert not SeatAlert.objects.get().acknowledged_at  # opening the link changes nothing
    assert client.post(url).status_code == 200
    alert = SeatAlert.objects.get()
    assert alert.acknowledged_by == holder.person and alert.acknowledged_via == "email"
    again = client.post(url)
    assert again.status_code == 409 and "Redan kvitterat" in again.content.decode()
    board = {row["alert"].pk: row["state"] for row in alerts.board(activated)}
    assert board[alert.pk] == "acknowledged"


def test_an_expired_or_forged_link_is_a_clear_page(activated, holder, settings):
    url = ack_url(holder.person)
    with time_machine.travel(datetime.timedelta(hours=settings.ACKNOWLEDGEMENT_LINK_HOURS + 1)):
        assert Client().post(url).status_code == 410
    assert Client().get("/kvittera/not-a-token/").status_code == 404
    assert SeatAlert.objects.get().acknowledged_at is None


def test_silent_seats_escalate_to_deputies_then_the_rsib(activated, holder, deputy, rsib, forum):
    start = SeatAlert.objects.get().alerted_at
    alerts.escalate(now=start + datetime.timedelta(minutes=forum.escalation_minutes - 1))
    assert SeatAlert.objects.get().wave == 1
    alerts.escalate(now=start + datetime.timedelta(minutes=forum.escalation_minutes))
    assert SeatAlert.objects.get().wave == 2
    deputy_alerts = Notification.objects.filter(recipient=deputy.person, kind="activation_alert")
    assert deputy_alerts.filter(channel="email").count() == 1
    assert (
        Notification.objects.filter(
            recipient=holder.person, channel="email", kind="activation_alert"
        ).count()
        == 2
    )
    alerts.escalate(now=start + datetime.timedelta(minutes=2 * forum.escalation_minutes))
    told = Notification.objects.get(recipient=rsib.person, channel="email")
    assert "Huddinge kommun" in told.body and told.subject.startswith("Tysta platser")
    alerts.escalate(now=start + datetime.timedelta(minutes=3 * forum.escalation_minutes))
    assert Notification.objects.filter(recipient=rsib.person, channel="email").count() == 1


def test_acknowledging_in_the_portal(activated, holder):
    client = Client()
    client.force_login(holder)
    client.post(reverse("incidents:acknowledge_in_portal", args=[activated.pk]))
    assert SeatAlert.objects.get().acknowledged_via == "portal"


def test_acknowledging_in_the_portal_costs_the_same_with_ten_times_the_seats(
    forum, seat, holder, deputy, reachable, rsib
):
    """The incident's unacknowledged alerts are resolved to their holders all at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_acknowledge(extra_seats: int) -> int:
        for _ in range(extra_seats):
            SeatFactory(forum=forum)
        incident = services.incident_activate(activated_by=rsib, title="Storm", forums=[forum])
        assert incident.alerts.count() == forum.seats.count()
        with CaptureQueriesContext(connection) as captured:
            assert alerts.acknowledge_in_portal(incident=incident, user=holder) == 1
        services.incident_deactivate(incident=incident, by=rsib)
        return len(captured)

    assert queries_to_acknowledge(1) == queries_to_acknowledge(10)


def test_a_seat_without_contact_paths_is_unreachable_on_the_board(forum, rsib, holder):
    holder.person.email = ""
    holder.person.mobile = ""
    holder.person.save()
    incident = services.incident_activate(activated_by=rsib, title="X", forums=[forum])
    [row] = alerts.board(incident)
    assert row["state"] == "unreachable"


def test_overdue_reports_are_reminded_then_deputies(activated, holder, deputy):
    rhythm = datetime.timedelta(minutes=activated.reporting_interval_minutes)
    alerts.remind_overdue(now=activated.activated_at + rhythm + datetime.timedelta(minutes=1))
    reminded = set(
        Notification.objects.filter(kind="report_reminder", channel="email").values_list(
            "recipient__user", flat=True
        )
    )
    assert reminded == {holder.pk}
    alerts.remind_overdue(now=activated.activated_at + rhythm + datetime.timedelta(minutes=2))
    assert Notification.objects.filter(kind="report_reminder", channel="email").count() == 1
    alerts.remind_overdue(now=activated.activated_at + 2 * rhythm + datetime.timedelta(minutes=1))
    reminded = set(
        Notification.objects.filter(kind="report_reminder", channel="email").values_list(
            "recipient__user", flat=True
        )
    )
    assert reminded == {holder.pk, deputy.pk}


def test_picture_direction_and_message_are_sent(
    activated, seat, holder, rsib, rkk, django_capture_on_commit_callbacks
):
    # The picture is announced by a worker after the commit (Celery eager here).
    with django_capture_on_commit_callbacks(execute=True):
        picture_services.picture_publish(
            incident=activated, audience="full", summary="Läget", published_by=rsib
        )
    direction = services.direction_issue(incident=activated, text="Prioritera vård", by=rsib)
    message = services.message_draft(
        incident=activated,
        target_group="Alla",
        channel="Webb",
        text="Budskap",
        senders=[seat.actor],
        by=rkk,
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_approve(message=message, by=rkk)
    kinds = set(Notification.objects.filter(recipient=holder.person).values_list("kind", flat=True))
    assert {"picture_published", "direction_issued", "joint_message_approved"} <= kinds
    assert Notification.objects.filter(
        object_id=direction.pk, kind="direction_issued", channel="sms"
    ).exists()
    approved = Notification.objects.get(
        kind="joint_message_approved", channel="email", recipient=holder.person
    )
    assert settings.SITE_URL + activated.get_absolute_url() in approved.body


def test_a_vacant_seat_is_unreachable_on_the_board(
    forum, rsib, holder, reachable, django_capture_on_commit_callbacks
):
    vacant = SeatFactory(forum=forum)  # nobody holds its function
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        incident = services.incident_activate(activated_by=rsib, title="X", forums=[forum])
    states = {row["alert"].seat_id: row["state"] for row in alerts.board(incident)}
    assert states[vacant.pk] == "unreachable"
    assert (
        states[holder.person.assignments.get().actor_function.actor.seats.get().pk] == "delivered"
    )
