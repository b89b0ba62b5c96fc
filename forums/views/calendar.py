"""Calendars: one meeting as an .ics file, and each user's secret-address feed of the
meetings of their forums."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import is_secretariat
from core.audit import audited
from core.models import AuditEvent

from .. import access, selectors, services
from ..calendar import calendar_for
from ..models import CalendarFeed, Meeting


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@audited(AuditEvent.Kind.CALENDAR_DOWNLOADED, model=Meeting)
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for(request.user, pk)
    return _ics_response(calendar_for([meeting], name=meeting.forum.name), f"mote-{meeting.pk}.ics")


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.calendar_feed_rotate(user=request.user)
        messages.success(
            request, _("A new calendar address was made; the old one no longer works.")
        )
        return redirect("forums:calendar_settings")
    feed = services.calendar_feed_get_or_create(user=request.user)
    url = request.build_absolute_uri(reverse("forums:calendar_feed", args=[feed.token]))
    return render(
        request,
        "forums/calendar.html",
        {"feed_url": url, "feed": feed, "sees_all_forums": is_secretariat(request.user)},
    )


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret-address feed a calendar client polls (it has no session)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    meetings = selectors.calendar_feed_meetings(feed.user)
    response = _ics_response(calendar_for(meetings, name=_("SSR meetings")), "ssr.ics")
    services.calendar_feed_record_fetch(feed=feed, request=request)
    return response
