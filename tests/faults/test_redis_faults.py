"""Redis stops during an activation: every page answers 200, the activation and the picture are
committed, and everything waiting in the database (the alerts, the picture's PDF) is delivered
once Redis is back and the sweeps have run."""

import contextlib
import time

import pytest
from django.urls import reverse

from actors.models import ActorFunction
from incidents.models import Incident, SituationPicture
from notifications.models import Channel, Notification
from tests.factories import AssignmentFactory, SeatFactory
from tests.faults.harness import CountingSmtp, RedisServer, Worker, portal_settings, wait_until
from tests.incidents.conftest import client_for, prepared, rsib  # noqa: F401

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

EXTRA_SEATS = 40
# A request that commits while Redis is down must not wait for it.
QUICK_SECONDS = 5.0


def _seat_holders(forum, count: int) -> None:
    for _ in range(count):
        seat = SeatFactory(forum=forum)
        AssignmentFactory(
            actor_function=ActorFunction.objects.get(actor=seat.actor, function=seat.function)
        )


@contextlib.contextmanager
def _portal_settings(redis_url: str):
    """portal_settings, with kombu's pool registry emptied on the way in and out: the harness
    closes the Celery app's connection pool, and kombu keeps handing that closed pool out for the
    same broker URL ("Acquire on closed pool") unless its registry is reset."""
    from kombu import pools

    try:
        with portal_settings(redis_url):
            pools.reset()
            yield
    finally:
        pools.reset()


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def test_redis_down_during_an_activation_loses_nothing(
    forum,
    seat,
    holder,
    deputy,
    rsib,  # noqa: F811
    prepared,  # noqa: F811
    settings,
):
    from incidents.picture.tasks import requeue_picture_pdfs
    from notifications.tasks import requeue_stale

    _seat_holders(forum, EXTRA_SEATS)
    coordinator, member = client_for(rsib), client_for(holder)
    settings.NOTIFICATION_STALE_SECONDS = 0
    settings.PICTURE_PDF_STALE_SECONDS = 0

    with (
        RedisServer() as redis,
        CountingSmtp() as smtp,
        _portal_settings(redis.url),
        Worker(redis.url, smtp.url, concurrency=2) as worker,
    ):
        redis.stop()

        response, seconds = _timed(
            coordinator.post,
            reverse("incidents:incident_activate"),
            {
                "title": "Storm utan Redis",
                "prepared_direction": prepared.pk,
                "forums": [forum.pk],
                "reporting_interval_minutes": 60,
            },
        )
        assert response.status_code == 302, response.content[:500]
        assert seconds < QUICK_SECONDS, seconds
        incident = Incident.objects.get(title="Storm utan Redis")
        assert incident.is_active

        response, seconds = _timed(
            coordinator.post,
            reverse("incidents:picture_publish", args=[incident.pk]),
            {"audience": "full", "summary": "Läget utan Redis", "sharing_level": "forum"},
        )
        assert response.status_code == 302, response.content[:500]
        assert seconds < QUICK_SECONDS, seconds
        picture = SituationPicture.objects.get(incident=incident)
        assert not picture.pdf

        pages = [
            (member, reverse("home"), {}),
            (member, reverse("incidents:incident_detail", args=[incident.pk]), {}),
            (member, reverse("incidents:picture", args=[incident.pk]), {}),
            (
                member,
                reverse("incidents:picture_live", args=[incident.pk]),
                {"HX-Request": "true"},
            ),
            (coordinator, reverse("incidents:picture", args=[incident.pk]), {}),
            (coordinator, reverse("incidents:board", args=[incident.pk]), {}),
            (coordinator, reverse("healthz_ready"), {}),
        ]
        for client, url, headers in pages:
            response, seconds = _timed(client.get, url, headers=headers)
            assert response.status_code == 200, url
            assert seconds < QUICK_SECONDS, (url, seconds)
        assert "Läget utan Redis" in member.get(pages[2][1]).content.decode()
        ready = coordinator.get(reverse("healthz_ready")).json()
        assert ready["checks"]["redis"].startswith("error")

        emails = Notification.objects.filter(channel=Channel.EMAIL)
        sent = emails.count()
        assert sent >= EXTRA_SEATS
        assert smtp.received() == 0  # nothing reached a worker while Redis was down

        redis.start()

        def delivered() -> bool:
            requeue_stale()
            requeue_picture_pdfs()
            picture.refresh_from_db()
            return smtp.received() >= sent and bool(picture.pdf)

        done = wait_until(delivered, timeout=45, interval=2.0)
        wait_until(lambda: False, timeout=1.0)  # a late repeat would show now
        received, duplicates = smtp.received(), smtp.duplicates()
        unsent = emails.exclude(status=Notification.Status.SENT).count()
        lost = sent - (received - duplicates)
        print(
            f"\nredis outage: e-mails sent (expected) {sent}, received {received}, "
            f"duplicates {duplicates}, lost {lost}, rows not sent {unsent}, "
            f"picture PDF {'produced' if picture.pdf else 'missing'}"
        )
        assert done, worker.log_text()[-3000:]
        assert received == sent
        assert duplicates == 0
        assert unsent == 0
        assert sorted(smtp.recipients()) == sorted(emails.values_list("address", flat=True))
        assert picture.pdf.name.endswith(".pdf")
