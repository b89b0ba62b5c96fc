"""The outbox under faults, with real parts: Celery worker processes on a Redis of the test's own,
a counting SMTP relay, and the beat sweep run by the test at a known period.

- a worker SIGKILLed in the middle of a fan-out: every recipient gets the message, none is lost,
  and at most the message in flight per killed process is repeated;
- a relay that takes a second per message, with a lease of a few seconds and the sweep running:
  no repeats (the lease is extended as the batch proceeds);
- an activation alert whose worker dies goes out again within 30 s with the production lease and
  sweep period.
"""

import time

import pytest
from django.conf import settings
from django.db import transaction

from notifications import services
from notifications.models import Channel, Notification
from notifications.services import Outgoing, notifications_queue
from tests.faults.harness import CountingSmtp, RedisServer, Worker, portal_settings, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# A short lease for the tests that are not about the production numbers; the settings require
# the network timeouts to be at most half of it.
SHORT_LEASE = {
    "NOTIFICATION_LEASE_SECONDS": "3",
    "EMAIL_TIMEOUT": "1.5",
    "SMS_GATEWAY_TIMEOUT": "1.5",
    "WEBHOOK_TIMEOUT": "1.5",
}


def queue_emails(count: int, *, kind: str = "meeting", start: int = 0) -> list[int]:
    """``count`` e-mails to distinct addresses, handed to the broker after commit."""
    with transaction.atomic():
        return notifications_queue(
            [
                Outgoing(
                    recipient=None,
                    address=f"holder{i}@example.org",
                    kind=kind,
                    subject="Aktiverat läge",
                    body="Text",
                    reason="Du är ordinarie.",
                    key=f"fault:{kind}:{i}",
                    channels=(Channel.EMAIL,),
                )
                for i in range(start, start + count)
            ]
        )


def sent_count(ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).count()


def sweep_until(condition, *, period: float, timeout: float) -> bool:
    """Run the beat's sweep every ``period`` seconds (as beat would) until ``condition``."""
    deadline = time.monotonic() + timeout
    while True:
        services.requeue_stale()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return bool(condition())
        if wait_until(condition, min(period, remaining)):
            return True


def counts(smtp: CountingSmtp, ids: list[int]) -> dict[str, int]:
    expected = {f"holder{i}@example.org" for i in range(len(ids))}
    recipients = smtp.recipients()
    return {
        "queued": len(ids),
        "sent": sent_count(ids),
        "received": smtp.received(),
        "duplicates": smtp.duplicates(),
        "lost": len(expected - set(recipients)),
    }


def test_a_worker_killed_mid_fan_out_repeats_at_most_its_in_flight_messages():
    with RedisServer() as redis, CountingSmtp(delay=0.05) as smtp, portal_settings(redis.url):
        ids = queue_emails(120)
        first = Worker(redis.url, smtp.url, concurrency=2, extra_env=SHORT_LEASE)
        with first:
            assert wait_until(lambda: smtp.received() >= 30, 30), first.log_text()[-2000:]
            killed = len(first.child_pids())
            first.kill()
        at_kill = smtp.received()
        assert at_kill < len(ids), "the fan-out finished before the worker was killed"
        with Worker(redis.url, smtp.url, concurrency=2, extra_env=SHORT_LEASE):
            done = sweep_until(lambda: sent_count(ids) == len(ids), period=1.0, timeout=30)
            time.sleep(0.5)  # a repeat in flight would have arrived by now
        result = counts(smtp, ids)
        print(f"\nkilled mid fan-out (received {at_kill} at the kill, {killed} processes):", result)
        assert done, result
        assert result["lost"] == 0 and result["sent"] == len(ids)
        assert result["received"] == len(ids) + result["duplicates"]
        assert result["duplicates"] <= killed


def test_a_slow_relay_repeats_nothing_while_the_sweep_runs():
    """Each batch takes about three leases; the old sweep (by claim time) re-queued such rows
    while they were being sent."""
    delay, per_batch = 1.0, 8
    lease = int(SHORT_LEASE["NOTIFICATION_LEASE_SECONDS"])
    with RedisServer() as redis, CountingSmtp(delay=delay) as smtp, portal_settings(redis.url):
        with Worker(redis.url, smtp.url, concurrency=2, extra_env=SHORT_LEASE):
            # Two batches (two enqueues), one per worker process.
            ids = queue_emails(per_batch) + queue_emails(per_batch, start=per_batch)
            done = sweep_until(lambda: sent_count(ids) == len(ids), period=0.5, timeout=25)
            time.sleep(delay + 0.5)  # a repeat would have arrived by now
        result = counts(smtp, ids)
        rows = Notification.objects.filter(pk__in=ids)
        took = max(r.sent_at for r in rows) - min(r.sending_started_at for r in rows)
        print(
            f"\nslow relay ({delay} s a message, lease {lease} s, batches took "
            f"{took.total_seconds():.1f} s):",
            result,
        )
        assert done, result
        assert took.total_seconds() > 2 * lease  # the lease had to be extended
        assert result["duplicates"] == 0 and result["lost"] == 0
        assert result["sent"] == result["received"] == len(ids)
        assert set(rows.values_list("attempts", flat=True)) == {1}  # none was taken back


def test_an_activation_alert_goes_out_again_within_30_seconds_of_its_worker_dying():
    """Production lease and sweep period (settings defaults); the relay is slow only until the
    worker is killed, so that it dies holding the alert batch."""
    lease, period = settings.NOTIFICATION_LEASE_SECONDS, settings.NOTIFICATION_SWEEP_SECONDS
    assert lease + period < 30
    with RedisServer() as redis, CountingSmtp(delay=0.3) as smtp, portal_settings(redis.url):
        with Worker(redis.url, smtp.url, concurrency=1) as first:
            ids = queue_emails(20, kind="activation_alert")
            assert wait_until(lambda: smtp.received() >= 3, 20), first.log_text()[-2000:]
            first.kill()
            killed_at = time.monotonic()
        at_kill = smtp.received()
        assert at_kill < len(ids)
        smtp.delay = 0.0
        with Worker(redis.url, smtp.url, concurrency=1):
            # No sweep finds a live lease: the first runs now, the next every ``period``.
            done = sweep_until(lambda: sent_count(ids) == len(ids), period=period, timeout=35)
            recovered = time.monotonic() - killed_at
            time.sleep(0.5)
        result = counts(smtp, ids)
        print(
            f"\nactivation alert: worker killed after {at_kill} of {len(ids)}; all sent "
            f"{recovered:.1f} s after the kill (lease {lease} s, sweep every {period} s):",
            result,
        )
        assert done, result
        assert lease - 1 < recovered < 30  # not before the lease ran out, well before 30 s
        assert result["lost"] == 0 and result["duplicates"] <= 1
