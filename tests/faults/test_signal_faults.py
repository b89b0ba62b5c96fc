"""Signals at night, with a real worker, a real Redis and an SMTP server that counts: every
signal wakes the RSIB once; the escalation of the unseen ones, run twice at once and once more
(a beat that fired twice, a retried task), reaches the RKK and the duty address once each."""

import collections
import datetime
import threading

import pytest
from django.db import connection

from incidents import services, signal_alerts
from incidents.models import Signal
from notifications.models import Notification
from tests.faults.harness import CountingSmtp, RedisServer, Worker, portal_settings, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SIGNALS = 30
DUTY = "kansli-beredskap@example.org"


def _at_once(target, times: int) -> list[int]:
    barrier = threading.Barrier(times, timeout=20)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_signals_wake_the_rsib_once_and_escalate_once_under_repeats(
    rsib, rkk, member_user, settings
):
    settings.SECRETARIAT_DUTY_EMAIL = DUTY
    settings.SECRETARIAT_DUTY_PHONE = ""
    settings.SIGNAL_ESCALATE_MINUTES = 5
    for user, address in ((rsib, "rut@example.org"), (rkk, "kim@example.org")):
        user.person.email = address
        user.person.mobile = ""
        user.person.save()
    with (
        RedisServer() as redis,
        CountingSmtp() as smtp,
        portal_settings(redis.url),
        Worker(redis.url, smtp.url, concurrency=2),
    ):
        signals = [
            services.signal_create(
                actor=member_user.person.actor,
                signalled_by=member_user,
                what=f"Signal {i}",
                assessment="Behov av samverkan",
            )
            for i in range(SIGNALS)
        ]
        for signal in signals:  # a retried alert queues nothing new
            signal_alerts.signal_alert(signal)
        later = max(s.created_at for s in signals) + datetime.timedelta(minutes=6)
        escalated = _at_once(lambda: signal_alerts.escalate_signals(now=later), 2)
        escalated.append(signal_alerts.escalate_signals(now=later))  # after both
        emails = Notification.objects.filter(channel="email", kind="signal_alert")
        expected = emails.count()
        delivered = wait_until(lambda: smtp.received() >= expected, 40)
        wait_until(lambda: False, 1.5)  # anything sent twice would have arrived by now
    per_address = collections.Counter(smtp.recipients())
    print(
        f"\nsignals: {SIGNALS}, escalated {sorted(escalated)}, e-mails queued {expected}, "
        f"received {smtp.received()}, duplicates {smtp.duplicates()}, per address "
        f"{dict(per_address)}"
    )
    assert delivered, (smtp.received(), expected)
    # The two at once share the signals (each claimed by one); the repeat finds none left.
    assert sum(escalated[:2]) == SIGNALS and escalated[2] == 0
    assert expected == 3 * SIGNALS
    assert per_address == {
        "rut@example.org": SIGNALS,
        "kim@example.org": SIGNALS,
        DUTY: SIGNALS,
    }
    assert smtp.duplicates() == 0
    assert Signal.objects.filter(escalated_at__isnull=True).count() == 0
