"""The common situation picture's pages: the picture with its live part (polled by htmx and
cached), publishing a new version, and the PDF of a version."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import idempotency
from core.audit import audited
from core.models import AuditEvent
from core.pages import apply_errors
from core.queue import publish

from .. import selectors as incident_selectors
from ..access import require_coordinator, viewable_incident
from ..map import municipality_map
from ..models import Incident, SituationPicture
from . import live, selectors, services
from .forms import PictureForm
from .tasks import render_picture_pdf

# The live part of the picture is shared by everyone who may see the incident, so it is
# rendered once and cached: per picture version, newest report and newest status (anything that
# changes it), and per minute (the ages and "overdue" marks move with the clock).
LIVE_CACHE_SECONDS = 120


def _viewable_incident_for_picture(request: HttpRequest, pk: int) -> Incident:
    incident = selectors.incident_for_picture(pk, user=request.user)
    if incident is None:
        raise Http404
    if not (incident.user_may_view or incident_selectors.can_view_incident(request.user, incident)):
        raise Http404
    return incident


def _published(incident: Incident) -> dict[str, Any]:
    """The latest published versions and the map drawn from them (only on a cache miss)."""
    pictures = selectors.latest_pictures(incident)
    full, short = pictures.get("full"), pictures.get("short")
    shown = full or short
    impacts = selectors.municipality_impacts(selectors.snapshot_rows(shown))
    affected = {m.municipality_code for m in incident.affected_municipalities.all()}
    return {
        "full": full,
        "short": short,
        "picture": shown,
        # What the indirectly affected received, as they received it.
        "short_rows": selectors.snapshot_rows(short),
        "map": municipality_map(impacts=impacts, affected=affected),
        "rows": incident_selectors.reporting_overview(incident),
    }


def _picture_context(incident: Incident) -> dict[str, Any]:
    version_key = f"{incident.full_pk or 0}-{incident.short_pk or 0}"
    minute = int(timezone.now().timestamp() // 60)
    # activated_at makes the key unique to this incident row, whatever pks a restored or
    # re-created database hands out again.
    live_key = (
        f"{incident.activated_at.timestamp()}:{version_key}:"
        f"{incident.report_pk or 0}:{incident.status_count or 0}"
    )
    return {
        "incident": incident,
        "version_key": version_key,
        "live_key": live_key,  # what the live part shows; the ETag adds the minute itself
        "live_cache_key": f"{live_key}:{minute}",
        "live_cache_seconds": LIVE_CACHE_SECONDS,
        "published": SimpleLazyObject(lambda: _published(incident)),
        "poll_seconds": settings.PICTURE_POLL_SECONDS,
    }


@require_GET
def picture(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _viewable_incident_for_picture(request, pk)
    context = _picture_context(incident)
    context["coordinator"] = incident_selectors.can_coordinate(request.user)
    return render(request, "incidents/picture/picture.html", context)


@require_GET
def picture_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the picture page; 204 (nothing to swap) when no new version exists,
    304 when the ETag asked for is still current. Answered from the cache while nothing changed
    (``live``), else from the database."""
    found = live.lookup(request, pk)
    cached = live.answer(request, found)
    if cached is not None:
        return cached
    token = live.begin(found)
    incident = _viewable_incident_for_picture(request, pk)
    context = _picture_context(incident)
    live_key = context["live_key"]
    live.remember(
        request, incident, token=token, version_key=context["version_key"], live_key=live_key
    )
    etag = found.etag(request, live_key)
    if (unchanged := live.not_changed(request, context["version_key"], etag)) is not None:
        return unchanged
    response = render(request, "incidents/picture/_picture_live.html", context)
    response["ETag"] = etag
    live.remember_body(pk, etag, response)
    return response


@require_http_methods(["GET", "POST"])
def picture_publish(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    require_coordinator(request)
    latest = selectors.latest_pictures(incident)
    since = max((p.published_at for p in latest.values()), default=None)
    # A draft from what is new, for the RSIB to edit; with nothing new, the last full summary.
    draft = "" if request.method == "POST" else selectors.summary_draft(incident, since)
    if not draft and "full" in latest:
        draft = latest["full"].summary
    form = PictureForm(request.POST or None, initial={"summary": draft})

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                services.picture_publish(
                    incident=incident, published_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The situation picture was published."))
                return redirect("incidents:picture", pk=incident.pk)
        return _publish_form(request, incident, form, since)

    if request.method == "POST":  # a repeated submit must not publish a second version
        return idempotency.once(request, answer)
    return answer()


def _publish_form(request: HttpRequest, incident, form: PictureForm, since) -> HttpResponse:
    return render(
        request,
        "incidents/picture/picture_publish.html",
        {
            "incident": incident,
            "form": form,
            "new_reports": list(selectors.reports_since(incident, since)[:100]),
            "since": since,
            "rows": incident_selectors.reporting_overview(incident),
        },
        status=400 if form.errors else 200,
    )


@audited(AuditEvent.Kind.DOWNLOAD, model=SituationPicture)
@require_GET
def picture_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_object_or_404(SituationPicture.objects.select_related("incident"), pk=pk)
    viewable_incident(request, picture.incident_id)
    if not picture.pdf:
        # Rendered at once when Celery is eager; else queued once (a broker that is down is
        # not waited for: the beat sweep queues it again) and the page says it is on its way.
        publish(render_picture_pdf, picture.pk)
        picture.refresh_from_db()
    if not picture.pdf:
        return render(
            request, "incidents/picture/pdf_pending.html", {"picture": picture}, status=202
        )
    return FileResponse(
        picture.pdf.open("rb"),
        as_attachment=True,
        filename=f"lagesbild-v{picture.version}-{picture.audience}.pdf",
        content_type="application/pdf",
    )
