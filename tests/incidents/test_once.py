"""A form whose repetition has an outside effect acts once: activation (alone or from a signal,
by one person twice or by two at once), a direction, a picture, a joint message.

The issue: two POSTs of the activation form for one signal created two incidents and alerted
every seat holder twice."""

import uuid

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Direction, Incident, JointMessage, SeatAlert, Signal
from notifications.models import Notification
from tests.concurrency import post_at_once
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


def _signal(member_user):
    return services.signal_create(
        actor=member_user.person.actor,
        signalled_by=member_user,
        what="Storm med elavbrott",
        assessment="Behov av samverkan",
    )


def _activation(forum, key=None):
    data = {"title": "Storm", "forums": [forum.pk], "reporting_interval_minutes": 60}
    if key:
        data["idempotency_key"] = key
    return data


def test_the_activation_form_carries_a_key(rsib):
    page = client_for(rsib).get(reverse("incidents:incident_activate")).content.decode()
    assert 'name="idempotency_key"' in page


def test_a_repeated_activation_returns_the_first_incident_and_alerts_no_one_again(
    forum, seat, holder, rsib
):
    client, key = client_for(rsib), uuid.uuid4().hex
    url = reverse("incidents:incident_activate")
    first = client.post(url, _activation(forum, key))
    alerts, notifications = SeatAlert.objects.count(), Notification.objects.count()
    second = client.post(url, _activation(forum, key))
    incident = Incident.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == incident.get_absolute_url()
    assert (SeatAlert.objects.count(), Notification.objects.count()) == (alerts, notifications)
    assert alerts >= 1


def test_a_second_activation_of_a_handled_signal_leads_to_its_incident(
    forum, seat, holder, rsib, secretariat_user, member_user
):
    signal = _signal(member_user)
    url = reverse("incidents:incident_activate") + f"?signal={signal.pk}"
    client_for(rsib).post(url, _activation(forum, uuid.uuid4().hex))
    incident = Incident.objects.get()
    alerts = SeatAlert.objects.count()
    # The secretariat, who opened the form before the RSIB sent it: another key.
    response = client_for(secretariat_user).post(url, _activation(forum, uuid.uuid4().hex))
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert Incident.objects.count() == 1 and SeatAlert.objects.count() == alerts
    signal.refresh_from_db()
    assert signal.incident == incident and incident.from_signal == signal


def test_the_service_refuses_a_signal_whose_copy_is_out_of_date(forum, rsib, member_user):
    from django.core.exceptions import ValidationError

    signal = _signal(member_user)
    stale = Signal.objects.get(pk=signal.pk)  # loaded before the first activation
    services.incident_activate(activated_by=rsib, title="A", forums=[forum], signal=signal)
    with pytest.raises(ValidationError):
        services.incident_activate(activated_by=rsib, title="B", forums=[forum], signal=stale)
    assert Incident.objects.count() == 1


def test_one_incident_per_signal_is_a_database_constraint(forum, rsib, member_user):
    from django.db import IntegrityError, transaction

    signal = _signal(member_user)
    first = services.incident_activate(activated_by=rsib, title="A", forums=[forum], signal=signal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(
            title="Twin", activated_at=first.activated_at, activated_by=rsib, from_signal=signal
        )


@pytest.mark.django_db(transaction=True)
def test_two_activations_of_one_signal_at_once_make_one_incident(
    forum, seat, holder, rsib, secretariat_user, member_user
):
    signal = _signal(member_user)
    url = reverse("incidents:incident_activate") + f"?signal={signal.pk}"
    clients = [client_for(rsib), client_for(secretariat_user)]
    answers = post_at_once(clients, url, lambda: _activation(forum, uuid.uuid4().hex))
    # The first is sent to its incident; the second waited for the first's lock and then found
    # the signal handled: it shows the form with that error (or, had it come after the
    # commit, is sent to the incident).
    assert sorted(answers) in ([302, 302], [302, 400])
    incident = Incident.objects.get()
    assert incident.from_signal_id == signal.pk
    # Each seat alerted once, each holder sent one alert per channel.
    assert SeatAlert.objects.filter(incident=incident).count() == SeatAlert.objects.count()
    per_seat = SeatAlert.objects.values_list("seat_id", flat=True)
    assert len(per_seat) == len(set(per_seat)) >= 1


def test_a_repeated_direction_is_issued_once(incident, rsib):
    client, key = client_for(rsib), uuid.uuid4().hex
    url = reverse("incidents:direction_create", args=[incident.pk])
    assert 'name="idempotency_key"' in client.get(url).content.decode()
    for _ in range(2):
        response = client.post(url, {"text": "Prioritera vård", "idempotency_key": key})
        assert response.status_code == 302
    assert Direction.objects.filter(incident=incident).count() == 1


def test_a_repeated_picture_is_published_once(incident, rsib):
    client, key = client_for(rsib), uuid.uuid4().hex
    url = reverse("incidents:picture_publish", args=[incident.pk])
    assert 'name="idempotency_key"' in client.get(url).content.decode()
    data = {
        "audience": "full",
        "summary": "Läget",
        "sharing_level": "forum",
        "idempotency_key": key,
    }
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert incident.pictures.count() == 1


def test_a_repeated_publication_of_a_joint_message_publishes_once(incident, rkk, seat, holder):
    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Håll dig informerad",
        senders=[seat.actor],
        by=rkk,
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_approve(message=message, by=rkk)
    client, key = client_for(rkk), uuid.uuid4().hex
    url = reverse("incidents:message_action", args=[message.pk, "publish"])
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'name="idempotency_key"' in page.split(f'action="{url}"')[1][:400]
    first = client.post(url, {"idempotency_key": key})
    second = client.post(url, {"idempotency_key": key}, follow=True)
    assert first.status_code == 302
    message.refresh_from_db()
    assert message.status == JointMessage.Status.PUBLISHED
    assert incident.log.filter(kind="message", text__contains="publicerat").count() == 1
    assert "redan skickats" in second.content.decode()  # and not "Only an approved message…"


@pytest.mark.django_db(transaction=True)
def test_two_people_of_an_actor_acknowledging_at_once_make_one_acknowledgement(
    incident, seat, holder, deputy, rsib
):
    """The holder and the deputy of the actor's seat click "acknowledge" at the same moment:
    one acknowledgement, and both get the incident page back (no server error)."""
    from incidents.models import DirectionAcknowledgement

    direction = services.direction_issue(incident=incident, text="Prioritera el.", by=rsib)
    url = reverse("incidents:direction_acknowledge", args=[direction.pk])
    answers = post_at_once([client_for(holder), client_for(deputy)], url, dict)
    assert answers == [302, 302]
    assert DirectionAcknowledgement.objects.filter(direction=direction).count() == 1
