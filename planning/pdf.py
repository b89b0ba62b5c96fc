"""The year-end follow-up report of an operational plan as PDF (WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import OperationalPlan
from .selectors import AreaProgress


def plan_follow_up_pdf(plan: OperationalPlan, areas: list[AreaProgress]) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "planning/pdf/plan_follow_up.html",
            {
                "plan": plan,
                "areas": areas,
                "total": sum(a.total for a in areas),
                "done": sum(a.done for a in areas),
                "printed_at": timezone.localtime(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
