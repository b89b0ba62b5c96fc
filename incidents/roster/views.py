"""The on-call roster's pages: who is on duty, the shifts and gaps ahead, a shift with its
handover note and requested changes, and the hours per lending actor."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import is_secretariat, secretariat_required
from core.pages import apply_errors, form_page
from core.params import year_param

from ..models import OnCallRole, Shift, ShiftChange
from . import selectors, services
from .forms import HandoverForm, ShiftChangeForm, ShiftForm


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
        "incidents/roster/roster.html",
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
        "incidents/roster/shift_detail.html",
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
        "incidents/roster/roster_hours.html",
        {"year": year, "rows": selectors.hours_per_actor(year=year)},
    )
