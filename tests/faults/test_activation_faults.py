"""Two activations of one signal at once, through the real view, with a real worker, a real
Redis and an SMTP server that counts: one incident, one alert e-mail per seat holder."""

import collections
import uuid

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Incident
from notifications.models import Notification
from tests.concurrency import post_at_once
from tests.factories import AssignmentFactory, PersonFactory, SeatFactory, UserFactory
from tests.faults.harness import CountingSmtp, RedisServer, Worker, portal_settings, wait_until
from tests.incidents.conftest import client_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

HOLDERS = 40


@pytest.fixture
def crowd(forum, seat):
    for i in range(HOLDERS):
        other = SeatFactory(forum=forum)
        person = PersonFactory(user=UserFactory(), email=f"holder{i}@example.org", mobile="")
        AssignmentFactory(actor_function=other.actor.actor_functions.get(), person=person)
    return forum


def test_two_activations_at_once_make_one_incident_and_one_alert_each(
    crowd, rsib, secretariat_user, member_user
):
    signal = services.signal_create(
        actor=member_user.person.actor,
        signalled_by=member_user,
        what="Storm med elavbrott",
        assessment="Behov av samverkan",
    )
    url = reverse("incidents:incident_activate") + f"?signal={signal.pk}"
    data = {"title": "Storm", "forums": [crowd.pk], "reporting_interval_minutes": 60}
    with (
        RedisServer() as redis,
        CountingSmtp() as smtp,
        portal_settings(redis.url),
        Worker(redis.url, smtp.url, concurrency=2),
    ):
        clients = [client_for(rsib), client_for(secretariat_user)]
        # Two people: two forms, two keys.
        answers = post_at_once(clients, url, lambda: {**data, "idempotency_key": uuid.uuid4().hex})
        emails = Notification.objects.filter(channel="email", kind="activation_alert")
        expected = emails.count()
        delivered = wait_until(lambda: smtp.received() >= expected, 60)
        wait_until(lambda: False, 1.5)  # anything sent twice would have arrived by now
    assert delivered, (smtp.received(), expected)
    assert sorted(answers) in ([302, 302], [302, 400])
    assert Incident.objects.count() == 1
    alerts = [to for to in smtp.recipients() if to.startswith("holder")]
    per_holder = collections.Counter(alerts)
    print(
        f"\nconcurrent activations: {HOLDERS} holders, alert e-mails queued {expected}, "
        f"received {smtp.received()}, duplicates {smtp.duplicates()}, "
        f"holders reached {len(per_holder)}, most to one holder {max(per_holder.values())}"
    )
    assert len(per_holder) == HOLDERS and set(per_holder.values()) == {1}
    assert smtp.duplicates() == 0
