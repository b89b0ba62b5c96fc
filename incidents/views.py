"""Activated-mode pages: signalling, activation, reporting, the common situation picture,
directions, joint messages, the log, follow-up, the register and the on-call roster."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.access import is_secretariat, secretariat_required
from actors.audit import audited
from actors.models import Actor, AuditEvent
from actors.pages import apply_errors, confirm_page, form_page
from core.csv_export import csv_response
from core.params import int_param, year_param

from . import selectors, services
from .forms import (
    ActivationForm,
    DirectionForm,
    EventTypeForm,
    FollowUpForm,
    ForumsChangeForm,
    HandoverForm,
    MessageForm,
    NoteForm,
    PictureForm,
    PreparedDirectionForm,
    ReportForm,
    ShiftChangeForm,
    ShiftForm,
    SignalForm,
    StatusForm,
)
from .map import municipality_map
from .models import (
    ActorStatus,
    Direction,
    Incident,
    JointMessage,
    OnCallRole,
    PreparedDirection,
    Shift,
    ShiftChange,
    Signal,
    SituationPicture,
)
from .pdf import log_pdf


def _incident(request: HttpRequest, pk: int) -> Incident:
    incident = get_object_or_404(Incident.objects.select_related("event_type"), pk=pk)
    if not selectors.can_view_incident(request.user, incident):
        raise Http404
    return incident


def _chosen_actor(request: HttpRequest, incident: Incident):
    """The actor the user acts for: ``actor`` from the request if it is one of theirs, else the
    first of theirs that takes part in the incident. 403 if they speak for none."""
    mine = selectors.user_actors(request.user)
    if selectors.can_coordinate(request.user) and request.POST.get("actor"):
        if not request.POST["actor"].isdigit():
            raise Http404
        return get_object_or_404(Actor, pk=request.POST["actor"])
    wanted = request.POST.get("actor") or request.GET.get("actor")
    if wanted:
        for actor in mine:
            if str(actor.pk) == wanted:
                return actor
        raise PermissionDenied
    expected = {a.pk for a in selectors.expected_actors(incident)}
    taking_part = [a for a in mine if a.pk in expected]
    if taking_part or mine:
        return (taking_part or mine)[0]
    raise PermissionDenied


def _coordinator(request: HttpRequest) -> None:
    if not selectors.can_coordinate(request.user):
        raise PermissionDenied


# --- Incidents and signals ------------------------------------------------------------------


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = list(selectors.incidents_visible_to(request.user)[:50])
    coordinator = selectors.can_coordinate(request.user)
    context = {
        "active": [i for i in incidents if i.is_active],
        "ended": [i for i in incidents if not i.is_active],
        "signals": list(
            Signal.objects.filter(status=Signal.Status.NEW).select_related("actor")[:50]
        )
        if coordinator
        else [],
        "coordinator": coordinator,
    }
    return render(request, "incidents/incident_list.html", context)


@require_http_methods(["GET", "POST"])
def signal_create(request: HttpRequest) -> HttpResponse:
    actors = selectors.user_actors(request.user)
    actor = actors[0] if actors else None
    if actor is None:
        messages.error(request, _("Your login is not linked to an actor; contact the secretariat."))
        return redirect("incidents:incident_list")
    return form_page(
        request,
        form=SignalForm(request.POST or None),
        title=_("Signal a need for collaboration"),
        save=lambda data: services.signal_create(actor=actor, signalled_by=request.user, **data),
        success_url=reverse("incidents:incident_list"),
        success_message=_("Your signal was sent to the RSIB on duty."),
        cancel_url=reverse("incidents:incident_list"),
    )


@require_http_methods(["GET", "POST"])
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    signal = get_object_or_404(Signal.objects.select_related("actor", "signalled_by"), pk=pk)
    if request.method == "POST":
        try:
            services.signal_dismiss(signal=signal, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The signal was dismissed."))
        return redirect("incidents:incident_list")
    return render(request, "incidents/signal_detail.html", {"signal": signal})


@require_http_methods(["GET", "POST"])
def incident_activate(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    signal = None
    initial: dict[str, Any] = {}
    if request.GET.get("signal"):
        signal_id = int_param(request.GET["signal"])
        if signal_id is None:
            raise Http404
        signal = get_object_or_404(Signal, pk=signal_id, status=Signal.Status.NEW)
        initial = {
            "title": signal.what[:200],
            "municipalities": list(signal.municipalities.all()),
            "is_exercise": signal.is_exercise,
        }

    def save(data: dict[str, Any]) -> Incident:
        return services.incident_activate(activated_by=request.user, signal=signal, **data)

    return form_page(
        request,
        form=ActivationForm(request.POST or None, initial=initial),
        title=_("Activate joint mode"),
        save=save,
        success_message=_("Joint mode is activated; the forums' actors are alerted."),
        cancel_url=reverse("incidents:incident_list"),
    )


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    my_actors = selectors.user_actors(request.user)
    directions = list(
        incident.directions.prefetch_related("acknowledgements__actor").order_by("-decided_at")
    )
    expected = selectors.expected_actors(incident)
    for direction in directions:
        acked = {a.actor_id for a in direction.acknowledgements.all()}
        direction.missing = [a for a in expected if a.pk not in acked]
        direction.mine_pending = [a for a in my_actors if a.pk not in acked]
    context = {
        "incident": incident,
        "forums": list(incident.activated_forums.all()),
        "municipalities": list(incident.affected_municipalities.all()),
        "rows": selectors.reporting_overview(incident),
        "directions": directions,
        "joint_messages": list(
            incident.messages.prefetch_related("signatures__actor").order_by("-created_at")
        ),
        "coordinator": selectors.can_coordinate(request.user),
        "communicator": selectors.can_communicate(request.user),
        "my_actors": my_actors,
        "status_choices": ActorStatus.Status.choices,
        "follow_up": getattr(incident, "follow_up", None),
    }
    return render(request, "incidents/incident_detail.html", context)


@require_http_methods(["GET", "POST"])
def incident_forums(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    _coordinator(request)
    return form_page(
        request,
        form=ForumsChangeForm(
            request.POST or None, initial={"forums": list(incident.activated_forums.all())}
        ),
        title=_("Change the activated forums"),
        save=lambda data: services.incident_forums_change(
            incident=incident, forums=data["forums"], by=request.user
        ),
        success_message=_("The activated forums were changed."),
        cancel_url=incident.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def incident_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    _coordinator(request)
    return confirm_page(
        request,
        action=lambda: services.incident_deactivate(incident=incident, by=request.user),
        title=_("Deactivate %(incident)s?") % {"incident": incident},
        explanation=_(
            "The forums return to their ordinary form unless another incident keeps them "
            "activated. Reports can no longer be submitted; the follow-up comes next."
        ),
        confirm_label=_("Deactivate"),
        cancel_url=incident.get_absolute_url(),
        success_message=_("Joint mode was deactivated."),
        done_url=incident,
    )


@require_http_methods(["GET", "POST"])
def incident_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    _coordinator(request)

    def save(data: dict[str, Any]) -> Incident:
        actions = []
        if data["action_title"]:
            actions.append(
                {
                    "title": data["action_title"],
                    "owner": data["action_owner"],
                    "due_on": data["action_due_on"],
                    "prepared_direction": data["action_prepared_direction"],
                }
            )
        services.incident_follow_up(
            incident=incident,
            by=request.user,
            evaluation=data["evaluation"],
            lessons=data["lessons"],
            actions=actions,
        )
        return incident

    return form_page(
        request,
        form=FollowUpForm(request.POST or None),
        title=_("Follow up %(incident)s") % {"incident": incident},
        save=save,
        success_message=_("The follow-up was recorded."),
        cancel_url=incident.get_absolute_url(),
    )


@require_POST
def status_set(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.actor_status_set(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status was saved."))
    else:
        messages.error(request, _("Choose an actor and a status."))
    return redirect(incident)


# --- Reports and the common picture ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    actor = _chosen_actor(request, incident)
    previous = incident.reports.filter(actor=actor).order_by("-version").first()
    initial = {}
    if previous:
        # A new version starts from the previous one (but not its promised next report time).
        initial = {
            field: getattr(previous, field)
            for field in ReportForm.Meta.fields
            if field != "next_report_due"
        }
    return form_page(
        request,
        form=ReportForm(request.POST or None, initial=initial),
        title=_("Situation report from %(actor)s") % {"actor": actor.name},
        save=lambda data: services.report_submit(
            incident=incident, actor=actor, submitted_by=request.user, **data
        ),
        success_url=reverse("incidents:picture", args=[incident.pk]),
        success_message=_("Your report was submitted."),
        cancel_url=incident.get_absolute_url(),
    )


# The live part of the picture is shared by everyone who may see the incident, so it is
# rendered once and cached: per picture version, newest report and newest status (anything that
# changes it), and per minute (the ages and "overdue" marks move with the clock).
LIVE_CACHE_SECONDS = 120


def _viewable_incident_for_picture(request: HttpRequest, pk: int) -> Incident:
    incident = selectors.incident_for_picture(pk, user=request.user)
    if incident is None:
        raise Http404
    if not (incident.user_may_view or selectors.can_view_incident(request.user, incident)):
        raise Http404
    return incident


def _published(incident: Incident) -> dict[str, Any]:
    """The latest published versions and the map drawn from them (only on a cache miss)."""
    pictures = selectors.latest_pictures(incident)
    full, short = pictures.get("full"), pictures.get("short")
    shown = full or short
    impacts = selectors.municipality_impacts(shown.actor_snapshot if shown else [])
    affected = {m.municipality_code for m in incident.affected_municipalities.all()}
    return {
        "full": full,
        "short": short,
        "picture": shown,
        "map": municipality_map(impacts=impacts, affected=affected),
        "rows": selectors.reporting_overview(incident),
    }


def _picture_context(incident: Incident) -> dict[str, Any]:
    version_key = f"{incident.full_pk or 0}-{incident.short_pk or 0}"
    minute = int(timezone.now().timestamp() // 60)
    return {
        "incident": incident,
        "version_key": version_key,
        # activated_at makes the key unique to this incident row, whatever pks a restored or
        # re-created database hands out again.
        "live_cache_key": (
            f"{incident.activated_at.timestamp()}:{version_key}:"
            f"{incident.report_pk or 0}:{incident.status_count or 0}:{minute}"
        ),
        "live_cache_seconds": LIVE_CACHE_SECONDS,
        "published": SimpleLazyObject(lambda: _published(incident)),
        "poll_seconds": settings.PICTURE_POLL_SECONDS,
    }


@require_GET
def picture(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _viewable_incident_for_picture(request, pk)
    context = _picture_context(incident)
    context["coordinator"] = selectors.can_coordinate(request.user)
    return render(request, "incidents/picture.html", context)


@require_GET
def picture_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the picture page; 204 (nothing to swap) when no new version exists."""
    incident = _viewable_incident_for_picture(request, pk)
    context = _picture_context(incident)
    if request.GET.get("since") == context["version_key"]:
        return HttpResponse(status=204)
    return render(request, "incidents/_picture_live.html", context)


