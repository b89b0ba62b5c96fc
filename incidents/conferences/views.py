"""Conference pages: schedule, the conference itself (attendance, status round, decisions,
actions), reschedule, cancel, close and the protocol PDF. Everyone who sees the incident sees its
conferences; the RSIB on duty and the secretariat run them."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idempotency
from core.audit import audited
from core.models import AuditEvent
from core.pages import confirm_page, form_page

from .. import selectors
from ..access import require_coordinator, viewable_incident
from ..models import Conference, ConferenceAction
from . import selectors as conference_selectors
from . import services
from .forms import (
    ActionForm,
    AttendanceForm,
    ConferenceForm,
    DecisionForm,
    RescheduleForm,
    RoundEntryForm,
    conference_initial,
)
from .pdf import protocol_pdf

# The decision and the action forms share a page and a field name: their ids must differ.
DECISION_ID = "decision-%s"
ACTION_ID = "action-%s"


def _conference(request: HttpRequest, pk: int) -> Conference:
    """The conference, if the user may see its incident; 404 otherwise."""
    conference = conference_selectors.conference_get(pk)
    viewable_incident(request, conference.incident_id)
    return conference


def _form_errors(request: HttpRequest, form: BaseForm) -> None:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, " ".join(errors) or _("Check the form."))


def _back(conference: Conference, anchor: str = "") -> HttpResponse:
    return redirect(conference.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@require_http_methods(["GET", "POST"])
def conference_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    require_coordinator(request)

    def save(data: dict[str, Any]) -> Conference:
        conferences = services.conference_schedule(incident=incident, by=request.user, **data)
        return conferences[0]

    return form_page(
        request,
        form=ConferenceForm(request.POST or None, incident=incident),
        title=_("Schedule a coordination conference"),
        save=save,
        success_message=_("The conference was scheduled; the invitations are on their way."),
        cancel_url=incident.get_absolute_url(),
    )


@require_GET
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    coordinator = selectors.can_coordinate(request.user)
    actors = conference_selectors.involved_actors(conference)
    attendance = conference_selectors.attendance(conference, actors)
    rows = conference_selectors.status_round(conference, actors)
    my_actor_ids = {a.pk for a in selectors.user_actors(request.user)}
    actions = list(conference.actions.select_related("owner", "done_by").order_by("due_at", "pk"))
    now = timezone.now()
    for action in actions:
        action.overdue = conference_selectors.is_overdue(action, now)
        action.may_mark = coordinator or action.owner_id in my_actor_ids
    editable = coordinator and conference.is_open
    context = {
        "conference": conference,
        "incident": conference.incident,
        "forums": list(conference.forums.all()),
        "coordinator": coordinator,
        "editable": editable,
        "attendance": attendance,
        "attendance_form": AttendanceForm(rows=attendance) if editable else None,
        "rows": rows,
        "impact_choices": RoundEntryForm.base_fields["impact"].choices,
        "decisions": list(conference.decisions.order_by("number")),
        "decision_form": DecisionForm(auto_id=DECISION_ID) if editable else None,
        "actions": actions,
        "action_form": ActionForm(actors=actors, auto_id=ACTION_ID) if editable else None,
        "protocol": getattr(conference, "protocol", None) if conference.is_closed else None,
        "started": conference.starts_at <= now,
    }
    return render(request, "incidents/conferences/conference_detail.html", context)


@require_http_methods(["GET", "POST"])
def conference_update(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    return form_page(
        request,
        form=RescheduleForm(request.POST or None, initial=conference_initial(conference)),
        title=_("Change the conference"),
        save=lambda data: services.conference_reschedule(
            conference=conference, by=request.user, **data
        ),
        success_message=_("The conference was changed; the invitees get an update."),
        cancel_url=conference.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def conference_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    return confirm_page(
        request,
        action=lambda: services.conference_cancel(conference=conference, by=request.user),
        title=_("Cancel the coordination conference?"),
        explanation=_("The invitees get a cancellation that removes it from their calendars."),
        confirm_label=_("Cancel the conference"),
        cancel_url=conference.get_absolute_url(),
        success_message=_("The conference was cancelled."),
        done_url=conference.incident,
    )


@require_http_methods(["GET", "POST"])
def conference_close(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    return confirm_page(
        request,
        action=lambda: services.conference_close(conference=conference, by=request.user),
        title=_("Close the coordination conference?"),
        explanation=_(
            "The protocol (attendance, status round, decisions and actions) is written to the "
            "incident log. After this nothing of the conference can change; its actions are "
            "still marked done when they are."
        ),
        confirm_label=_("Close and write the protocol"),
        cancel_url=conference.get_absolute_url(),
        success_message=_("The conference was closed; the protocol is in the incident log."),
        done_url=conference,
    )


@require_POST
def conference_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    form = AttendanceForm(request.POST, rows=conference_selectors.attendance(conference))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(conference, "attendance-heading")
    try:
        services.conference_attendance_record(
            conference=conference, by=request.user, present=form.entries()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The attendance was saved."))
    return _back(conference, "attendance-heading")


@require_POST
def conference_round(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    form = RoundEntryForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(conference, "round-heading")
    try:
        entry = services.status_round_entry_save(
            conference=conference, by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(conference, "round-heading")
    messages.success(request, _("Saved for %(actor)s.") % {"actor": entry.actor.name})
    return _back(conference, f"round-{entry.actor_id}")


def _add(request: HttpRequest, conference: Conference, form: BaseForm, save, anchor: str):
    """A decision or an action: a repeated submit adds it once."""

    def answer() -> HttpResponse:
        if not form.is_valid():
            _form_errors(request, form)
            return _back(conference, anchor)
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return _back(conference, anchor)

    return idempotency.once(request, answer)


@require_POST
def conference_decision(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    return _add(
        request,
        conference,
        DecisionForm(request.POST),
        lambda data: services.conference_decision_add(
            conference=conference, by=request.user, **data
        ),
        "decisions-heading",
    )


@require_POST
def conference_action(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    require_coordinator(request)
    form = ActionForm(request.POST, actors=conference_selectors.involved_actors(conference))
    return _add(
        request,
        conference,
        form,
        lambda data: services.conference_action_add(conference=conference, by=request.user, **data),
        "actions-heading",
    )


@require_POST
def conference_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ConferenceAction.objects.select_related("conference"), pk=pk)
    conference = _conference(request, action.conference_id)
    if not services.may_mark_action(request.user, action):
        raise PermissionDenied
    done = request.POST.get("done", "1") != "0"
    try:
        services.conference_action_set_done(action=action, by=request.user, done=done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The action was marked."))
    target = request.POST.get("next", "")
    if target == "incident":
        return redirect(reverse("incidents:incident_detail", args=[conference.incident_id]))
    return _back(conference, "actions-heading")


@audited(AuditEvent.Kind.EXPORT, model=Conference)
@require_GET
def conference_protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    protocol = getattr(conference, "protocol", None) if conference.is_closed else None
    if protocol is None:
        raise Http404
    response = HttpResponse(protocol_pdf(protocol), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="konferensprotokoll-{pk}.pdf"'
    return response
