"""The fault harness itself: each part starts, answers and is gone after its block."""

import os
import smtplib
from email.message import EmailMessage

import pytest
import redis

from tests.faults.harness import CountingSmtp, RedisServer, Worker, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_redis_stops_and_starts_again_empty():
    with RedisServer() as server:
        client = redis.Redis.from_url(server.url, socket_timeout=1)
        client.set("k", "v")
        server.stop()
        with pytest.raises(redis.ConnectionError):
            client.get("k")
        server.start()
        assert client.get("k") is None
        pid = server.process.pid
    assert not _alive(pid)


def test_smtp_counts_repeats_by_message_id():
    with CountingSmtp() as smtp:
        message = EmailMessage()
        message["Message-ID"] = "<one@test>"
        message["From"], message["To"], message["Subject"] = "a@test", "b@test", "s"
        message.set_content("x")
        with smtplib.SMTP("127.0.0.1", smtp.port, timeout=5) as client:
            client.send_message(message)
            client.send_message(message)
        assert smtp.received() == 2
        assert smtp.duplicates() == 1
        assert smtp.recipients() == ["b@test", "b@test"]


def test_worker_starts_and_every_process_is_gone_after():
    with RedisServer() as server, CountingSmtp() as smtp:
        with Worker(server.url, smtp.url, concurrency=2) as worker:
            assert wait_until(lambda: len(worker.child_pids()) == 2, 10)
            pids = [worker.process.pid, *worker.child_pids()]
        assert wait_until(lambda: not any(_alive(pid) for pid in pids), 10)
