"""Forum, meeting and minutes pages. Members see the forums they hold a seat in; the secretariat
sees and manages all of them."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import MunicipalCluster
from core.access import is_secretariat, secretariat_required
from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.pages import apply_errors, confirm_page, form_page

from . import access, selectors, services
from .calendar import calendar_for
from .forms import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttachmentForm,
    AttendanceForm,
    ClusterRepresentationForm,
    DecisionForm,
    ForumForm,
    MeetingForm,
    MinutesForm,
    SeatForm,
)
from .models import (
    ActionItem,
    AgendaItem,
    Attachment,
    CalendarFeed,
    ClusterRepresentation,
    Forum,
    Meeting,
    Minutes,
    Seat,
)


def _get_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    return access.meeting_for(request.user, meeting)


# --- Forums ---------------------------------------------------------------------------------


@require_GET
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = list(selectors.forums_visible_to(request.user))
    levels: dict[Any, list[Forum]] = {}
    for forum in forums:
        levels.setdefault(forum.level, []).append(forum)
    return render(request, "forums/forum_list.html", {"levels": levels.items()})


@require_GET
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(
        Forum.objects.select_related("level", "parent", "convening_actor"), pk=pk
    )
    access.forum_for(request.user, forum)
    upcoming, past = selectors.forum_meetings(forum=forum)
    context = {
        "forum": forum,
        "composition": selectors.forum_composition(forum=forum),
        "upcoming": upcoming,
        "past": past[:20],
        "decisions": list(selectors.forum_decisions(forum=forum)[:50]),
        "action_items": list(selectors.forum_open_action_items(forum=forum)),
        "subforums": list(forum.subforums.all()),
    }
    return render(request, "forums/forum_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def forum_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=ForumForm(request.POST or None),
        title=_("New forum"),
        save=lambda data: services.forum_create(**data),
        success_message=_("The forum was created. Add its seats."),
        cancel_url=reverse("forums:forum_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def forum_update(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)
    return form_page(
        request,
        form=ForumForm(request.POST or None, instance=forum),
        title=_("Edit %(forum)s") % {"forum": forum.name},
        save=lambda data: services.forum_update(forum=forum, **data),
        success_message=_("The forum was saved."),
        cancel_url=forum.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_create(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)

    def save(data: dict[str, Any]) -> Forum:
        services.seat_create(forum=forum, **data)
        return forum

    return form_page(
        request,
        form=SeatForm(request.POST or None),
        title=_("New seat in %(forum)s") % {"forum": forum.name},
        save=save,
        success_message=_("The seat was added."),
        cancel_url=forum.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_update(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat.objects.select_related("forum"), pk=pk)

    def save(data: dict[str, Any]) -> Forum:
        services.seat_update(seat=seat, **data)
        return seat.forum

    return form_page(
        request,
        form=SeatForm(request.POST or None, instance=seat),
        title=_("Edit seat"),
        save=save,
        success_message=_("The seat was saved."),
        cancel_url=seat.forum.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_delete(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(
        Seat.objects.select_related("forum", "actor", "cluster", "function"), pk=pk
    )
    return confirm_page(
        request,
        action=lambda: services.seat_delete(seat=seat),
        title=_("Remove the seat %(seat)s?") % {"seat": seat},
        explanation=_(
            "Whoever holds the function loses access to the forum unless they hold another "
            "of its seats."
        ),
        confirm_label=_("Remove the seat"),
        cancel_url=seat.forum.get_absolute_url(),
        success_message=_("The seat was removed."),
        done_url=seat.forum,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def cluster_representation_list(request: HttpRequest) -> HttpResponse:
    form = ClusterRepresentationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_representation_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The representation was saved."))
            return redirect("forums:cluster_representation_list")
    clusters = MunicipalCluster.objects.prefetch_related("municipalities").order_by("name")
    representations = ClusterRepresentation.objects.select_related(
        "cluster", "municipality"
    ).order_by("cluster__name", "-starts_on")
    return render(
        request,
        "forums/cluster_representations.html",
        {
            "form": form,
            "clusters": clusters,
            "representations": representations,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_POST
def cluster_representation_end(request: HttpRequest, pk: int) -> HttpResponse:
    representation = get_object_or_404(ClusterRepresentation, pk=pk)
    try:
        services.cluster_representation_end(
            representation=representation, ends_on=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The representation was ended today."))
    return redirect("forums:cluster_representation_list")


@audited(AuditEvent.Kind.EXPORT, model=Forum)
@require_GET
def decisions_csv(request: HttpRequest, pk: int) -> HttpResponse:
    forum = access.forum_for(request.user, get_object_or_404(Forum, pk=pk))
    response, writer = csv_response(f"beslut-forum-{forum.pk}.csv")
    writer.writerow([_("Number"), _("Date"), _("Meeting"), _("Agenda item"), _("Decision")])
    for decision in selectors.forum_decisions(forum=forum):
        writer.writerow(
            [
                decision.reference,
                timezone.localtime(decision.meeting.starts_at).date().isoformat(),
                decision.meeting.display_title,
                str(decision.agenda_item) if decision.agenda_item else "",
                decision.text,
            ]
        )
    return response


# --- Meetings -------------------------------------------------------------------------------


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
        success_message=_("The meeting was scheduled. Add the agenda."),
        cancel_url=forum.get_absolute_url(),
    )


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
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
    meeting = _get_meeting(request, pk)
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


# --- Minutes --------------------------------------------------------------------------------


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


# --- Calendar -------------------------------------------------------------------------------


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@audited(AuditEvent.Kind.CALENDAR_DOWNLOADED, model=Meeting)
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
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
