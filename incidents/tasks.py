"""Background work for activated mode."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from .models import SituationPicture
from .pdf import picture_pdf

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
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


@shared_task(ignore_result=True)
def escalate_alerts() -> int:
    """Every minute: escalate unacknowledged activation alerts (see alerts.escalate)."""
    from .alerts import escalate

    return escalate()


@shared_task(ignore_result=True)
def remind_overdue_reports() -> int:
    from .alerts import remind_overdue

    return remind_overdue()
