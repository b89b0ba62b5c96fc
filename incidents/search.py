"""What the search of one incident looks in: its log, the actors' situation reports, the
requests for support and the joint messages. Whoever may see the incident sees all of these on
its pages, so the search shows them all (the view checks the incident)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.search import Kind

from .models import Incident, JointMessage, LogEntry, SituationReport, SupportRequest


def incident_kinds(incident: Incident) -> list[Kind]:
    detail = incident.get_absolute_url()
    kinds = [
        Kind(
            key="log",
            label=_("Log"),
            records=LogEntry.objects.filter(incident=incident).select_related("by"),
            fields=["text"],
            title=lambda e: e.by.get_full_name() if e.by else _("Log entry"),
            url=lambda e: reverse("incidents:incident_log", args=[incident.pk]),
            at="at",
        ),
        Kind(
            key="reports",
            label=_("Situation reports"),
            records=SituationReport.objects.filter(incident=incident).select_related("actor"),
            fields=[
                "situation",
                "needs",
                "consequences",
                "actions_taken",
                "planned_actions",
                "communication",
            ],
            title=lambda r: r.actor.name,
            url=lambda r: reverse("incidents:picture", args=[incident.pk]) + "#picture-reports",
            at="submitted_at",
        ),
    ]
    kinds.append(
        Kind(
            key="requests",
            label=_("Requests for support"),
            records=SupportRequest.objects.filter(incident=incident),
            fields=["title", "description", "answer_note"],
            title=lambda r: r.title,
            url=lambda r: r.get_absolute_url(),
            at="created_at",
        )
    )
    kinds.append(
        Kind(
            key="messages",
            label=_("Joint messages"),
            records=JointMessage.objects.filter(incident=incident),
            fields=["text", "target_group"],
            title=lambda m: _("To %(group)s") % {"group": m.target_group},
            url=lambda m: detail + "#messages-heading",
            at="created_at",
        )
    )
    return kinds
