"""A picture's PDF is work kept in the database: published without a PDF, it is queued after
the commit, and the beat sweep queues it again if that hand-over was lost."""

import pytest
from django.conf import settings as django_settings

from incidents.models import SituationPicture
from incidents.picture import services as picture_services
from incidents.picture import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The picture ids the sweep hands to the broker (which takes them)."""
    ids = []
    monkeypatch.setattr(tasks, "publish", lambda task, *args: ids.append(args[0]) or True)
    return ids


def _publish(incident, rsib, summary="Sammanfattning") -> SituationPicture:
    # Outside django_capture_on_commit_callbacks the hand-over never runs: as if the broker
    # had been down at publication.
    return picture_services.picture_publish(
        incident=incident, audience="full", summary=summary, published_by=rsib
    )


def test_the_sweep_is_scheduled_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["requeue-picture-pdfs"]
    assert entry["task"] == tasks.requeue_picture_pdfs.name
    assert entry["schedule"] == 60.0


def test_publishing_hands_the_pdf_over_after_the_commit(
    incident, rsib, monkeypatch, django_capture_on_commit_callbacks
):
    from core import queue

    handed = []
    monkeypatch.setattr(queue, "publish", lambda task, *args: handed.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        picture = _publish(incident, rsib)
    assert handed == []
    for callback in callbacks:
        callback()
    assert ("incidents.tasks.render_picture_pdf", (picture.pk,)) in handed


def test_a_picture_without_its_pdf_is_queued_again_after_the_grace_period(
    incident, rsib, settings, queued
):
    picture = _publish(incident, rsib)
    settings.PICTURE_PDF_STALE_SECONDS = 120
    assert tasks.requeue_picture_pdfs() == 0  # just published: its own task may still come
    settings.PICTURE_PDF_STALE_SECONDS = 0
    assert tasks.requeue_picture_pdfs() == 1
    assert queued == [picture.pk]


def test_a_picture_with_its_pdf_is_not_queued(incident, rsib, settings, queued):
    picture = _publish(incident, rsib)
    tasks.render_picture_pdf(picture.pk)
    settings.PICTURE_PDF_STALE_SECONDS = 0
    assert tasks.requeue_picture_pdfs() == 0
    assert queued == []


@pytest.mark.parametrize(
    ("sweep", "stale_setting"),
    [
        ("requeue_picture_pdfs", "PICTURE_PDF_STALE_SECONDS"),
        ("requeue_picture_announcements", "PICTURE_ANNOUNCEMENT_STALE_SECONDS"),
    ],
)
def test_the_sweep_stops_at_the_first_publish_the_broker_refuses(
    incident, rsib, settings, monkeypatch, sweep, stale_setting
):
    _publish(incident, rsib, "Ett")
    _publish(incident, rsib, "Två")
    tried = []
    monkeypatch.setattr(tasks, "publish", lambda task, *args: tried.append(args[0]) and False)
    setattr(settings, stale_setting, 0)
    assert getattr(tasks, sweep)() == 0
    assert len(tried) == 1


def test_the_sweep_renders_what_was_missing_and_a_second_sweep_finds_nothing(
    incident, rsib, settings
):
    """Celery eager (the test settings): the sweep's task runs at once."""
    picture = _publish(incident, rsib)
    settings.PICTURE_PDF_STALE_SECONDS = 0
    assert tasks.requeue_picture_pdfs() == 1
    picture.refresh_from_db()
    assert picture.pdf.name.endswith(".pdf")
    assert tasks.requeue_picture_pdfs() == 0
