"""The issue's run-through with real parts: a Celery worker process on Redis, real SMTP and a
fake SMS gateway over HTTP; the worker is stopped mid-run and started again."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from incidents import services as incident_services
from notifications import services
from notifications.models import Notification
from ssr_portal.celery import app
from tests.factories import AssignmentFactory, PersonFactory, SeatFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def start_worker(smtp, sms_gateway) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
        "DEBUG": "on",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "off",
        "EMAIL_URL": smtp.url,
        "SMS_GATEWAY_URL": sms_gateway.url,
        "SMS_GATEWAY_TOKEN": "test-token",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ssr_portal",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def crowd(forum, seat, rsib):
    """30 seats in the forum, each holder reachable by e-mail and SMS."""
    for i in range(30):
        other = SeatFactory(forum=forum)
        person = PersonFactory(
            user=UserFactory(), email=f"holder{i}@example.org", mobile=f"+46 70 200 00 {i:02d}"
        )
        AssignmentFactory(actor_function=other.actor.actor_functions.get(), person=person)
    return forum


def test_activation_alerts_arrive_once_each_through_a_worker_that_is_stopped_midway(
    crowd, rsib, smtp, sms_gateway
):
    app.control.purge()
    app.conf.task_always_eager = False
    worker = start_worker(smtp, sms_gateway)
    try:
        incident_services.incident_activate(activated_by=rsib, title="Storm", forums=[crowd])
        emails = Notification.objects.filter(channel="email", kind="activation_alert")
        texts = Notification.objects.filter(channel="sms", kind="activation_alert")
        expected_emails, expected_sms = emails.count(), texts.count()
        assert expected_emails >= 30 and expected_sms >= 30

        assert wait_for(lambda: len(smtp.messages) >= 3), "the worker delivered nothing"
        worker.send_signal(signal.SIGTERM)  # stopped mid-run
        worker.wait(timeout=60)
        stopped_at = len(smtp.messages) + len(sms_gateway.received)
        assert stopped_at < expected_emails + expected_sms, "it finished before it was stopped"

        worker = start_worker(smtp, sms_gateway)
        services.requeue_stale(now=timezone.now() + datetime.timedelta(hours=1))
        assert wait_for(
            lambda: (
                len(smtp.messages) >= expected_emails and len(sms_gateway.received) >= expected_sms
            )
        ), (len(smtp.messages), len(sms_gateway.received))
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == len(set(recipients)) == expected_emails
    numbers = [m["to"] for m in sms_gateway.received]
    assert len(numbers) == len(set(numbers)) == expected_sms
    assert (
        not Notification.objects.exclude(status__in=["sent"])
        .filter(channel__in=["email", "sms"])
        .exists()
    )
