"""The outbox's lease: a worker holds the rows it sends, extends the hold before each message and
sends only what it still holds; the sweep takes back only rows whose lease ran out."""

import contextlib
import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from notifications import channels, delivery
from notifications.models import Notification
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


class SlowChannel(channels.Channel):
    """A test channel whose ``send`` runs ``on_send`` (a slow relay, a sweep meanwhile)."""

    key = "slow"
    label = "Slow"
    unreachable_reason = "No address."
    order = 90
    sent: list[int] = []
    on_send: Any = None

    def address_for(self, person) -> str:
        return person.email

    def send(self, notification, connection: Any = None) -> None:
        if SlowChannel.on_send is not None:
            SlowChannel.on_send(notification)
        SlowChannel.sent.append(notification.pk)


@pytest.fixture
def slow():
    channels.register(SlowChannel)
    SlowChannel.sent, SlowChannel.on_send = [], None
    yield SlowChannel
    channels.unregister(SlowChannel.key)
    SlowChannel.sent, SlowChannel.on_send = [], None
    with contextlib.suppress(AttributeError):
        del SlowChannel.batch  # a test's own connection


def row(n: int = 0, *, channel: str = "slow", **fields) -> Notification:
    values = {
        "dedupe_key": f"lease:{n}",
        "channel": channel,
        "kind": "meeting",
        "address": f"holder{n}@example.org",
        "subject": "Ämne",
        "body": "Text",
        "reason": "R",
        **fields,
    }
    return Notification.objects.create(**values)


def test_the_sweep_leaves_a_live_lease_alone_however_long_ago_it_was_claimed():
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    live = row(
        status="sending",
        sending_started_at=long_ago,
        lease_owner="a" * 32,
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=5),
    )
    assert delivery.stale_ids() == []
    live.refresh_from_db()
    assert live.status == "sending" and live.lease_owner == "a" * 32


def test_the_sweep_takes_back_an_expired_lease_at_once():
    expired = row(
        status="sending",
        sending_started_at=timezone.now() - datetime.timedelta(seconds=30),
        lease_owner="a" * 32,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert delivery.stale_ids() == [expired.pk]
    expired.refresh_from_db()
    assert expired.status == "pending" and expired.lease_owner == ""
    assert expired.lease_expires_at is None and expired.next_attempt_at is None


def test_a_row_claimed_without_a_lease_is_taken_back_after_the_stale_time(settings):
    # Claimed by a worker of the release before leases.
    recent = row(1, status="sending", sending_started_at=timezone.now())
    old = row(
        2,
        status="sending",
        sending_started_at=timezone.now()
        - datetime.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS + 1),
    )
    assert delivery.stale_ids() == [old.pk]
    recent.refresh_from_db()
    assert recent.status == "sending"


def test_a_claim_takes_a_lease_of_its_own(slow, settings):
    first, second = row(1), row(2)
    before = timezone.now()
    claimed = delivery._claim([first.pk, second.pk], owner="b" * 32)
    assert [n.pk for n in claimed] == [first.pk, second.pk]
    for notification in Notification.objects.filter(pk__in=[first.pk, second.pk]):
        assert notification.status == "sending" and notification.lease_owner == "b" * 32
        assert notification.lease_expires_at >= before + datetime.timedelta(
            seconds=settings.NOTIFICATION_LEASE_SECONDS
        )


