"""PDFs of published situation pictures and incident logs (WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import Incident, SituationPicture


def _render(template: str, context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def picture_pdf(picture: SituationPicture) -> bytes:
    return _render(
        "incidents/pdf/picture.html",
        {
            "picture": picture,
            "incident": picture.incident,
            "published_at": timezone.localtime(picture.published_at),
        },
    )


def log_pdf(incident: Incident, entries) -> bytes:
    return _render(
        "incidents/pdf/log.html",
        {"incident": incident, "entries": entries, "printed_at": timezone.localtime()},
    )
