"""Activated-mode pages: signalling, activation, reporting, directions, joint messages, the log,
follow-up, the register, prepared directions and activation alerts (the common situation
picture: picture/views.py; the on-call roster: roster/views.py)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idempotency
from core.access import secretariat_required
from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.pages import apply_errors, confirm_page, form_page
from core.params import int_param, year_param

from . import involved, selectors, services
from .access import acting_actor, require_coordinator, viewable_incident
from .forms import (
    ActivationForm,
    DirectionForm,
    EventTypeForm,
    FollowUpForm,
    ForumsChangeForm,
    MessageForm,
    MessageWithdrawForm,
    NoteForm,
    PreparedDirectionForm,
    ReportForm,
    SignalForm,
    StatusForm,
)
from .models import (
    ActorStatus,
    Direction,
    Incident,
    JointMessage,
    PreparedDirection,
    Signal,
)
from .pdf import log_pdf
from .statistics import MEASURES, gathering_times

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
    """The signal form says who will receive the signal now (the RSIB on duty by name, or the
    fallback when the roster has a gap); the signaller lands on the signal's page, which shows
    who was alerted and who has seen it."""
    from .signal_alerts import recipients_now

    actors = selectors.user_actors(request.user)
    actor = actors[0] if actors else None
    if actor is None:
        messages.error(request, _("Your login is not linked to an actor; contact the secretariat."))
        return redirect("incidents:incident_list")
    form = SignalForm(request.POST or None)

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                signal = services.signal_create(
                    actor=actor, signalled_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                receipts = list(signal.receipts.select_related("person"))
                rsib = [r for r in receipts if r.role == r.Role.RSIB]
                if rsib:
                    text = _("Your signal was sent to %(name)s, the RSIB on duty.") % {
                        "name": rsib[0].person.full_name
                    }
                elif receipts:
                    text = _(
                        "No RSIB is on duty: your signal was sent to the RKK on duty and the "
                        "secretariat's duty officer."
                    )
                else:
                    text = _("Your signal was saved, but nobody could be alerted: call the RSIB.")
                messages.success(request, text)
                return redirect(signal)
        return render(
            request,
            "incidents/signal_form.html",
            {
                "form": form,
                "recipients": recipients_now(),
                "idempotency_key": idempotency.new_key(),
            },
            status=400 if form.is_bound and form.errors else 200,
        )

    if request.method == "POST":
        return idempotency.once(request, answer)  # a repeated submit signals once
    return answer()


@require_http_methods(["GET", "POST"])
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinators' page to assess a signal (opening it counts as seen), and the
    signaller's page to follow it: who was alerted, who has seen it and when."""
    from .signal_alerts import receipts, signal_seen_in_portal

    signal = get_object_or_404(
        Signal.objects.select_related("actor", "signalled_by", "incident"), pk=pk
    )
    coordinator = selectors.can_coordinate(request.user)
    if not coordinator and signal.signalled_by_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        try:
            services.signal_dismiss(signal=signal, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The signal was dismissed."))
        return redirect("incidents:incident_list")
    if coordinator:
        signal_seen_in_portal(signal=signal, user=request.user)
    return render(
        request,
        "incidents/signal_detail.html",
        {
            "signal": signal,
            "receipts": receipts(signal),
            "coordinator": coordinator,
            "municipalities": list(signal.municipalities.all()),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def signal_acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a signal alert. GET shows one button; POST records that the recipient has
    seen the signal (a GET alone changes nothing: mail scanners open links)."""
    from django.core import signing

    from .models import SignalReceipt
    from .signal_alerts import read_ack_token, receipt_acknowledge

    try:
        receipt_id, via = read_ack_token(token)
    except signing.SignatureExpired:
        return _ack_result(
            request,
            _("The link has expired"),
            _("Log in to the portal to see the signal."),
            status=410,
        )
    except signing.BadSignature:
        return _ack_result(
            request,
            _("The link is not valid"),
            _("Check that the whole link was copied, or log in to the portal to see the signal."),
            status=404,
        )
    receipt = get_object_or_404(
        SignalReceipt.objects.select_related("signal__actor", "person", "seen_by"), pk=receipt_id
    )
    if receipt.seen_at:
        at = date_format(timezone.localtime(receipt.seen_at), "j F H:i")
        return _ack_result(
            request,
            _("Already acknowledged"),
            _("This signal was marked as seen %(at)s. Nothing was changed.") % {"at": at},
            status=409,
        )
    if request.method == "POST":
        receipt_acknowledge(receipt=receipt, via=via, user=request.user)
        return _ack_result(
            request,
            _("Thank you – the signal is marked as seen"),
            _("The signaller can see that you have seen it. Assess it in the portal: %(url)s")
            % {"url": settings.SITE_URL + receipt.signal.get_absolute_url()},
        )
    return render(request, "incidents/signal_ack_confirm.html", {"receipt": receipt})


@require_http_methods(["GET", "POST"])
def incident_activate(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    signal = None
    initial: dict[str, Any] = {}
    if request.GET.get("signal"):
        signal_id = int_param(request.GET["signal"])
        if signal_id is None:
            raise Http404
        signal = get_object_or_404(Signal.objects.select_related("incident"), pk=signal_id)
        if not signal.is_new:  # activated or dismissed meanwhile (by someone else, or a repeat)
            messages.info(request, _("The signal has already been handled."))
            return redirect(signal.incident or reverse("incidents:incident_list"))
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
        once=True,
    )


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    my_actors = selectors.user_actors(request.user)
    directions = list(
        incident.directions.prefetch_related("acknowledgements__actor").order_by("-decided_at")
    )
    expected = involved.cached_expected_actors(incident)
    for direction in directions:
        acked = {a.actor_id for a in direction.acknowledgements.all()}
        direction.acknowledged_count = len(acked)
        direction.missing = [a for a in expected if a.pk not in acked]
        direction.mine_pending = [a for a in my_actors if a.pk not in acked]
    context = {
        "incident": incident,
        "forums": list(incident.activated_forums.all()),
        "municipalities": list(incident.affected_municipalities.all()),
        "rows": selectors.reporting_overview(incident, expected=expected),
        "expected_actors": expected,
        "directions": directions,
        "joint_messages": list(
            incident.messages.select_related("withdrawn_by")
            .prefetch_related("signatures__actor")
            .order_by("-created_at")
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
    incident = viewable_incident(request, pk)
    require_coordinator(request)
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
    incident = viewable_incident(request, pk)
    require_coordinator(request)
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
    incident = viewable_incident(request, pk)
    require_coordinator(request)

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
    incident = viewable_incident(request, pk)
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


# --- Reports --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    if not incident.is_active:
        # Said before anyone types a report that could not be submitted.
        if request.method == "POST":
            messages.error(
                request, _("The incident is closed: reports can no longer be submitted.")
            )
            return redirect(incident)
        return render(request, "incidents/report_closed.html", {"incident": incident})
    actor = acting_actor(request, incident)
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


# --- Directions and joint messages ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def direction_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    require_coordinator(request)
    return form_page(
        request,
        form=DirectionForm(request.POST or None),
        title=_("Record a direction from the direction forum"),
        save=lambda data: services.direction_issue(incident=incident, by=request.user, **data),
        success_url=incident.get_absolute_url(),
        success_message=_("The direction was issued; each actor acknowledges it."),
        cancel_url=incident.get_absolute_url(),
        once=True,
    )


@require_POST
def direction_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(Direction.objects.select_related("incident"), pk=pk)
    incident = viewable_incident(request, direction.incident_id)
    actor = acting_actor(request, incident)
    try:
        services.direction_acknowledge(direction=direction, actor=actor, by=request.user)
    except ValidationError as exc:
        problem, said = True, " ".join(exc.messages)
    else:
        problem, said = False, _("Receipt acknowledged for %(actor)s.") % {"actor": actor.name}
    if request.htmx:
        # The button's form sent it with htmx (the incident page, the start page's banner): the
        # answer takes the button's place, and the page is not loaded again.
        return render(
            request,
            "incidents/_direction_acknowledged.html",
            {"problem": problem, "said": said},
        )
    (messages.error if problem else messages.success)(request, said)
    return redirect(incident)


@require_http_methods(["GET", "POST"])
def message_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
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
    incident = viewable_incident(request, message.incident_id)

    def answer() -> HttpResponse:
        try:
            if action == "cosign":
                actor = acting_actor(request, incident)
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

    return idempotency.once(request, answer)  # publishing twice would be a second publication


# --- Log and register -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def incident_log(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
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
    incident = viewable_incident(request, pk)
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
    incident = viewable_incident(request, pk)
    response = HttpResponse(
        log_pdf(incident, list(selectors.incident_log(incident))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="handelselogg-{incident.pk}.pdf"'
    return response


def _register(request: HttpRequest):
    """The year asked for and its incidents, each with its gathering times (``.gathering``)."""
    year = year_param(request.GET.get("year"))  # no year, or not one: every year
    incidents = list(services.register_rows(year=year))
    times = gathering_times(incidents)
    for incident in incidents:
        incident.gathering = times[incident.pk]
    return year, incidents


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
        {
            "incidents": incidents,
            "year": year,
            "counts": sorted(counts.items(), reverse=True),
            "measures": [label for _key, label in MEASURES],
        },
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
            *[_("%(measure)s (minutes)") % {"measure": label} for _key, label in MEASURES],
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
                *incident.gathering.csv_cells,
            ]
        )
    return response


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


def _ack_result(request: HttpRequest, heading: str, text: str, *, status: int = 200):
    return render(
        request, "incidents/ack_result.html", {"heading": heading, "text": text}, status=status
    )


def _acknowledge_duty(request: HttpRequest, token: str) -> HttpResponse | None:
    """The link in an alert to an actor's 24/7 address: acknowledges on behalf of the actor,
    with the name of whoever answers there if they give it. None: not such a link."""
    from django.core import signing

    from . import reach
    from .models import ActorAlert

    try:
        alert_id = reach.read_duty_ack_token(token)
    except signing.SignatureExpired:
        return _ack_result(
            request,
            _("The link has expired"),
            _("Log in to the portal to acknowledge, or contact the RSIB on duty."),
            status=410,
        )
    except signing.BadSignature:
        return None
    alert = get_object_or_404(ActorAlert.objects.select_related("incident", "actor"), pk=alert_id)
    if alert.acknowledged_at:
        at = date_format(timezone.localtime(alert.acknowledged_at), "j F H:i")
        return _ack_result(
            request,
            _("Already acknowledged"),
            _("This alert was acknowledged %(at)s. Nothing was changed.") % {"at": at},
            status=409,
        )
    if request.method == "POST":
        reach.acknowledge_duty(
            alert=alert, via=ActorAlert.Via.DUTY, name=request.POST.get("name", "")[:100]
        )
        return _ack_result(
            request,
            _("Thank you – your receipt is recorded"),
            _('The RSIB can see that the alert for "%(title)s" has reached %(actor)s.')
            % {"title": alert.incident.title, "actor": alert.actor.name},
        )
    return render(request, "incidents/ack_duty_confirm.html", {"alert": alert})


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

    duty = _acknowledge_duty(request, token)
    if duty is not None:
        return duty
    try:
        alert_id, person_id = read_ack_token(token)
    except signing.SignatureExpired:
        return _ack_result(
            request,
            _("The link has expired"),
            _("Log in to the portal to acknowledge, or contact the RSIB on duty."),
            status=410,
        )
    except signing.BadSignature:
        return _ack_result(
            request,
            _("The link is not valid"),
            _("Check that the whole link was copied, or log in to the portal to acknowledge."),
            status=404,
        )
    alert = get_object_or_404(SeatAlert.objects.select_related("incident", "actor"), pk=alert_id)
    person = get_object_or_404(Person, pk=person_id)
    if alert.acknowledged_at:
        at = date_format(timezone.localtime(alert.acknowledged_at), "j F H:i")
        return _ack_result(
            request,
            _("Already acknowledged"),
            _("This alert was acknowledged %(at)s. Nothing was changed.") % {"at": at},
            status=409,
        )
    if request.method == "POST":
        record(alert=alert, person=person, via=SeatAlert.Via.EMAIL)
        return _ack_result(
            request,
            _("Thank you – your receipt is recorded"),
            _('The RSIB can see that the alert for "%(title)s" has reached you.')
            % {"title": alert.incident.title},
        )
    return render(request, "incidents/ack_confirm.html", {"alert": alert, "person": person})


@require_POST
def acknowledge_in_portal(request: HttpRequest, pk: int) -> HttpResponse:
    from .alerts import acknowledge_in_portal as record

    incident = viewable_incident(request, pk)
    if record(incident=incident, user=request.user):
        messages.success(request, _("Your receipt of the activation alert was recorded."))
    else:
        messages.error(request, _("There is no unacknowledged alert for your seats."))
    return redirect(incident)


@require_GET
def alert_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Per involved actor (seats or not) and per seat: reached or not, by whom and how."""
    from .reach import actor_board

    incident = viewable_incident(request, pk)
    require_coordinator(request)
    board = actor_board(incident)
    counts: dict = {}
    for row in board.seats:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return render(
        request,
        "incidents/board.html",
        {
            "incident": incident,
            "board": board,
            "rows": board.seats,
            "counts": list(counts.items()),
        },
    )


# --- Joint messages: corrections and withdrawal ---------------------------------------------


def _changeable_message(request: HttpRequest, pk: int) -> JointMessage:
    """The message, if the user may see its incident (404) and may change it (403)."""
    message = get_object_or_404(
        JointMessage.objects.select_related("incident", "drafted_by"), pk=pk
    )
    viewable_incident(request, message.incident_id)
    if not services.message_may_change(request.user, message):
        raise PermissionDenied
    return message


@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    message = _changeable_message(request, pk)
    incident = message.incident
    if not (message.is_open and incident.is_active):
        messages.error(request, _("Only a draft or an approved message can be edited."))
        return redirect(incident)
    initial = {
        "target_group": message.target_group,
        "channel": message.channel,
        "text": message.text,
        "senders": list(message.senders.all()),
    }
    return form_page(
        request,
        form=MessageForm(request.POST or None, initial=initial),
        title=_("Edit the joint message"),
        save=lambda data: services.message_update(message=message, by=request.user, **data),
        success_url=incident.get_absolute_url() + "#messages-heading",
        success_message=_(
            "The message was saved. If its wording changed, the senders sign it again."
        ),
        cancel_url=incident.get_absolute_url() + "#messages-heading",
    )


@require_http_methods(["GET", "POST"])
def message_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    message = _changeable_message(request, pk)
    incident = message.incident
    if not message.is_open:
        messages.error(request, _("Only a draft or an approved message can be withdrawn."))
        return redirect(incident)
    return form_page(
        request,
        form=MessageWithdrawForm(request.POST or None),
        title=_("Withdraw the joint message to %(group)s") % {"group": message.target_group},
        save=lambda data: services.message_withdraw(
            message=message, reason=data["reason"], by=request.user
        ),
        success_url=incident.get_absolute_url() + "#messages-heading",
        success_message=_("The message was withdrawn; the senders are told."),
        cancel_url=incident.get_absolute_url() + "#messages-heading",
    )
