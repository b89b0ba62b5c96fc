"""Meetings: scheduling and cancelling, the agenda, attachments, attendance (also as CSV),
decisions and action items. Nothing in a meeting changes once its minutes are approved."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import secretariat_required
from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.pages import apply_errors, confirm_page, form_page

from .. import access, selectors, services
from ..forms import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
)
from ..models import ActionItem, AgendaItem, Attachment, Forum, Meeting


@secretariat_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)
    form = MeetingForm(request.POST or None, initial={"mode": forum.mode})
    return form_page(
        request,
        form=form,
        title=_("New meeting of %(forum)s") % {"forum": forum.name},
        save=lambda data: services.meeting_create(forum=forum, created_by=request.user, **data),
        success_message=_(
            "The meeting was scheduled. Add the agenda, then send the invitation: nobody is "
            "told before."
        ),
        cancel_url=forum.get_absolute_url(),
    )


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for(request.user, pk)
    meeting = selectors.meeting_detail(pk=meeting.pk)
    minutes = getattr(meeting, "minutes", None)
    attendance = {a.seat_id: a for a in meeting.attendance.all()}
    composition = selectors.resolve_seats(selectors.forum_seats(meeting.forum))
    return render(
        request,
        "forums/meeting_detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "locked": bool(minutes and minutes.is_approved),
            "started": meeting.starts_at <= timezone.now(),
            "rows": [(r, attendance.get(r.seat.pk)) for r in composition],
            "decisions": sorted(meeting.decisions.all(), key=lambda d: d.number),
            "loose_attachments": [a for a in meeting.attachments.all() if not a.agenda_item_id],
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    if selectors.meeting_is_locked(meeting.pk):
        messages.error(
            request,
            _("The minutes of this meeting are approved and locked; nothing in it can change."),
        )
        return redirect(meeting)
    return form_page(
        request,
        form=MeetingForm(request.POST or None, instance=meeting),
        title=_("Edit meeting"),
        save=lambda data: services.meeting_update(meeting=meeting, **data),
        success_message=_("The meeting was saved; calendars get the change."),
        cancel_url=meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def meeting_invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    return confirm_page(
        request,
        action=lambda: services.meeting_invitation_send(meeting=meeting, sent_by=request.user),
        title=_("Send the invitation to %(meeting)s?") % {"meeting": meeting.display_title},
        explanation=_(
            "Every seat holder and deputy of %(forum)s gets the invitation with the agenda and a "
            "calendar event. Later changes of time, place or agenda go out as updates."
        )
        % {"forum": meeting.forum.name},
        confirm_label=_("Send the invitation"),
        cancel_url=meeting.get_absolute_url(),
        success_message=_("The invitation was sent."),
        done_url=meeting,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    return confirm_page(
        request,
        action=lambda: services.meeting_cancel(meeting=meeting),
        title=_("Cancel %(meeting)s?") % {"meeting": meeting.display_title},
        explanation=_("The meeting stays in the list as cancelled, and calendars remove it."),
        confirm_label=_("Cancel the meeting"),
        cancel_url=meeting.get_absolute_url(),
        success_message=_("The meeting was cancelled."),
        done_url=meeting,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.agenda_item_add(meeting=meeting, **data)
        return meeting

    return form_page(
        request,
        form=AgendaItemForm(request.POST or None),
        title=_("New agenda item"),
        save=save,
        success_message=_("The agenda item was added."),
        cancel_url=meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def agenda_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.agenda_item_update(item=item, **data)
        return item.meeting

    return form_page(
        request,
        form=AgendaItemForm(request.POST or None, instance=item),
        title=_("Edit agenda item"),
        save=save,
        success_message=_("The agenda item was saved."),
        cancel_url=item.meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.attachment_add(
            meeting=meeting,
            upload=data["file"],
            sharing_level=data["sharing_level"],
            agenda_item=data["agenda_item"],
            uploaded_by=request.user,
        )
        return meeting

    return form_page(
        request,
        form=AttachmentForm(request.POST or None, request.FILES or None, meeting=meeting),
        title=_("Attach a file"),
        save=save,
        success_message=_("The file was attached."),
        cancel_url=meeting.get_absolute_url(),
        multipart=True,
    )


@audited(AuditEvent.Kind.DOWNLOAD, model=Attachment)
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("meeting__forum"), pk=pk)
    if not access.can_download(request.user, attachment):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@secretariat_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    resolved = selectors.resolve_seats(
        selectors.forum_seats(meeting.forum), on=timezone.localtime(meeting.starts_at).date()
    )
    existing = {a.seat_id: a for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, resolved_seats=resolved, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, entries=form.entries())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Attendance was saved."))
            return redirect(meeting)
    return render(
        request,
        "forums/attendance_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@audited(AuditEvent.Kind.EXPORT, model=Meeting)
@require_GET
def attendance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for(request.user, pk)
    attendance = {a.seat_id: a for a in meeting.attendance.all()}
    response, writer = csv_response(f"narvaro-mote-{meeting.pk}.csv")
    writer.writerow([_("Seat"), _("Function"), _("Attendance"), _("Attended by")])
    for seat in selectors.forum_seats(meeting.forum):
        row = attendance.get(seat.pk)
        writer.writerow(
            [
                seat.holder_label,
                seat.function.name,
                row.get_status_display() if row else _("Not recorded"),
                row.attendee if row else "",
            ]
        )
    return response


@secretariat_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.decision_add(meeting=meeting, **data)
        return meeting

    return form_page(
        request,
        form=DecisionForm(request.POST or None, meeting=meeting),
        title=_("New decision"),
        save=save,
        success_message=_("The decision was recorded."),
        cancel_url=meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def action_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)

    def save(data: dict[str, Any]) -> Meeting:
        services.action_item_add(meeting=meeting, **data)
        return meeting

    return form_page(
        request,
        form=ActionItemForm(request.POST or None),
        title=_("New action item"),
        save=save,
        success_message=_("The action item was added."),
        cancel_url=meeting.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("meeting", "forum"), pk=pk)

    def save(data: dict[str, Any]) -> Forum:
        services.action_item_set_status(item=item, status=data["status"])
        return item.forum

    return form_page(
        request,
        form=ActionItemStatusForm(request.POST or None, initial={"status": item.status}),
        title=_("Status of %(item)s") % {"item": item.title},
        save=save,
        success_message=_("The status was saved."),
        cancel_url=item.forum.get_absolute_url(),
    )