@require_http_methods(["GET", "POST"])
def picture_publish(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    _coordinator(request)
    latest = selectors.latest_pictures(incident)
    since = max((p.published_at for p in latest.values()), default=None)
    form = PictureForm(
        request.POST or None,
        initial={"summary": latest["full"].summary if "full" in latest else ""},
    )
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
    return render(
        request,
        "incidents/picture_publish.html",
        {
            "incident": incident,
            "form": form,
            "new_reports": list(selectors.reports_since(incident, since)[:100]),
            "since": since,
            "rows": selectors.reporting_overview(incident),
        },
        status=400 if form.errors else 200,
    )


@audited(AuditEvent.Kind.DOWNLOAD, model=SituationPicture)
@require_GET
def picture_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .tasks import render_picture_pdf

    picture = get_object_or_404(SituationPicture.objects.select_related("incident"), pk=pk)
    _incident(request, picture.incident_id)
    if not picture.pdf:
        render_picture_pdf.delay(picture.pk)
        picture.refresh_from_db()
    if not picture.pdf:
        return render(request, "incidents/pdf_pending.html", {"picture": picture}, status=202)
    return FileResponse(
        picture.pdf.open("rb"),
        as_attachment=True,
        filename=f"lagesbild-v{picture.version}-{picture.audience}.pdf",
        content_type="application/pdf",
    )


# --- Directions and joint messages ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def direction_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    _coordinator(request)
    return form_page(
        request,
        form=DirectionForm(request.POST or None),
        title=_("Record a direction from the direction forum"),
        save=lambda data: services.direction_issue(incident=incident, by=request.user, **data),
        success_url=incident.get_absolute_url(),
        success_message=_("The direction was issued; each actor acknowledges it."),
        cancel_url=incident.get_absolute_url(),
    )


@require_POST
def direction_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(Direction.objects.select_related("incident"), pk=pk)
    incident = _incident(request, direction.incident_id)
    actor = _chosen_actor(request, incident)
    try:
        services.direction_acknowledge(direction=direction, actor=actor, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Receipt acknowledged for %(actor)s.") % {"actor": actor.name})
    return redirect(incident)


@require_http_methods(["GET", "POST"])
def message_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    if not selectors.can_communicate(request.user):
        raise PermissionDenied
    initial = {"text": incident.message_templates} if incident.message_templates else None
    return form_page(
        request,
        form=MessageForm(request.POST or None, initial=initial),
        title=_("Draft a joint message"),
        save=lambda data: services.message_draft(incident=incident, by=request.user, **data),
        success_url=incident.get_absolute_url(),
        success_message=_("The draft was saved; the senders co-sign it."),
        cancel_url=incident.get_absolute_url(),
    )


@require_POST
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = get_object_or_404(JointMessage.objects.select_related("incident"), pk=pk)
    incident = _incident(request, message.incident_id)
    try:
        if action == "cosign":
            actor = _chosen_actor(request, incident)
            services.message_cosign(message=message, actor=actor, by=request.user)
        elif action == "approve":
            services.message_approve(message=message, by=request.user)
        elif action == "publish":
            services.message_publish(message=message, by=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(incident)


# --- Log and register -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def incident_log(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        if not selectors.can_coordinate(request.user):
            raise PermissionDenied
        if form.is_valid():
            services.log_note(incident=incident, by=request.user, text=form.cleaned_data["text"])
            return redirect("incidents:incident_log", pk=incident.pk)
    return render(
        request,
        "incidents/log.html",
        {
            "incident": incident,
            "entries": list(selectors.incident_log(incident)),
            "form": form,
            "coordinator": selectors.can_coordinate(request.user),
        },
    )


@audited(AuditEvent.Kind.EXPORT, model=Incident)
@require_GET
def incident_log_csv(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    response, writer = csv_response(f"handelselogg-{incident.pk}.csv")
    writer.writerow([_("Time"), _("By"), _("Kind"), _("Entry")])
    for entry in selectors.incident_log(incident):
        writer.writerow(
            [
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                entry.by.get_full_name() if entry.by else "",
                entry.kind,
                entry.text,
            ]
        )
    return response


@audited(AuditEvent.Kind.EXPORT, model=Incident)
@require_GET
def incident_log_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    response = HttpResponse(
        log_pdf(incident, list(selectors.incident_log(incident))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="handelselogg-{incident.pk}.pdf"'
    return response


def _register(request: HttpRequest):
    year = year_param(request.GET.get("year"))  # no year, or not one: every year
    return year, list(services.register_rows(year=year))


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    if not (selectors.can_coordinate(request.user)):
        raise PermissionDenied
    year, incidents = _register(request)
    counts: dict[tuple[int, str], int] = {}
    for incident in incidents:
        if incident.is_exercise:
            continue  # exercises are kept out of the statistics
        key = (incident.activated_at.year, incident.event_type.name if incident.event_type else "–")
        counts[key] = counts.get(key, 0) + 1
    return render(
        request,
        "incidents/register.html",
        {"incidents": incidents, "year": year, "counts": sorted(counts.items(), reverse=True)},
    )


@audited(AuditEvent.Kind.EXPORT)
@require_GET
def register_csv(request: HttpRequest) -> HttpResponse:
    if not (selectors.can_coordinate(request.user)):
        raise PermissionDenied
    _year, incidents = _register(request)
    response, writer = csv_response("aktiverade-lagen.csv")
    writer.writerow(
        [
            _("Activated"),
            _("Title"),
            _("Event type"),
            _("Hours"),
            _("Forums"),
            _("Exercise"),
            _("Status"),
        ]
    )
    for incident in incidents:
        end = incident.deactivated_at or timezone.now()
        writer.writerow(
            [
                timezone.localtime(incident.activated_at).isoformat(timespec="minutes"),
                incident.title,
                incident.event_type.name if incident.event_type else "",
                round((end - incident.activated_at).total_seconds() / 3600, 1),
                "; ".join(f.name for f in incident.activated_forums.all()),
                _("yes") if incident.is_exercise else _("no"),
                incident.get_status_display(),
            ]
        )
    return response


# --- Roster ---------------------------------------------------------------------------------


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    horizon = now + datetime.timedelta(days=14)
    shifts = list(
        Shift.objects.filter(ends_at__gt=now, starts_at__lt=horizon)
        .select_related("person", "lending_actor")
        .order_by("starts_at")
    )
    gaps = {
        label: selectors.coverage_gaps(role=role, start=now, end=horizon)
        for role, label in OnCallRole.choices
        if role != OnCallRole.TIB
    }
    return render(
        request,
        "incidents/roster.html",
        {
            "on_duty": selectors.on_duty(now),
            "shifts": shifts,
            "gaps": gaps,
            "changes": list(
                ShiftChange.objects.filter(status=ShiftChange.Status.PENDING).select_related(
                    "shift__person", "new_person"
                )
            )
            if is_secretariat(request.user)
            else [],
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=ShiftForm(request.POST or None),
        title=_("New shift"),
        save=lambda data: services.shift_create(**data),
        success_url=reverse("incidents:roster"),
        success_message=_("The shift was added."),
        cancel_url=reverse("incidents:roster"),
    )


@require_http_methods(["GET", "POST"])
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift.objects.select_related("person", "lending_actor"), pk=pk)
    own = shift.person.user_id == request.user.pk
    if not (own or is_secretariat(request.user)):
        raise PermissionDenied
    handover = HandoverForm(
        request.POST if "handover_note" in request.POST else None,
        initial={"handover_note": shift.handover_note},
    )
    change = ShiftChangeForm(request.POST if "new_person" in request.POST else None)
    if request.method == "POST":
        try:
            if handover.is_bound and handover.is_valid():
                services.shift_handover_note(
                    shift=shift, note=handover.cleaned_data["handover_note"]
                )
                messages.success(request, _("The handover note was saved."))
                return redirect("incidents:shift_detail", pk=shift.pk)
            if change.is_bound and change.is_valid():
                services.shift_change_request(
                    shift=shift, requested_by=request.user, **change.cleaned_data
                )
                messages.success(request, _("The change was requested; the secretariat decides."))
                return redirect("incidents:shift_detail", pk=shift.pk)
        except ValidationError as exc:
            apply_errors(change, exc)
    return render(
        request,
        "incidents/shift_detail.html",
        {
            "shift": shift,
            "handover": handover,
            "change": change,
            "requests": list(shift.changes.select_related("new_person")),
        },
        status=400 if (handover.errors or change.errors) else 200,
    )


@secretariat_required
@require_POST
def shift_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ShiftChange, pk=pk)
    try:
        services.shift_change_decide(
            change=change,
            approve=request.POST.get("decision") == "approve",
            decided_by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request was decided."))
    return redirect("incidents:roster")


@secretariat_required
@require_GET
def roster_hours(request: HttpRequest) -> HttpResponse:
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    return render(
        request,
        "incidents/roster_hours.html",
        {"year": year, "rows": selectors.hours_per_actor(year=year)},
    )


# --- Prepared directions --------------------------------------------------------------------


@require_GET
def prepared_direction_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    directions = list(
        PreparedDirection.objects.select_related("event_type", "owner").prefetch_related("lessons")
    )
    return render(
        request,
        "incidents/prepared_direction_list.html",
        {"directions": directions, "today": today},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def prepared_direction_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(PreparedDirection, pk=pk) if pk else None

    def save(data: dict[str, Any]) -> str:
        services.prepared_direction_save(instance=instance, **data)
        return reverse("incidents:prepared_direction_list")

    return form_page(
        request,
        form=PreparedDirectionForm(request.POST or None, instance=instance),
        title=_("Prepared direction"),
        save=save,
        success_message=_("The prepared direction was saved."),
        cancel_url=reverse("incidents:prepared_direction_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def event_type_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        services.event_type_create(**data)
        return reverse("incidents:prepared_direction_list")

    return form_page(
        request,
        form=EventTypeForm(request.POST or None),
        title=_("New event type"),
        save=save,
        success_message=_("The event type was saved."),
        cancel_url=reverse("incidents:prepared_direction_list"),
    )


# --- Activation alerts ----------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an activation alert. GET shows one button; POST records the receipt (a GET
    alone changes nothing, so mail scanners that open links cannot acknowledge for anyone)."""
    from django.core import signing

    from actors.models import Person

    from .alerts import acknowledge as record
    from .alerts import read_ack_token
    from .models import SeatAlert

    try:
        alert_id, person_id = read_ack_token(token)
    except signing.SignatureExpired:
        return render(request, "incidents/ack_result.html", {"state": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "incidents/ack_result.html", {"state": "invalid"}, status=404)
    alert = get_object_or_404(SeatAlert.objects.select_related("incident", "actor"), pk=alert_id)
    person = get_object_or_404(Person, pk=person_id)
    if alert.acknowledged_at:
        return render(
            request, "incidents/ack_result.html", {"state": "used", "alert": alert}, status=409
        )
    if request.method == "POST":
        record(alert=alert, person=person, via=SeatAlert.Via.EMAIL)
        return render(request, "incidents/ack_result.html", {"state": "done", "alert": alert})
    return render(request, "incidents/ack_confirm.html", {"alert": alert, "person": person})


@require_POST
def acknowledge_in_portal(request: HttpRequest, pk: int) -> HttpResponse:
    from .alerts import acknowledge_in_portal as record

    incident = _incident(request, pk)
    if record(incident=incident, user=request.user):
        messages.success(request, _("Your receipt of the activation alert was recorded."))
    else:
        messages.error(request, _("There is no unacknowledged alert for your seats."))
    return redirect(incident)


@require_GET
def alert_board(request: HttpRequest, pk: int) -> HttpResponse:
    from .alerts import board

    incident = _incident(request, pk)
    _coordinator(request)
    rows = board(incident)
    counts = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return render(
        request, "incidents/board.html", {"incident": incident, "rows": rows, "counts": counts}
    )
