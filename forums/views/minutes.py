"""Minutes: generated from the meeting as a draft, edited, then approved and locked."""

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idempotency
from core.access import is_secretariat, secretariat_required
from core.audit import audited
from core.models import AuditEvent
from core.pages import form_page

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
    """Ask, approve; when nobody is recorded present, ask again and say so (a second step)."""
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if meeting.starts_at > timezone.now():
        messages.error(request, _("Minutes can be approved only after the meeting has started."))
        return redirect(meeting)
    title = _("Approve the minutes of %(meeting)s?") % {"meeting": meeting.display_title}

    def page(*, nobody_present: bool = False, error: str = "", status: int = 200):
        return render(
            request,
            "forums/minutes_approve.html",
            {
                "title": title,
                "meeting": meeting,
                "nobody_present": nobody_present,
                "error": error,
                "idempotency_key": idempotency.new_key(),
            },
            status=status,
        )

    def answer() -> HttpResponse:
        confirmed = request.POST.get("nobody_present_confirmed") == "yes"
        try:
            services.minutes_approve(
                minutes=minutes, approved_by=request.user, ask_if_nobody_present=not confirmed
            )
        except services.NobodyPresent:
            return page(nobody_present=True)
        except ValidationError as exc:
            return page(error=" ".join(exc.messages), status=400)
        messages.success(
            request, _("The minutes are on their way to every organisation with a seat.")
        )
        return redirect("forums:minutes_detail", pk=meeting.pk)

    if request.method == "POST":
        return idempotency.once(request, answer)
    return page()


@audited(AuditEvent.Kind.DOWNLOAD, model=Meeting)
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> FileResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not minutes.is_approved:
        raise Http404
    if not access.can_read_minutes(request.user, minutes):
        raise Http404
    if minutes.pdf:
        document = minutes.pdf.open("rb")
    else:
        # Approved before PDFs were stored: the frozen row cannot take one, so render it now.
        from ..pdf import minutes_pdf as render

        document = io.BytesIO(render(minutes))
    response = FileResponse(
        document,
        as_attachment=True,
        filename=f"protokoll-{meeting.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not access.can_read_minutes(request.user, minutes):
        raise Http404
    recipients = (
        list(
            minutes.recipients.select_related("actor", "person").order_by(
                "actor__name", F("person").asc(nulls_last=True), "pk"
            )
        )
        if is_secretariat(request.user)
        else []
    )
    approver = minutes.approved_by
    return render(
        request,
        "forums/minutes_detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "recipients": recipients,
            # Named, never "you": the page is read by others than the approver.
            "approved_by": (approver.get_full_name() or approver.get_username())
            if approver
            else "",
        },
    )
