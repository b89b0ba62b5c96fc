"""The PDF of approved minutes (WeasyPrint): what is sent home to the actors and kept."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import Minutes


def minutes_pdf(minutes: Minutes) -> bytes:
    meeting = minutes.meeting
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "forums/pdf/minutes.html",
            {
                "minutes": minutes,
                "meeting": meeting,
                "approved_at": timezone.localtime(minutes.approved_at)
                if minutes.approved_at
                else None,
                "approved_by": _name(minutes.approved_by),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
