"""Background work of the situation picture, after its publication's commit: the announcement
to its readers and its PDF, each done once, and the sweeps that queue again the work whose task
was lost."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.queue import publish

from .. import alerts, webhooks
from ..models import SituationPicture
from ..pdf import picture_pdf
from .selectors import pictures_not_announced, pictures_without_pdf

logger = logging.getLogger(__name__)


# The names stay those of incidents.tasks, where the tasks were first: queued messages and the
# beat schedule name them.
@shared_task(name="incidents.tasks.render_picture_pdf", acks_late=True, ignore_result=True)
def render_picture_pdf(picture_id: int) -> str:
    """Render a published picture to PDF once; a retry or duplicate finds it done."""
    with transaction.atomic():
        # Only the picture's row is locked (of self): a join would lock the incident's and the
        # publisher's rows too, for the whole render, and hold up every report on the incident.
        picture = (
            SituationPicture.objects.select_for_update(of=("self",))
            .select_related("incident", "published_by")
            .filter(pk=picture_id)
            .first()
        )
        if picture is None:
            logger.warning("Situation picture %s is gone; nothing to render.", picture_id)
            return ""
        if picture.pdf:
            return picture.pdf.name
        name = f"lagesbild-{picture.incident_id}-{picture.audience}-v{picture.version}.pdf"
        picture.pdf.save(name, ContentFile(picture_pdf(picture)), save=False)
        picture.save(update_fields=["pdf"])
        return picture.pdf.name


@shared_task(name="incidents.tasks.announce_picture", acks_late=True, ignore_result=True)
def announce_picture(picture_id: int) -> bool:
    """Tell a published picture's readers (the notifications and the webhooks) once. The row
    lock makes a duplicate wait and then find it done; the messages are queued in the same
    transaction as the time they were, so a crash before the commit leaves it for the sweep."""
    with transaction.atomic():
        picture = (
            SituationPicture.objects.select_for_update(of=("self",))
            .select_related("incident")
            .filter(pk=picture_id)
            .first()
        )
        if picture is None:
            logger.warning("Situation picture %s is gone; nothing to announce.", picture_id)
            return False
        if picture.announced_at:
            return False
        alerts.picture_published(picture)
        webhooks.picture_published(picture)
        picture.announced_at = timezone.now()
        picture.save(update_fields=["announced_at"])
        return True


# A picture whose PDF is missing this long after publication lost its task (the broker was down
# at publication, or the worker died); older than the horizon, it is left to the page's own
# "render now" (a picture that cannot be rendered is not retried for ever).
PICTURE_PDF_HORIZON = datetime.timedelta(days=2)
PICTURE_PDF_SWEEP_BATCH = 100


@shared_task(name="incidents.tasks.requeue_picture_pdfs", ignore_result=True)
def requeue_picture_pdfs() -> int:
    """Every minute: queue again the PDFs of published pictures that still have none. Returns
    how many were queued (it stops at the first publish the broker refuses)."""
    now = timezone.now()
    missing = pictures_without_pdf(
        published_before=now - datetime.timedelta(seconds=settings.PICTURE_PDF_STALE_SECONDS),
        published_after=now - PICTURE_PDF_HORIZON,
        limit=PICTURE_PDF_SWEEP_BATCH,
    )
    return _queue_again(render_picture_pdf, missing, "PDFs")


# Older than the horizon, a picture not announced is left alone (one that cannot be announced is
# not retried for ever); the log says so for each sweep that finds the work lost.
PICTURE_ANNOUNCEMENT_HORIZON = PICTURE_PDF_HORIZON


@shared_task(name="incidents.tasks.requeue_picture_announcements", ignore_result=True)
def requeue_picture_announcements() -> int:
    """Every minute: queue again the announcements of published pictures not yet announced
    (the broker was down at publication, or the worker died). Returns how many were queued (it
    stops at the first publish the broker refuses)."""
    now = timezone.now()
    missing = pictures_not_announced(
        published_before=now
        - datetime.timedelta(seconds=settings.PICTURE_ANNOUNCEMENT_STALE_SECONDS),
        published_after=now - PICTURE_ANNOUNCEMENT_HORIZON,
        limit=PICTURE_PDF_SWEEP_BATCH,
    )
    return _queue_again(announce_picture, missing, "announcements")


def _queue_again(task, picture_ids: list[int], what: str) -> int:
    """Queue ``task`` again for each picture, stopping at the first the broker refuses (the
    next sweep tries again); how many were queued."""
    queued = 0
    for picture_id in picture_ids:
        if not publish(task, picture_id):
            break
        queued += 1
    if queued:
        logger.info("Queued %s situation picture %s again.", queued, what)
    return queued