def test_the_lease_is_extended_as_a_slow_batch_proceeds_so_the_sweep_takes_nothing(slow, settings):
    """Each message takes 3/4 of the lease; the batch takes many leases; a sweep runs during
    every message, and takes nothing back."""
    settings.NOTIFICATION_LEASE_SECONDS = 20
    ids = [row(n).pk for n in range(6)]
    with time_machine.travel(timezone.now(), tick=False) as clock:

        def slow_relay(notification):
            clock.shift(15)
            assert delivery.stale_ids() == []

        slow.on_send = slow_relay
        assert delivery.notifications_deliver(ids) == {}
    assert slow.sent == ids  # 90 s for a batch whose lease is 20 s
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_that_lost_its_lease_before_its_first_message_sends_nothing(slow, settings):
    """Opening the connection took longer than the lease; the sweep took the batch back and
    another worker claimed a row of it. The first worker sends none of them."""
    ids = [row(n).pk for n in range(3)]

    @contextlib.contextmanager
    def slow_connect():
        later = timezone.now() + datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS + 1)
        assert sorted(delivery.stale_ids(now=later)) == ids
        delivery._claim([ids[1]], owner="c" * 32)
        yield None

    slow.batch = lambda self: slow_connect()
    delivery.notifications_deliver(ids)
    assert slow.sent == []
    states = dict(Notification.objects.values_list("pk", "status"))
    assert states == {ids[0]: "pending", ids[1]: "sending", ids[2]: "pending"}
    assert Notification.objects.get(pk=ids[1]).lease_owner == "c" * 32


def test_rows_taken_back_in_the_middle_of_a_batch_are_not_sent_by_it(slow):
    ids = [row(n).pk for n in range(4)]

    def meanwhile(notification):
        if notification.pk == ids[0]:
            # The rest of the batch's leases ran out (the message in flight holds its own).
            Notification.objects.filter(pk__in=ids[1:]).update(
                lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
            )
            assert sorted(delivery.stale_ids()) == ids[1:]
            delivery._claim([ids[2]], owner="c" * 32)  # another worker is sending this one

    slow.on_send = meanwhile
    delivery.notifications_deliver(ids)
    assert slow.sent == [ids[0]]
    states = dict(Notification.objects.values_list("pk", "status"))
    assert states == {ids[0]: "sent", ids[1]: "pending", ids[2]: "sending", ids[3]: "pending"}


def test_finishing_records_only_for_the_lease_owner(slow):
    notification = row()
    [claimed] = delivery._claim([notification.pk], owner="d" * 32)
    # Taken back and claimed by another worker meanwhile.
    Notification.objects.filter(pk=notification.pk).update(lease_owner="e" * 32)
    delivery._finish(claimed, Notification.Status.SENT, "")
    notification.refresh_from_db()
    assert notification.status == "sending" and notification.sent_at is None


def test_a_single_delivery_claims_with_a_lease_and_keeps_its_owner(slow):
    notification = row()
    assert delivery.notification_deliver(notification.pk) is None
    notification.refresh_from_db()
    assert notification.status == "sent" and len(notification.lease_owner) == 32
    assert notification.lease_expires_at is None
    assert slow.sent == [notification.pk]


def test_the_message_id_is_the_same_when_a_taken_back_email_goes_out_again(smtp):
    person = PersonFactory(email="hanna@example.org")
    notification = row(channel="email", recipient=person, address=person.email)
    delivery.notification_deliver(notification.pk)
    # As if its worker had died after the relay accepted it: taken back and sent again.
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert delivery.stale_ids() == [notification.pk]
    delivery.notification_deliver(notification.pk)
    first, again = smtp.messages
    assert first["Message-ID"] == again["Message-ID"] == f"<{notification.uid}@ssr-portal>"


def test_an_sms_carries_the_rows_uid_as_its_reference(sms_gateway):
    person = PersonFactory(mobile="+46 70 111 22 33")
    notification = row(channel="sms", recipient=person, address=person.mobile)
    delivery.notification_deliver(notification.pk)
    [posted] = sms_gateway.received
    assert posted["reference"] == str(notification.uid)


def test_a_lease_shorter_than_two_network_timeouts_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
        "EMAIL_TIMEOUT": "10",
        "NOTIFICATION_LEASE_SECONDS": "15",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import ssr_portal.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "NOTIFICATION_LEASE_SECONDS" in result.stderr
    env["NOTIFICATION_LEASE_SECONDS"] = "20"
    ok = subprocess.run(
        [sys.executable, "-c", "import ssr_portal.settings"], cwd=ROOT, env=env, timeout=60
    )
    assert ok.returncode == 0
