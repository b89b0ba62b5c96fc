import datetime
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from actors.models import Assignment
from forums.access import can_view_forum
from forums.tasks import sync_forum_access
from ssr_portal.celery import app


def test_nightly_sync_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE["sync-forum-access"]
    assert schedule["task"] == sync_forum_access.name


@pytest.mark.django_db
def test_sync_withdraws_access_after_an_assignment_ends(forum, holder):
    Assignment.objects.filter(person__user=holder).update(ends_on=datetime.date(2024, 6, 30))
    assert sync_forum_access.delay().get() == {"granted": 0, "withdrawn": 1}
    assert not can_view_forum(type(holder).objects.get(pk=holder.pk), forum)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sync_through_redis(forum, holder):
    """The task goes through the Redis broker to a worker thread and its result comes back."""
    Assignment.objects.filter(person__user=holder).update(ends_on=datetime.date(2024, 6, 30))
    queue = f"test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    try:
        with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            result = sync_forum_access.apply_async(queue=queue)
            assert result.get(timeout=20) == {"granted": 0, "withdrawn": 1}
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert not can_view_forum(type(holder).objects.get(pk=holder.pk), forum)
