"""A published picture is announced to its readers (notifications, webhooks) by a worker after
the publication's commit, once: the publisher's request does not wait for a few hundred messages,
a duplicate task finds the work done, and the beat sweep queues it again if the hand-over was
lost (its stop at a broker that refuses is tested with the PDFs' sweep, test_pdf_sweep.py)."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core import queue
from incidents.models import SituationPicture
from incidents.picture import services as picture_services
from incidents.picture import tasks
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _publish(incident, rsib, summary="Sammanfattning") -> SituationPicture:
    # Outside django_capture_on_commit_callbacks the hand-over never runs: as if the broker
    # had been down at publication.
    return picture_services.picture_publish(
        incident=incident, audience="full", summary=summary, published_by=rsib
    )


def _announced(picture) -> int:
    return Notification.objects.filter(kind="picture_published", object_id=picture.pk).count()


@pytest.fixture
def queued(monkeypatch):
    """The picture ids the sweep hands to the broker (which takes them)."""
    ids = []
    monkeypatch.setattr(tasks, "publish", lambda task, *args: ids.append(args[0]) or True)
    return ids


def test_the_sweep_is_scheduled_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["requeue-picture-announcements"]
    assert entry["task"] == tasks.requeue_picture_announcements.name
    assert entry["schedule"] == 60.0


def test_the_publication_announces_nothing_itself_and_hands_it_over_after_the_commit(
    incident, seat, holder, rsib, monkeypatch, django_capture_on_commit_callbacks
):
    handed = []
    monkeypatch.setattr(queue, "publish", lambda task, *args: handed.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        picture = _publish(incident, rsib)
    assert handed == []
    assert _announced(picture) == 0 and picture.announced_at is None
    for callback in callbacks:
        callback()
    assert ("incidents.tasks.announce_picture", (picture.pk,)) in handed


def test_the_worker_announces_once_and_records_when(incident, seat, holder, rsib):
    picture = _publish(incident, rsib)
    assert tasks.announce_picture(picture.pk) is True
    picture.refresh_from_db()
    assert picture.announced_at is not None and picture.announced_at >= picture.published_at
    sent = _announced(picture)
    assert Notification.objects.filter(
        kind="picture_published", object_id=picture.pk, recipient=holder.person
    ).exists()
    # A duplicate of the task (a redelivery, the sweep's copy) finds it done.
    assert tasks.announce_picture(picture.pk) is False
    assert _announced(picture) == sent
    # The history shows when it was announced.
    assert picture.history.filter(announced_at__isnull=False).exists()


def test_a_picture_that_is_gone_is_not_announced(incident, rsib, caplog):
    assert tasks.announce_picture(987654) is False
    assert "987654 is gone" in caplog.text


def test_an_unannounced_picture_is_queued_again_after_the_grace_period(
    incident, rsib, settings, queued
):
    picture = _publish(incident, rsib)
    settings.PICTURE_ANNOUNCEMENT_STALE_SECONDS = 60
    assert tasks.requeue_picture_announcements() == 0  # just published: its own task may come
    settings.PICTURE_ANNOUNCEMENT_STALE_SECONDS = 0
    assert tasks.requeue_picture_announcements() == 1
    assert queued == [picture.pk]


def test_an_announced_picture_is_not_queued(incident, rsib, settings, queued):
    picture = _publish(incident, rsib)
    tasks.announce_picture(picture.pk)
    settings.PICTURE_ANNOUNCEMENT_STALE_SECONDS = 0
    assert tasks.requeue_picture_announcements() == 0
    assert queued == []


def test_the_sweep_announces_what_was_lost_and_a_second_sweep_finds_nothing(
    incident, seat, holder, rsib, settings
):
    """Celery eager (the test settings): the sweep's task runs at once."""
    picture = _publish(incident, rsib)
    settings.PICTURE_ANNOUNCEMENT_STALE_SECONDS = 0
    assert tasks.requeue_picture_announcements() == 1
    picture.refresh_from_db()
    assert picture.announced_at is not None and _announced(picture) > 0
    assert tasks.requeue_picture_announcements() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_announce_once(incident, seat, holder, rsib, monkeypatch):
    """The row lock: the second waits for the first's commit and finds the picture announced."""
    monkeypatch.setattr(queue, "publish", lambda task, *args: False)  # the broker is down
    picture = _publish(incident, rsib)
    monkeypatch.undo()
    assert _announced(picture) == 0
    barrier = threading.Barrier(2, timeout=20)
    answers, errors = [], []

    def announce():
        try:
            barrier.wait()
            answers.append(tasks.announce_picture(picture.pk))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=announce) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and sorted(answers) == [False, True]
    single = Notification.objects.filter(
        kind="picture_published", object_id=picture.pk, recipient=holder.person
    )
    assert single.count() == single.values("channel").distinct().count() >= 1


def _incident_lockable(incident_id: int) -> bool:
    """Whether another connection can lock the incident's row at once (as a report does)."""
    from django.db import OperationalError, transaction

    outcome = []

    def lock():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM incidents_incident WHERE id = %s FOR UPDATE NOWAIT",
                    [incident_id],
                )
            outcome.append(True)
        except OperationalError:  # could not obtain lock
            outcome.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=lock)
    thread.start()
    thread.join(timeout=20)
    return outcome == [True]


@pytest.mark.django_db(transaction=True)
def test_the_workers_hold_the_picture_not_the_incident_while_they_work(
    incident, seat, holder, rsib, monkeypatch
):
    """The announcement and the PDF take a while (a few hundred messages; a render): meanwhile
    the reports on the incident, which lock its row, must not wait for them."""
    from incidents import alerts

    monkeypatch.setattr(queue, "publish", lambda task, *args: False)  # the broker is down
    picture = _publish(incident, rsib)
    monkeypatch.undo()
    seen = {}
    announce, render = alerts.picture_published, tasks.picture_pdf

    def announcing(shown):
        seen["announcing"] = _incident_lockable(incident.pk)
        return announce(shown)

    def rendering(shown):
        seen["rendering"] = _incident_lockable(incident.pk)
        return render(shown)

    monkeypatch.setattr(alerts, "picture_published", announcing)
    monkeypatch.setattr(tasks, "picture_pdf", rendering)
    assert tasks.announce_picture(picture.pk) is True
    assert tasks.render_picture_pdf(picture.pk).endswith(".pdf")
    assert seen == {"announcing": True, "rendering": True}
