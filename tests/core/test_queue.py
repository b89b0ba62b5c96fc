"""Handing work to the workers never holds or fails a request: once, after the commit, and a
broker that is down is logged and left to the sweeps."""

import logging
import time

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from core import queue
from incidents.picture.tasks import render_picture_pdf
from tests.faults.harness import free_port, portal_settings

pytestmark = pytest.mark.django_db


def _refuse(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1. Connection refused.")


def test_publish_queues_once_without_retry_or_result(monkeypatch):
    calls = []
    monkeypatch.setattr(render_picture_pdf, "apply_async", lambda *a, **kw: calls.append((a, kw)))
    assert queue.publish(render_picture_pdf, 7) is True
    assert calls == [(((7,), {}), {"retry": False, "ignore_result": True})]


def test_a_refused_publish_is_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(render_picture_pdf, "apply_async", _refuse)
    with caplog.at_level(logging.WARNING, logger="core.queue"):
        assert queue.publish(render_picture_pdf, 7) is False
    assert "render_picture_pdf" in caplog.text and "sweep" in caplog.text


def test_hand_over_waits_for_the_commit_and_never_raises(
    monkeypatch, django_capture_on_commit_callbacks
):
    tried = []

    def refuse(*args, **kwargs):
        tried.append(args)
        _refuse()

    monkeypatch.setattr(render_picture_pdf, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue.hand_over(render_picture_pdf, 7)
        assert tried == []  # not before the commit
    assert tried == [((7,), {})]  # at the commit, and the refusal did not propagate


def test_a_publish_to_a_broker_that_is_down_fails_within_a_second():
    from kombu import pools

    try:
        with portal_settings(f"redis://127.0.0.1:{free_port()}/0"):
            pools.reset()  # kombu would hand out the pool the harness closed
            started = time.monotonic()
            assert queue.publish(render_picture_pdf, 7) is False
            assert time.monotonic() - started < 1.5
    finally:
        pools.reset()
