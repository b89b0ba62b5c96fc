"""With Redis unreachable the portal keeps working and the messages wait; when Redis is back,
the sweep sends them."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone
from kombu import pools

from incidents import services as incident_services
from notifications import services
from notifications.models import Notification
from ssr_portal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


def point_broker_at(url: str) -> None:
    """Re-point the app's broker, dropping every cached connection and producer pool."""
    app.conf.broker_url = url
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def test_messages_wait_while_the_broker_is_down_and_go_out_when_it_is_back(
    forum, seat, holder, rsib, smtp
):
    holder.person.email = "hanna@example.org"
    holder.person.save()
    real_broker = app.conf.broker_url
    app.conf.task_always_eager = False
    point_broker_at("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        incident = incident_services.incident_activate(
            activated_by=rsib, title="Storm", forums=[forum]
        )
        assert incident.pk  # the activation itself worked
        waiting = Notification.objects.filter(channel="email", status="pending")
        assert waiting.count() == 1 and smtp.messages == []

        point_broker_at(real_broker)
        app.control.purge()
        # Name the queue: an earlier start_worker in this process may have narrowed the
        # app's queue selection to its own.
        with start_worker(
            app,
            queues=[settings.CELERY_TASK_DEFAULT_QUEUE],
            perform_ping_check=False,
            shutdown_timeout=10,
        ):
            assert services.requeue_stale(now=timezone.now() + datetime.timedelta(hours=1)) >= 1
            deadline = timezone.now() + datetime.timedelta(seconds=20)
            while not smtp.messages and timezone.now() < deadline:
                time.sleep(0.1)
    finally:
        point_broker_at(real_broker)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert [m["To"] for m in smtp.messages] == ["hanna@example.org"]
    assert Notification.objects.get(channel="email").status == "sent"
