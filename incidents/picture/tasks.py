"""Background work of the situation picture: its PDF, rendered once after publication, and the
sweep that queues again the PDFs whose task was lost."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.queue import publish

from ..models import SituationPicture
from ..pdf import picture_pdf
from .selectors import pictures_without_pdf

logger = logging.getLogger(__name__)


# The names stay those of incidents.tasks, where the tasks were first: queued messages and the
# beat schedule name them.
@shared_task(name="incidents.tasks.render_picture_pdf", acks_late=True, ignore_result=True)
def render_picture_pdf(picture_id: int) -> str:
    """Render a published picture to PDF once; a retry or duplicate finds it done."""
    with transaction.atomic():
        picture = (
            SituationPicture.objects.select_for_update()
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
    queued = 0
    for picture_id in pictures_without_pdf(
        published_before=now - datetime.timedelta(seconds=settings.PICTURE_PDF_STALE_SECONDS),
        published_after=now - PICTURE_PDF_HORIZON,
        limit=PICTURE_PDF_SWEEP_BATCH,
    ):
        if not publish(render_picture_pdf, picture_id):
            break
        queued += 1
    if queued:
        logger.info("Queued %s situation picture PDFs again.", queued)
    return queued
