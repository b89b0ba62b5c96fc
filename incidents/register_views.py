"""The gathering statistics of the activation register, and the search of one incident."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.params import year_param
from core.search import MAX_QUERY_LENGTH, clean_query, search

from . import services
from .access import require_coordinator, viewable_incident
from .search import incident_kinds
from .statistics import CHART_MEASURE, MEASURES, chart, gathering_times, statistics_by_type


def _statistics(request: HttpRequest) -> dict:
    """The year's medians per event type, real incidents and exercises apart."""
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    incidents = list(services.register_rows(year=year))
    times = gathering_times(incidents)
    real = statistics_by_type([i for i in incidents if not i.is_exercise], times)
    exercises = statistics_by_type([i for i in incidents if i.is_exercise], times)
    return {
        "year": year,
        "real": real,
        "exercises": exercises,
        "chart": chart(real),
        "chart_measure": dict(MEASURES)[CHART_MEASURE],
        "measures": [label for _key, label in MEASURES],
    }


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)  # like the register it summarises
    return render(request, "incidents/statistics.html", _statistics(request))


@audited(AuditEvent.Kind.EXPORT)
@require_GET
def statistics_csv(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    context = _statistics(request)
    response, writer = csv_response(f"samlingstider-{context['year']}.csv")
    writer.writerow(
        [
            _("Year"),
            _("Event type"),
            _("Exercise"),
            _("Count"),
            *[_("Median %(measure)s (minutes)") % {"measure": label} for _k, label in MEASURES],
        ]
    )
    for exercise, rows in ((False, context["real"]), (True, context["exercises"])):
        for row in rows:
            writer.writerow(
                [
                    context["year"],
                    row.event_type,
                    _("yes") if exercise else _("no"),
                    row.count,
                    *row.csv_cells,
                ]
            )
    return response


@require_GET
def incident_search(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    q = clean_query(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    groups = search(incident_kinds(incident), q, only=kind, page=request.GET.get("page"))
    return render(
        request,
        "incidents/search.html",
        {
            "incident": incident,
            "q": q,
            "groups": groups,
            "single": bool(groups) and groups[0].page is not None,
            "page_query": urlencode({"q": q, "kind": kind}),
            "max_length": MAX_QUERY_LENGTH,
        },
    )
