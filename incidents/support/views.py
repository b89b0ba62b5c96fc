"""The pages of requests for support: an incident's requests, raising one (from a report's
needs with one click), a request with its steps and the answers offered to who may give them,
and the live picture's panel of open requests (polled on its own, outside the picture's cache)."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idempotency
from core.pages import apply_errors, form_page

from .. import selectors as incident_selectors
from ..access import viewable_incident
from ..models import Incident, SituationReport, SupportRequest
from . import selectors, services
from .forms import AnswerForm, StepNoteForm, SupportRequestForm

LIST_FILTERS = ("open", "all")


@require_GET
def request_list(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    shown = request.GET.get("status", "open")
    if shown not in LIST_FILTERS:
        shown = "open"
    now = timezone.now()
    rows = list(selectors.requests_of(incident, open_only=shown == "open"))
    for row in rows:
        row.overdue = selectors.is_overdue(row, now=now)
    return render(
        request,
        "incidents/support/request_list.html",
        {
            "incident": incident,
            "rows": rows,
            "shown": shown,
            "may_raise": selectors.may_raise(request.user, incident),
        },
    )


def _initial_from_report(request: HttpRequest, incident: Incident) -> tuple[dict, Any]:
    """``?report=<id>``: the form starts from that report's needs (a report of this incident)."""
    wanted = request.GET.get("report", "")
    if not (wanted.isascii() and wanted.isdigit()) or len(wanted) > 12:
        return {}, None
    report = (
        SituationReport.objects.filter(pk=int(wanted), incident=incident)
        .select_related("actor")
        .first()
    )
    if report is None or not report.needs.strip():
        return {}, None
    needs = " ".join(report.needs.split())
    initial = {
        "title": needs[:200] if len(needs) <= 200 else needs[:197].rstrip() + "...",
        "description": report.needs,
        "to_anyone": True,
        "needed_by": timezone.localtime(timezone.now() + datetime.timedelta(hours=2)).replace(
            second=0, microsecond=0
        ),
    }
    return initial, report


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    coordinator = incident_selectors.can_coordinate(request.user)
    actors = selectors.raising_actors(request.user, incident)
    if not (coordinator or actors):
        raise PermissionDenied
    if not incident.is_active:
        # Said before anyone types a request that could not be raised.
        messages.error(request, _("Requests are raised while the incident is activated."))
        return redirect("incidents:support_request_list", pk=incident.pk)
    initial, report = _initial_from_report(request, incident)
    if report is not None and report.actor_id in {a.pk for a in actors}:
        initial["actor"] = report.actor_id
    form = SupportRequestForm(
        request.POST or None,
        initial=initial,
        actors=actors,
        taking_part=selectors.participating_actors(incident),
        coordinator=coordinator,
    )
    return form_page(
        request,
        form=form,
        title=_("Raise a request for support in %(title)s") % {"title": incident.title},
        save=lambda data: services.support_request_raise(
            incident=incident,
            by=request.user,
            actor=data["actor"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            addressed=data["addressed"],
            to_anyone=data["to_anyone"],
            needed_by=data["needed_by"],
            priority=data["priority"],
            from_report=report,
        ),
        success_message=_("The request was raised; the actors asked were told."),
        cancel_url=incident.get_absolute_url(),
    )


def _viewable_request(request: HttpRequest, pk: int) -> SupportRequest:
    support_request = selectors.request_detail(pk)
    if support_request is None:
        raise Http404
    viewable_incident(request, support_request.incident_id)
    return support_request


def _detail(
    request: HttpRequest, support_request: SupportRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    answering = selectors.answering_actors(user, support_request)
    context = {
        "incident": support_request.incident,
        "req": support_request,
        "overdue": selectors.is_overdue(support_request),
        "answer_form": forms.get("answer_form")
        or (AnswerForm(actors=answering, prefix="answer") if answering else None),
        "deliver_form": forms.get("deliver_form")
        or (
            StepNoteForm(prefix="deliver") if selectors.may_deliver(user, support_request) else None
        ),
        "close_form": forms.get("close_form")
        or (StepNoteForm(prefix="close") if selectors.may_close(user, support_request) else None),
        "idempotency_key": idempotency.new_key(),
    }
    return render(request, "incidents/support/request_detail.html", context, status=status)


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _viewable_request(request, pk))


@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Answer, deliver or close: each form of the request's page posts here."""
    support_request = _viewable_request(request, pk)
    user = request.user
    if action == "answer":
        # The user's actors that are asked, whatever the state: the service says "already
        # accepted by ..." to the one who lost a race, rather than the form "not a choice".
        asked = [
            a
            for a in incident_selectors.user_actors(user)
            if selectors.may_be_answered_by(support_request, a)
        ]
        if not asked:
            raise PermissionDenied
        form = AnswerForm(request.POST, actors=asked, prefix="answer")
        key = "answer_form"
    elif action in ("deliver", "close"):
        form = StepNoteForm(request.POST, prefix=action)
        key = f"{action}_form"
    else:
        raise Http404

    def act(data: dict[str, Any]) -> None:
        if action == "deliver":
            services.support_request_deliver(request=support_request, by=user, note=data["note"])
        elif action == "close":
            services.support_request_close(request=support_request, by=user, note=data["note"])
        elif data["answer"] == AnswerForm.DECLINE:
            services.support_request_decline(
                request=support_request, actor=data["actor"], by=user, note=data["note"]
            )
        else:
            services.support_request_accept(
                request=support_request,
                actor=data["actor"],
                by=user,
                partial=data["answer"] == AnswerForm.PARTIAL,
                note=data["note"],
            )

    def answer() -> HttpResponse:
        if form.is_valid():
            try:
                act(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Done."))
                return redirect(support_request)
        fresh = selectors.request_detail(support_request.pk)
        return _detail(request, fresh, status=400, **{key: form})

    return idempotency.once(request, answer)


@require_GET
def picture_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The live picture's requests panel on its own: the picture page polls it, since the rest
    of the live picture is cached per picture version."""
    incident = viewable_incident(request, pk)
    return render(
        request,
        "incidents/support/_picture_panel_body.html",
        {"incident": incident, "support": selectors.picture_panel(incident)},
    )
