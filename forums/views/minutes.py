"""Minutes: generated from the meeting as a draft, edited, then approved and locked."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import is_secretariat, secretariat_required
from core.pages import confirm_page, form_page

from .. import access, services
from ..forms import MinutesForm
from ..models import Meeting, Minutes


@secretariat_required
@require_POST
def minutes_generate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    try:
        services.minutes_generate(meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(meeting)
    messages.success(request, _("A draft was generated from the agenda, attendance and decisions."))
    return redirect("forums:minutes_edit", pk=meeting.pk)


@secretariat_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if minutes.is_approved:
        messages.error(request, _("Approved minutes are locked and cannot be edited."))
        return redirect("forums:minutes_detail", pk=meeting.pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.minutes_update(minutes=minutes, **data)
        return meeting

    return form_page(
        request,
        form=MinutesForm(request.POST or None, instance=minutes),
        title=_("Minutes of %(meeting)s") % {"meeting": meeting.display_title},
        save=save,
        success_message=_("The draft minutes were saved."),
        cancel_url=meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    return confirm_page(
        request,
        action=lambda: services.minutes_approve(minutes=minutes, approved_by=request.user),
        title=_("Approve the minutes of %(meeting)s?") % {"meeting": meeting.display_title},
        explanation=_(
            "Approved minutes are locked: neither they nor the meeting's attendance, "
            "decisions or agenda can be changed afterwards. The seat holders of every "
            "represented actor receive them."
        ),
        confirm_label=_("Approve and lock"),
        cancel_url=meeting.get_absolute_url(),
        success_message=_("The minutes were approved and locked, and go back to the actors."),
        done_url=reverse("forums:minutes_detail", args=[meeting.pk]),
    )


@require_GET
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not access.can_read_minutes(request.user, minutes):
        raise Http404
    recipients = (
        list(minutes.recipients.select_related("actor", "person"))
        if is_secretariat(request.user)
        else []
    )
    return render(
        request,
        "forums/minutes_detail.html",
        {"meeting": meeting, "minutes": minutes, "recipients": recipients},
    )
